package org.transformer4j.train;

/**
 * Hyperparameters of {@link Adam} and {@link AdamW} (Kingma and Ba 2015): the moment decay rates, the epsilon
 * added to the root of the corrected second moment, and the weight decay (an L2 term in the gradient for Adam,
 * decoupled for AdamW).
 *
 * @param beta1       decay of the first moment, in [0, 1)
 * @param beta2       decay of the second moment, in [0, 1)
 * @param eps         added to sqrt(v / (1 - beta2^t)), > 0
 * @param weightDecay the weight decay coefficient, >= 0
 */
public record AdamSettings(double beta1, double beta2, double eps, double weightDecay) {

    public AdamSettings {
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
        }
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("eps must be finite and > 0, got " + eps);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weightDecay must be finite and >= 0, got " + weightDecay);
        }
    }

    /** torch.optim.Adam's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public static AdamSettings defaults() {
        return new AdamSettings(0.9, 0.999, 1e-8, 0);
    }

    /** torch.optim.AdamW's defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0.01. */
    public static AdamSettings adamW() {
        return new AdamSettings(0.9, 0.999, 1e-8, 0.01);
    }

    /** "Attention Is All You Need" section 5.3: beta1 0.9, beta2 0.98, eps 1e-9, no weight decay. */
    public static AdamSettings paper() {
        return new AdamSettings(0.9, 0.98, 1e-9, 0);
    }

    public AdamSettings withBetas(double b1, double b2) {
        return new AdamSettings(b1, b2, eps, weightDecay);
    }

    public AdamSettings withEps(double e) {
        return new AdamSettings(beta1, beta2, e, weightDecay);
    }

    public AdamSettings withWeightDecay(double wd) {
        return new AdamSettings(beta1, beta2, eps, wd);
    }
}
