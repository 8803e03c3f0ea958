package org.transformer4j.nn;

import org.transformer4j.autograd.Functions;
import org.transformer4j.autograd.Variable;
import org.transformer4j.tensor.Tensor;

/**
 * Rotary position embedding (Su et al. 2021, RoFormer, eq. 34): each pair (x_2i, x_2i+1) of a query or
 * key at position m is rotated by the angle m * theta_i with theta_i = base^(-2i/d). The dot product of
 * a rotated query and key then depends only on their relative position.
 */
public final class RotaryEmbedding {
    private final int dim;
    private final double base;

    public RotaryEmbedding(int dim, double base) {
        if (dim < 2 || dim % 2 != 0) {
            throw new IllegalArgumentException("RoPE needs an even head dimension, got " + dim);
        }
        this.dim = dim;
        this.base = base;
    }

    /** The angle of pair i at position m. */
    public double angle(int m, int i) {
        return m * Math.pow(base, -2.0 * i / dim);
    }

    /** Rotates x of shape (batch, heads, time, dim) whose time index 0 is absolute position offset. */
    public Variable apply(Variable x, int offset) {
        int[] shape = x.shape();
        int t = shape[shape.length - 2];
        int half = dim / 2;
        float[] cos = new float[t * half];
        float[] sin = new float[t * half];
        for (int p = 0; p < t; p++) {
            for (int i = 0; i < half; i++) {
                double a = angle(offset + p, i);
                cos[p * half + i] = (float) Math.cos(a);
                sin[p * half + i] = (float) Math.sin(a);
            }
        }
        Variable c = Variable.constant(Tensor.of(cos, t, half).withKernels(x.value().kernels()), "RoPE cos");
        Variable s = Variable.constant(Tensor.of(sin, t, half).withKernels(x.value().kernels()), "RoPE sin");
        int[] pairs = shape.clone();
        pairs[pairs.length - 1] = half;
        int[] split = java.util.Arrays.copyOf(pairs, pairs.length + 1);
        split[pairs.length] = 2;
        Variable xp = x.reshape(split);                 // (..., time, dim/2, 2)
        Variable even = xp.select(-1, 0);               // (..., time, dim/2)
        Variable odd = xp.select(-1, 1);
        Variable rotEven = even.mul(c).sub(odd.mul(s));
        Variable rotOdd = even.mul(s).add(odd.mul(c));
        return Functions.stack(-1, rotEven, rotOdd).reshape(shape).named("rotate (RoPE)");
    }
}
