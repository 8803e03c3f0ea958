package org.transformer4j.nn;

import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;

/** Weight initialisations, as the reference implementations define them. */
public final class Init {
    private Init() {
    }

    /** U(-bound, bound). */
    public static Tensor uniform(Rng rng, float bound, int... shape) {
        return Tensor.rand(rng, -bound, bound, shape);
    }

    /** PyTorch's default for Linear weights and biases: U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
    public static Tensor torchDefault(Rng rng, int fanIn, int... shape) {
        return uniform(rng, (float) (1.0 / Math.sqrt(Math.max(1, fanIn))), shape);
    }

    /** Xavier/Glorot uniform (Glorot and Bengio 2010), as the paper model and torch.nn.Transformer use. */
    public static Tensor xavierUniform(Rng rng, int fanOut, int fanIn) {
        return uniform(rng, (float) Math.sqrt(6.0 / (fanIn + fanOut)), fanOut, fanIn);
    }

    /** N(0, std^2), e.g. GPT-2's N(0, 0.02). */
    public static Tensor normal(Rng rng, float std, int... shape) {
        return Tensor.randn(rng, 0f, std, shape);
    }
}
