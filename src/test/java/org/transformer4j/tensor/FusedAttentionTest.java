package org.transformer4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.transformer4j.testing.Approx;

/**
 * The fused attention kernel: the Vector API path against the scalar reference and both against the composed
 * ops (matmul, causal mask, softmax, matmul, merge heads), with strided inputs, causal offsets and head sizes
 * that are and are not whole vectors; and the same bits for 1 and 2 threads.
 */
class FusedAttentionTest {

    /** The composed definition: (B, h, Tq, hd) -> (B, Tq, h hd). */
    private static Tensor composed(Tensor q, Tensor k, Tensor v, float scale, boolean causal, int offset) {
        int tq = q.dim(2);
        int tk = k.dim(2);
        Tensor scores = q.mul(scale).matmul(k.transpose(-1, -2));               // (B, h, Tq, Tk)
        if (causal) {
            float[] m = new float[tq * tk];
            for (int i = 0; i < tq; i++) {
                for (int j = offset + i + 1; j < tk; j++) {
                    m[i * tk + j] = 1f;
                }
            }
            scores = scores.maskedFill(Tensor.of(m, 1, 1, tq, tk), Float.NEGATIVE_INFINITY);
        }
        Tensor y = scores.softmax(-1).matmul(v);                                   // (B, h, Tq, hd)
        return y.transpose(1, 2).reshape(q.dim(0), tq, q.dim(1) * q.dim(3));
    }

    @ParameterizedTest
    @CsvSource({"2, 3, 5, 5, 64, true, 0", "1, 12, 1, 40, 64, true, 39", "1, 4, 70, 70, 16, true, 0",
        "2, 2, 7, 33, 24, false, 0", "1, 2, 9, 100, 64, true, 91", "1, 3, 37, 37, 8, true, 0",
        "1, 2, 70, 45, 64, false, 0", "1, 1, 130, 130, 64, true, 0", "1, 1, 6, 9, 64, true, 3"})
    void matchesReferenceAndComposedOps(int b, int h, int tq, int tk, int d, boolean causal, int offset) {
        Rng rng = new Rng(11);
        // q comes from a (B, Tq, h, hd) layout transposed, as in the model: strided rows.
        Tensor q = Tensor.rand(rng, -2f, 2f, b, tq, h, d).transpose(1, 2);
        Tensor k = Tensor.rand(rng, -2f, 2f, b, tk, h, d).transpose(1, 2);
        Tensor v = Tensor.rand(rng, -1f, 1f, b, h, tk, d);
        float scale = (float) (1 / Math.sqrt(d));
        float[] ref = FusedAttention.apply(q.withKernels(Kernels.scalar()), k, v, scale, causal, offset).toArray();
        float[] vec = FusedAttention.apply(q.withKernels(Kernels.vector()), k, v, scale, causal, offset).toArray();
        float[] comp = composed(q.withKernels(Kernels.scalar()), k.withKernels(Kernels.scalar()),
                v.withKernels(Kernels.scalar()), scale, causal, offset).toArray();
        Approx.assertClose("vector vs scalar", ref, vec, 2e-5, 1);
        Approx.assertClose("scalar vs composed", comp, ref, 2e-5, 1);
        Kernels one = new VectorKernels(new Parallel(1));
        Kernels two = new VectorKernels(new Parallel(2));
        assertArrayEquals(FusedAttention.apply(q.withKernels(one), k, v, scale, causal, offset).toArray(),
                FusedAttention.apply(q.withKernels(two), k, v, scale, causal, offset).toArray());
    }
}
