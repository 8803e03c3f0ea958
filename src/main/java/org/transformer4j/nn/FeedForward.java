package org.transformer4j.nn;

import org.transformer4j.autograd.Variable;
import org.transformer4j.tensor.Rng;

/**
 * The position-wise feed-forward network: linear2(dropout(act(linear1(x)))), or with a gate
 * (Shazeer 2020, e.g. SwiGLU): linear2(dropout(act(linear_gate(x)) * linear1(x))).
 */
public final class FeedForward extends Module {
    private final Linear linear1;   // (dff, d)
    private final Linear linear2;   // (d, dff)
    private final Linear gate;      // (dff, d) or null
    private final Activation activation;
    private final Dropout dropout;

    public FeedForward(int dModel, int dFF, Activation activation, boolean gated, boolean bias, float dropout, Rng rng) {
        this.linear1 = child("linear1", new Linear(dModel, dFF, bias, rng));
        this.linear2 = child("linear2", new Linear(dFF, dModel, bias, rng));
        this.gate = gated ? child("linear_gate", new Linear(dModel, dFF, bias, rng)) : null;
        this.activation = activation;
        this.dropout = child("dropout", new Dropout(dropout, rng));
    }

    public Linear linear1() {
        return linear1;
    }

    public Linear linear2() {
        return linear2;
    }

    /** (..., d) -> (..., d). */
    public Variable forward(Variable x) {
        return traced(() -> {
            Variable h = gate == null ? activation.apply(linear1.forward(x))
                    : activation.apply(gate.forward(x)).mul(linear1.forward(x));
            return linear2.forward(dropout.forward(h));
        });
    }
}
