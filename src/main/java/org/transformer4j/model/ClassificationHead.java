package org.transformer4j.model;

import org.transformer4j.autograd.Variable;
import org.transformer4j.nn.Dropout;
import org.transformer4j.nn.Linear;
import org.transformer4j.nn.Module;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;

/**
 * Sequence classification: pool the hidden states of a sequence into one vector, then dropout and a
 * linear layer to label logits. FIRST pools the first token (BERT's [CLS]), LAST the last real token (a
 * decoder's summary of everything, as ULMFiT and GPT-1 classify), MEAN averages the real tokens.
 */
public final class ClassificationHead extends Module {

    /** How a sequence becomes one vector. */
    public enum Pooling { FIRST, LAST, MEAN }

    private final Pooling pooling;
    private final Dropout dropout;
    private final Linear classifier;

    public ClassificationHead(int dModel, int labels, Pooling pooling, float dropout, Rng rng) {
        this.pooling = pooling;
        this.dropout = child("dropout", new Dropout(dropout, rng));
        this.classifier = child("classifier", new Linear(dModel, labels, true, rng));
    }

    /** Hidden states (batch, length, d) and the batch's padding -> logits (batch, labels). */
    public Variable forward(Variable hidden, Tokens tokens) {
        return traced(() -> classifier.forward(dropout.forward(pool(hidden, tokens))));
    }

    private Variable pool(Variable h, Tokens tokens) {
        int b = h.dim(0);
        int t = h.dim(1);
        float[] weights = new float[b * t];
        for (int i = 0; i < b; i++) {
            int real = realLength(tokens, i);
            switch (pooling) {
                case FIRST -> weights[i * t] = 1f;
                case LAST -> weights[i * t + real - 1] = 1f;
                case MEAN -> {
                    for (int j = 0; j < real; j++) {
                        weights[i * t + j] = 1f / real;
                    }
                }
            }
        }
        // A weighted sum over positions: (B, 1, T) @ (B, T, d) -> (B, 1, d).
        Variable w = Variable.constant(Tensor.of(weights, b, 1, t).withKernels(h.value().kernels()));
        return w.matmul(h).squeeze(1);
    }

    private static int realLength(Tokens tokens, int row) {
        if (tokens.padding() == null) {
            return tokens.length();
        }
        int n = 0;
        for (int j = 0; j < tokens.length(); j++) {
            n += tokens.padding().get(row, j) == 0f ? 1 : 0;
        }
        if (n == 0) {
            throw new IllegalArgumentException("sequence " + row + " of the batch is all padding");
        }
        return n;
    }
}
