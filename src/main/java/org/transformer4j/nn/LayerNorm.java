package org.transformer4j.nn;

import org.transformer4j.autograd.Functions;
import org.transformer4j.autograd.Variable;
import org.transformer4j.tensor.Tensor;

/** Layer normalisation over the last dimension (Ba, Kiros and Hinton 2016), weight 1 and bias 0 at start. */
public final class LayerNorm extends NormLayer {
    private final Variable weight; // (dim)
    private final Variable bias;   // (dim)
    private final float eps;

    public LayerNorm(int dim, float eps) {
        if (dim < 1 || !(eps > 0)) {
            throw new IllegalArgumentException("LayerNorm needs dim >= 1 and eps > 0, got dim=" + dim + ", eps=" + eps);
        }
        this.weight = parameter("weight", Tensor.ones(dim));
        this.bias = parameter("bias", Tensor.zeros(dim));
        this.eps = eps;
    }

    @Override
    public Variable forward(Variable x) {
        return traced(() -> Functions.layerNorm(x, 1, weight, bias, eps));
    }
}
