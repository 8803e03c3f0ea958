package org.transformer4j.nn;

import org.transformer4j.tensor.Tensor;

/**
 * What one attention layer keeps between decoding steps: for softmax attention the keys and values
 * seen so far, (batch, kv heads, length, head dim); for linear attention the fast weight matrix and its
 * normaliser. Cross-attention fills it once from the encoder output.
 */
public final class AttentionCache {
    Tensor keys;
    Tensor values;
    Tensor fastWeights;   // (batch, heads, dv, dk)
    Tensor normalizer;    // (batch, heads, dk)
    int length;

    /** How many positions have been processed (the position offset of the next query). */
    public int length() {
        return length;
    }

    /** The cached keys (null before the first step). */
    public Tensor keys() {
        return keys;
    }

    /** The cached values (null before the first step). */
    public Tensor values() {
        return values;
    }

    /** The fast weight matrix of linear attention, (batch, heads, dv, dk), for inspection. */
    public Tensor fastWeights() {
        return fastWeights;
    }

    /** Forgets everything (a new sequence). */
    public void clear() {
        keys = null;
        values = null;
        fastWeights = null;
        normalizer = null;
        length = 0;
    }
}
