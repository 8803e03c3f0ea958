package org.transformer4j.nn;

import org.transformer4j.autograd.Functions;
import org.transformer4j.autograd.Variable;
import org.transformer4j.tensor.Tensor;

/** RMS normalisation over the last dimension (Zhang and Sennrich 2019): no centring, no bias. */
public final class RMSNorm extends NormLayer {
    private final Variable weight; // (dim)
    private final float eps;

    public RMSNorm(int dim, float eps) {
        if (dim < 1 || !(eps > 0)) {
            throw new IllegalArgumentException("RMSNorm needs dim >= 1 and eps > 0, got dim=" + dim + ", eps=" + eps);
        }
        this.weight = parameter("weight", Tensor.ones(dim));
        this.eps = eps;
    }

    @Override
    public Variable forward(Variable x) {
        return traced(() -> Functions.rmsNorm(x, 1, weight, eps));
    }
}
