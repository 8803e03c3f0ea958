package org.transformer4j.nn;

import org.transformer4j.autograd.Variable;
import org.transformer4j.tensor.Rng;

/** Dropout (Srivastava et al. 2014) in training mode, the identity in evaluation mode. */
public final class Dropout extends Module {
    private final float p;
    private final Rng rng;

    /** Drops with probability p, drawing masks from rng (shared with the model so checkpoints can restore it). */
    public Dropout(float p, Rng rng) {
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + p);
        }
        this.p = p;
        this.rng = rng;
    }

    public float p() {
        return p;
    }

    public Variable forward(Variable x) {
        return isTraining() && p > 0f ? traced(() -> x.dropout(p, rng)) : x;
    }
}
