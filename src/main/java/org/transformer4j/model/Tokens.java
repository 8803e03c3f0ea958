package org.transformer4j.model;

import org.transformer4j.tensor.Tensor;

/**
 * A batch of token id sequences padded to one length: ids (batch, length) in row-major order and the
 * padding mask (1 = padding) or null when nothing is padded.
 */
public record Tokens(int[] ids, int batch, int length, Tensor padding) {

    public Tokens {
        if (batch < 1 || length < 1 || ids.length != batch * length) {
            throw new IllegalArgumentException("tokens: " + ids.length + " ids do not fill (batch " + batch
                    + ", length " + length + ")");
        }
    }

    /** One unpadded sequence. */
    public static Tokens of(int... ids) {
        return new Tokens(ids.clone(), 1, ids.length, null);
    }

    /** Sequences of different lengths, right-padded with padId. */
    public static Tokens padded(int[][] sequences, int padId) {
        int max = 0;
        for (int[] s : sequences) {
            max = Math.max(max, s.length);
        }
        int[] ids = new int[sequences.length * max];
        float[] pad = new float[ids.length];
        boolean any = false;
        for (int b = 0; b < sequences.length; b++) {
            for (int t = 0; t < max; t++) {
                boolean real = t < sequences[b].length;
                ids[b * max + t] = real ? sequences[b][t] : padId;
                pad[b * max + t] = real ? 0f : 1f;
                any |= !real;
            }
        }
        return new Tokens(ids, sequences.length, max, any ? Tensor.of(pad, sequences.length, max) : null);
    }
}
