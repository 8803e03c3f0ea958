package org.transformer4j.model;

import org.transformer4j.autograd.Variable;
import org.transformer4j.nn.Embedding;
import org.transformer4j.nn.Init;
import org.transformer4j.nn.Module;
import org.transformer4j.tensor.Rng;

/**
 * Hidden states to vocabulary logits: h W^T with W (vocab, d), either its own matrix or tied to the
 * token embedding (Press and Wolf 2017; the paper's section 3.4).
 */
public final class OutputProjection extends Module {
    private final Variable weight; // (vocab, d)

    public OutputProjection(int dModel, int vocab, Embedding tiedTo, Rng rng) {
        this.weight = tiedTo != null ? tie("weight", tiedTo.weight()) : parameter("weight", Init.torchDefault(rng, dModel, vocab, dModel));
    }

    public Variable weight() {
        return weight;
    }

    /** (..., d) -> (..., vocab). */
    public Variable forward(Variable h) {
        return traced(() -> {
            int[] shape = h.shape();
            int d = shape[shape.length - 1];
            Variable logits = h.reshape(-1, d).matmul(weight.transpose(0, 1));
            shape[shape.length - 1] = weight.dim(0);
            return logits.reshape(shape);
        });
    }
}
