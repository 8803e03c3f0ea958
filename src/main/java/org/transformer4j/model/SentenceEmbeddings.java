package org.transformer4j.model;

import org.transformer4j.autograd.Grad;
import org.transformer4j.tensor.BinaryOp;
import org.transformer4j.tensor.Tensor;

/**
 * Sentence embeddings from an encoder as sentence-transformers computes them for all-MiniLM-L6-v2: the mean of
 * the last hidden states over the real (unpadded) tokens, [CLS] and [SEP] included, then L2-normalised
 * (its Pooling(mean) and Normalize modules), so the dot product of two embeddings is their cosine similarity.
 *
 * <pre>{@code
 * float[][] e = SentenceEmbeddings.embed(OnnxBert.load(onnx), Tokens.padded(new int[][] {ids1, ids2}, 0));
 * }</pre>
 */
public final class SentenceEmbeddings {
    private SentenceEmbeddings() {
    }

    /** One L2-normalised embedding per row of tokens (padding from the tokens' mask), computed without gradients. */
    public static float[][] embed(EncoderOnly model, Tokens tokens) {
        Tensor pooled;
        try (Grad.Scope ignored = Grad.off()) {
            Tensor states = model.forward(tokens, null).value();                 // (B, T, d)
            pooled = normalize(meanPool(states, tokens.padding()));              // (B, d)
        }
        int d = pooled.dim(1);
        float[] flat = pooled.contiguous().toArray();
        float[][] out = new float[tokens.batch()][];
        for (int b = 0; b < out.length; b++) {
            out[b] = java.util.Arrays.copyOfRange(flat, b * d, (b + 1) * d);
        }
        return out;
    }

    /**
     * The mean over time of states (B, T, d) where padding (B, T) is 0 (1 marks padding; null: none) -> (B, d).
     * The count is clamped at 1e-9 as sentence-transformers does, so an all-padding row gives zeros.
     */
    public static Tensor meanPool(Tensor states, Tensor padding) {
        int batch = states.dim(0);
        int time = states.dim(1);
        Tensor keep = (padding == null ? Tensor.ones(batch, time) : padding.mul(-1f).add(1f))
                .withKernels(states.kernels());                                 // (B, T), 1 = real token
        Tensor sum = states.mul(keep.unsqueeze(2)).sum(false, 1);               // (B, d)
        Tensor count = keep.sum(true, 1).apply(BinaryOp.MAXIMUM, Tensor.scalar(1e-9f)); // (B, 1)
        return sum.div(count);
    }

    /** Each row divided by its L2 norm, at least 1e-12 (torch.nn.functional.normalize): (B, d) -> (B, d). */
    public static Tensor normalize(Tensor x) {
        Tensor norm = x.mul(x).sum(true, 1).sqrt().apply(BinaryOp.MAXIMUM, Tensor.scalar(1e-12f)); // (B, 1)
        return x.div(norm);
    }
}
