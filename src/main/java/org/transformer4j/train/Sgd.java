package org.transformer4j.train;

import java.util.List;
import java.util.Map;
import org.transformer4j.autograd.Variable;

/**
 * Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay, step for step as
 * torch.optim.SGD (dampening 0): d = g + wd p; b = mu b + d (b = d at the first step); d = nesterov ? d + mu b :
 * b; p -= lr d.
 *
 * <pre>{@code
 * Sgd sgd = Sgd.of(model.namedParameters(), SgdSettings.heavyBall().withNesterov(true));
 * }</pre>
 */
public final class Sgd extends GroupedOptimizer {
    private final SgdSettings settings;

    /** SGD over the given groups. */
    public Sgd(List<ParameterGroup> groups, SgdSettings settings) {
        super(groups, "momentum_buffer");
        this.settings = settings;
    }

    /** SGD over all the parameters in one group (weight decay, if any, applies to all). */
    public static Sgd of(Map<String, Variable> named, SgdSettings settings) {
        return new Sgd(List.of(ParameterGroup.of("all", named)), settings);
    }

    /** The hyperparameters. */
    public SgdSettings settings() {
        return settings;
    }

    @Override
    String kind() {
        return "SGD";
    }

    @Override
    String settingsText() {
        return settings.toString();
    }

    @Override
    void update(Slot s, float[] p, float[] g, double lr, boolean decay) {
        // float32 arithmetic with the scalars rounded to float, as torch's kernels do.
        float wd = decay ? (float) settings.weightDecay() : 0f;
        float mu = (float) settings.momentum();
        float negLr = (float) -lr;
        boolean nesterov = settings.nesterov();
        boolean first = s.buffers[0] == null;
        float[] buf = mu != 0 ? s.buffer(0) : null;
        for (int i = 0; i < p.length; i++) {
            float d = wd != 0 ? g[i] + wd * p[i] : g[i];
            if (buf != null) {
                buf[i] = first ? d : buf[i] * mu + d;
                d = nesterov ? d + mu * buf[i] : buf[i];
            }
            p[i] = p[i] + negLr * d;
        }
    }
}
