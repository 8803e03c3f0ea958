package org.transformer4j.nn;

import org.transformer4j.tensor.BinaryOp;
import org.transformer4j.tensor.Shapes;
import org.transformer4j.tensor.Tensor;

/**
 * Which keys each query may not see: padded keys (a (batch, keys) tensor with 1 = padding) and, when
 * causal, keys after the query's own position. Masked scores become -inf before the softmax, as in
 * torch.nn.MultiheadAttention.
 */
public record AttentionMask(Tensor keyPadding, boolean causal) {

    /** Nothing masked. */
    public static final AttentionMask NONE = new AttentionMask(null, false);

    /** Only the causal mask. */
    public static final AttentionMask CAUSAL = new AttentionMask(null, true);

    public AttentionMask {
        if (keyPadding != null && keyPadding.rank() != 2) {
            throw new IllegalArgumentException("key padding mask must be (batch, keys), got "
                    + Shapes.str(keyPadding.shape()));
        }
    }

    /** Key padding from per-sequence lengths: position j of sequence b is padding when j >= lengths[b]. */
    public static Tensor paddingFromLengths(int[] lengths, int maxLen) {
        float[] m = new float[lengths.length * maxLen];
        for (int b = 0; b < lengths.length; b++) {
            if (lengths[b] < 0 || lengths[b] > maxLen) {
                throw new IllegalArgumentException("length " + lengths[b] + " of sequence " + b + " is outside 0.." + maxLen);
            }
            for (int j = lengths[b]; j < maxLen; j++) {
                m[b * maxLen + j] = 1f;
            }
        }
        return Tensor.of(m, lengths.length, maxLen);
    }

    /** This mask with the causal flag set. */
    public AttentionMask withCausal(boolean on) {
        return new AttentionMask(keyPadding, on);
    }

    /**
     * The combined mask for queries at absolute positions offset..offset+queries-1 against keys
     * 0..keys-1, shaped (batch or 1, 1, queries, keys) with 1 = masked; null when nothing is masked.
     */
    public Tensor build(int batch, int queries, int keys, int offset) {
        Tensor pad = null;
        if (keyPadding != null) {
            if (keyPadding.dim(0) != batch || keyPadding.dim(1) != keys) {
                throw new IllegalArgumentException("key padding mask " + Shapes.str(keyPadding.shape())
                        + " does not match batch " + batch + " and " + keys + " keys");
            }
            pad = keyPadding.reshape(batch, 1, 1, keys);
        }
        if (!causal) {
            return pad;
        }
        float[] c = new float[queries * keys];
        for (int i = 0; i < queries; i++) {
            for (int j = offset + i + 1; j < keys; j++) {
                c[i * keys + j] = 1f;
            }
        }
        Tensor cm = Tensor.of(c, 1, 1, queries, keys);
        return pad == null ? cm : pad.apply(BinaryOp.MAXIMUM, cm);
    }
}
