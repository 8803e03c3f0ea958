package org.transformer4j.nn;

import org.transformer4j.tensor.Tensor;

/**
 * Attention with Linear Biases (Press, Smith and Lewis 2022): no position embeddings; each head adds
 * -m_h * distance(query, key) to its scores. Slopes m_h form the geometric sequence 2^(-8/H), 2^(-16/H),
 * ...; for a head count that is not a power of two, the slopes of the nearest lower power of two are
 * followed by every other slope of the next power (the paper's recipe).
 */
public final class AlibiBias {
    private final float[] slopes;

    public AlibiBias(int heads) {
        this.slopes = slopes(heads);
    }

    /** The slope of each head. */
    public static float[] slopes(int heads) {
        if (heads < 1) {
            throw new IllegalArgumentException("ALiBi needs at least one head, got " + heads);
        }
        int p = Integer.highestOneBit(heads);
        float[] out = new float[heads];
        for (int i = 0; i < p; i++) {
            out[i] = (float) Math.pow(2, -8.0 * (i + 1) / p);
        }
        for (int i = p, k = 0; i < heads; i++, k += 2) {
            out[i] = (float) Math.pow(2, -8.0 * (k + 1) / (2 * p)); // odd positions of the 2p sequence
        }
        return out;
    }

    /**
     * The bias (1, heads, queries, keys): -m_h * (i - j) for query position i = offset + q and key j; keys
     * after the query (only seen without a causal mask) get -m_h * |i - j|.
     */
    public Tensor bias(int queries, int keys, int offset) {
        int h = slopes.length;
        float[] b = new float[h * queries * keys];
        for (int head = 0; head < h; head++) {
            for (int q = 0; q < queries; q++) {
                for (int j = 0; j < keys; j++) {
                    b[(head * queries + q) * keys + j] = -slopes[head] * Math.abs(offset + q - j);
                }
            }
        }
        return Tensor.of(b, 1, h, queries, keys);
    }
}
