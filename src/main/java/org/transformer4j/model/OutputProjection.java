package org.transformer4j.model;

import org.transformer4j.autograd.Variable;
import org.transformer4j.nn.Embedding;
import org.transformer4j.nn.Init;
import org.transformer4j.nn.Module;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;

/**
 * Hidden states to vocabulary logits: h W^T with W (vocab, d), either its own matrix or tied to the
 * token embedding (Press and Wolf 2017; the paper's section 3.4), plus an optional learned bias per
 * vocabulary entry (Marian's {@code final_logits_bias}).
 */
public final class OutputProjection extends Module {
    private final Variable weight; // (vocab, d)
    private final Variable bias;   // (vocab) or null

    /** A projection without a bias. */
    public OutputProjection(int dModel, int vocab, Embedding tiedTo, Rng rng) {
        this(dModel, vocab, tiedTo, false, rng);
    }

    /** A projection with a bias (zero-initialised) when {@code bias} is true. */
    public OutputProjection(int dModel, int vocab, Embedding tiedTo, boolean bias, Rng rng) {
        this.weight = tiedTo != null ? tie("weight", tiedTo.weight()) : parameter("weight", Init.torchDefault(rng, dModel, vocab, dModel));
        this.bias = bias ? parameter("bias", Tensor.zeros(vocab)) : null;
    }

    public Variable weight() {
        return weight;
    }

    /** The logit bias (vocab), or null without one. */
    public Variable bias() {
        return bias;
    }

    /** (..., d) -> (..., vocab). */
    public Variable forward(Variable h) {
        return traced(() -> {
            int[] shape = h.shape();
            int d = shape[shape.length - 1];
            Variable logits = h.reshape(-1, d).matmul(weight.transpose(0, 1));     // (N, vocab)
            if (bias != null) {
                logits = logits.add(bias).named("+ output bias");
            }
            shape[shape.length - 1] = weight.dim(0);
            return logits.reshape(shape);
        });
    }
}
