package org.transformer4j.train;

import java.util.List;
import org.transformer4j.tensor.OptimizerKernels;
import org.transformer4j.tensor.Tensor;

/**
 * The update shared by {@link Adam} and {@link AdamW}, in PyTorch's order of float32 operations:
 * m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g g; p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
 * Weight decay is either added to the gradient (Adam, L2) or applied to the parameter first (AdamW, decoupled:
 * p *= 1 - lr wd).
 */
abstract class AdamFamily extends GroupedOptimizer {
    private final AdamSettings settings;
    private final boolean decoupled;

    AdamFamily(List<ParameterGroup> groups, AdamSettings settings, boolean decoupled) {
        super(groups, "exp_avg", "exp_avg_sq");
        this.settings = settings;
        this.decoupled = decoupled;
    }

    /** The hyperparameters. */
    public final AdamSettings settings() {
        return settings;
    }

    @Override
    final String settingsText() {
        return settings.toString();
    }

    @Override
    final boolean updateInPlace(Slot s, Tensor value, Tensor grad, double lr, boolean decay) {
        OptimizerKernels.adam(value, grad, s.buffer(0), s.buffer(1), constants(s, lr, decay));
        return true;
    }

    /** The step's constants, computed as {@link #update} computes them. */
    private OptimizerKernels.AdamStep constants(Slot s, double lr, boolean decay) {
        double wd = decay ? settings.weightDecay() : 0;
        double bc1 = 1 - Math.pow(settings.beta1(), s.steps);
        double bc2 = 1 - Math.pow(settings.beta2(), s.steps);
        return new OptimizerKernels.AdamStep((float) settings.beta1(), (float) settings.beta2(), (float) (1 - settings.beta1()),
                (float) (1 - settings.beta2()), (float) -(lr / bc1), (float) Math.sqrt(bc2), (float) settings.eps(),
                decoupled ? 0f : (float) wd, decoupled && wd != 0, (float) (1 - lr * wd));
    }

    @Override
    final void update(Slot s, float[] p, float[] g, double lr, boolean decay) {
        float[] m = s.buffer(0);
        float[] v = s.buffer(1);
        double wd = decay ? settings.weightDecay() : 0;
        float b1 = (float) settings.beta1();
        float b2 = (float) settings.beta2();
        float oneMinusB1 = (float) (1 - settings.beta1());
        float oneMinusB2 = (float) (1 - settings.beta2());
        // Bias correction as torch.optim.Adam: in double, eps added after the corrected root.
        double bc1 = 1 - Math.pow(settings.beta1(), s.steps);
        double bc2 = 1 - Math.pow(settings.beta2(), s.steps);
        float negStepSize = (float) -(lr / bc1);
        float bc2Sqrt = (float) Math.sqrt(bc2);
        float eps = (float) settings.eps();
        float l2 = decoupled ? 0f : (float) wd;
        boolean shrink = decoupled && wd != 0;
        float keep = (float) (1 - lr * wd);
        for (int i = 0; i < p.length; i++) {
            float pi = p[i];
            float gi = l2 != 0 ? g[i] + l2 * pi : g[i];
            if (shrink) {
                pi = pi * keep;
            }
            m[i] = m[i] * b1 + oneMinusB1 * gi;
            v[i] = v[i] * b2 + oneMinusB2 * gi * gi;
            float denom = (float) Math.sqrt(v[i]) / bc2Sqrt + eps;
            p[i] = pi + negStepSize * (m[i] / denom);
        }
    }
}
