package org.transformer4j.data;

import org.transformer4j.tensor.Tensor;

/**
 * Sequences of ids right-padded to one length: ids (rows, length) in row-major order and each row's real
 * length.
 */
public record PaddedIds(int[] ids, int rows, int length, int[] lengths) {

    public PaddedIds {
        if (rows < 1 || length < 1 || ids.length != rows * length || lengths.length != rows) {
            throw new IllegalArgumentException("padded ids: " + ids.length + " ids and " + lengths.length
                    + " lengths do not fit (rows " + rows + ", length " + length + ")");
        }
    }

    /** Right-pads sequences with pad to the longest one (at least 1). */
    public static PaddedIds of(int[][] sequences, int pad) {
        int max = 1;
        for (int[] s : sequences) {
            max = Math.max(max, s.length);
        }
        int[] ids = new int[sequences.length * max];
        int[] lengths = new int[sequences.length];
        for (int r = 0; r < sequences.length; r++) {
            int[] s = sequences[r];
            System.arraycopy(s, 0, ids, r * max, s.length);
            java.util.Arrays.fill(ids, r * max + s.length, (r + 1) * max, pad);
            lengths[r] = s.length;
        }
        return new PaddedIds(ids, sequences.length, max, lengths);
    }

    /** The id at (row, t). */
    public int at(int row, int t) {
        return ids[row * length + t];
    }

    /** The number of real (non-padding) ids. */
    public int realTokens() {
        int n = 0;
        for (int l : lengths) {
            n += l;
        }
        return n;
    }

    /** The padding mask (rows, length), 1 where padded and 0 elsewhere. */
    public Tensor paddingMask() {
        float[] mask = new float[ids.length];
        for (int r = 0; r < rows; r++) {
            java.util.Arrays.fill(mask, r * length + lengths[r], (r + 1) * length, 1f);
        }
        return Tensor.of(mask, rows, length);
    }
}
