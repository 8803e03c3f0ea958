package org.transformer4j.nn;

import org.transformer4j.autograd.Functions;
import org.transformer4j.autograd.Variable;
import org.transformer4j.tensor.Rng;

/** A lookup table of vectors: ids of any shape -> (..., dim). Initialised N(0, 1) as PyTorch. */
public final class Embedding extends Module {
    private final Variable weight; // (vocab, dim)

    public Embedding(int vocab, int dim, Rng rng) {
        if (vocab < 1 || dim < 1) {
            throw new IllegalArgumentException("Embedding needs positive sizes, got vocab=" + vocab + ", dim=" + dim);
        }
        this.weight = parameter("weight", Init.normal(rng, 1f, vocab, dim));
    }

    public Variable weight() {
        return weight;
    }

    public int vocab() {
        return weight.dim(0);
    }

    public int dim() {
        return weight.dim(1);
    }

    /** Rows for ids laid out in idShape (e.g. (batch, time)). */
    public Variable forward(int[] ids, int... idShape) {
        return traced(() -> Functions.embedding(weight, ids, idShape));
    }
}
