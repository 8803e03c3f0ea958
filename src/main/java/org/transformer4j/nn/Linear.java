package org.transformer4j.nn;

import org.transformer4j.autograd.Variable;
import org.transformer4j.tensor.Rng;

/** y = x W^T + b over the last dimension, with PyTorch's layout: weight (out, in), bias (out). */
public final class Linear extends Module {
    private final Variable weight; // (out, in)
    private final Variable bias;   // (out) or null
    private final int in;
    private final int out;
    private boolean quantizeInput;

    /** A layer initialised as PyTorch does: U(-1/sqrt(in), 1/sqrt(in)). */
    public Linear(int in, int out, boolean bias, Rng rng) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("Linear needs positive sizes, got in=" + in + ", out=" + out);
        }
        this.in = in;
        this.out = out;
        this.weight = parameter("weight", Init.torchDefault(rng, in, out, in));
        this.bias = bias ? parameter("bias", Init.torchDefault(rng, in, out)) : null;
    }

    public Variable weight() {
        return weight;
    }

    public Variable bias() {
        return bias;
    }

    /** (..., in) -> (..., out). */
    public Variable forward(Variable x) {
        return traced(() -> apply(quantizeInput ? InputQuantization.apply(x) : x, weight, bias));
    }

    /** Quantize the input to 8 bits per tensor first (see {@link InputQuantization}); inference only. */
    public void quantizeInput(boolean on) {
        quantizeInput = on;
    }

    /** x W^T + b for any weight (out, in) and optional bias: one matrix product over all leading dims. */
    static Variable apply(Variable x, Variable weight, Variable bias) {
        int[] shape = x.shape();
        int inDim = shape[shape.length - 1];
        if (inDim != weight.dim(1)) {
            throw new IllegalArgumentException("linear: input's last dimension is " + inDim + " but the weight "
                    + "expects " + weight.dim(1) + " (input shape " + org.transformer4j.tensor.Shapes.str(shape) + ")");
        }
        Variable y = x.reshape(-1, inDim).matmul(weight.transpose(0, 1)); // (N, out)
        if (bias != null) {
            y = y.add(bias);
        }
        shape[shape.length - 1] = weight.dim(0);
        return y.reshape(shape);
    }

    @Override
    public String toString() {
        return "Linear(" + in + " -> " + out + (bias != null ? ", bias" : "") + ")";
    }
}
