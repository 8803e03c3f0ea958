package org.transformer4j.train;

/**
 * Hyperparameters of {@link Sgd}, as torch.optim.SGD with dampening 0: heavy-ball momentum (Polyak 1964) or
 * Nesterov momentum (Sutskever et al. 2013), and weight decay as an L2 term added to the gradient.
 *
 * @param momentum    the momentum factor in [0, 1); 0 is plain SGD
 * @param nesterov    whether to use Nesterov momentum (needs momentum > 0)
 * @param weightDecay the L2 coefficient, >= 0 (applied to groups with {@code decay} on)
 */
public record SgdSettings(double momentum, boolean nesterov, double weightDecay) {

    public SgdSettings {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (nesterov && momentum == 0) {
            throw new IllegalArgumentException("Nesterov momentum needs momentum > 0, got " + momentum);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weightDecay must be finite and >= 0, got " + weightDecay);
        }
    }

    /** Plain SGD: no momentum, no weight decay. */
    public static SgdSettings plain() {
        return new SgdSettings(0, false, 0);
    }

    /** Heavy-ball momentum 0.9 without weight decay. */
    public static SgdSettings heavyBall() {
        return new SgdSettings(0.9, false, 0);
    }

    public SgdSettings withMomentum(double m) {
        return new SgdSettings(m, nesterov && m > 0, weightDecay);
    }

    public SgdSettings withNesterov(boolean on) {
        return new SgdSettings(momentum, on, weightDecay);
    }

    public SgdSettings withWeightDecay(double wd) {
        return new SgdSettings(momentum, nesterov, wd);
    }
}
