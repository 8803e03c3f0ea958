package org.transformer4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.transformer4j.testing.Approx;

/**
 * The Vector API kernels against the scalar reference, kernel by kernel, on sizes that exercise full
 * vectors and masked tails, broadcasting strides, and special values (inf, NaN, subnormals).
 */
class ScalarVsVectorTest {
    private static final Kernels SCALAR = Kernels.scalar();
    private static final Kernels VECTOR = Kernels.vector();

    static void assertClose(String what, float[] ref, float[] got, double tol) {
        Approx.assertClose(what, ref, got, tol, 1);
    }

    private record Case(String name, Function<Kernels, Tensor> op, double tol) {
    }

    private static Tensor rand(Kernels k, long seed, float lo, float hi, int... shape) {
        return Tensor.rand(new Rng(seed), lo, hi, shape).withKernels(k);
    }

    /** Inputs including +-inf, NaN, 0, -0, subnormals, huge and tiny values. */
    private static Tensor specials(Kernels k) {
        float[] v = {0f, -0f, 1f, -1f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-40f, 1e-30f, 1e-10f, 0.3f, 0.34f, 0.36f,
            2.5f, -2.5f, 10f, -10f, 50f, -50f, 88f, 88.7f, 89f, -87f, -87.4f, -104f, 1e30f, -1e30f,
            Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 7.5f, -7.5f};
        return Tensor.wrap(k, v, v.length);
    }

    private static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        int[] sizes = {1, 7, 16, 33, 1000, 2500};
        for (UnaryOp op : UnaryOp.values()) {
            for (int n : sizes) {
                float lo = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.RSQRT ? 0.01f : -6f;
                c.add(new Case(op + " n=" + n, k -> rand(k, n, lo, 6f, n).apply(op), 2e-6));
                c.add(new Case(op + " backward n=" + n,
                        k -> Elementwise.unaryBackward(op, rand(k, n, lo, 6f, n), rand(k, n + 1, -1f, 1f, n)), 4e-6));
            }
            // Special values: exact agreement on inf/NaN, close on the rest (relative to the largest finite value).
            if (op != UnaryOp.EXP) {
                c.add(new Case(op + " special values", k -> specials(k).apply(op), 2e-6));
            }
        }
        c.add(new Case("EXP special values", k -> specials(k).narrow(0, 0, 26).apply(UnaryOp.EXP).log(), 2e-6));
        for (BinaryOp op : BinaryOp.values()) {
            float lo = op == BinaryOp.POW || op == BinaryOp.DIV ? 0.5f : -3f;
            c.add(new Case(op + " same shape", k -> rand(k, 1, lo, 3f, 5, 37).apply(op, rand(k, 2, lo, 3f, 5, 37)), 2e-6));
            c.add(new Case(op + " row broadcast", k -> rand(k, 3, lo, 3f, 9, 20).apply(op, rand(k, 4, lo, 3f, 20)), 2e-6));
            c.add(new Case(op + " column broadcast", k -> rand(k, 5, lo, 3f, 9, 20).apply(op, rand(k, 6, lo, 3f, 9, 1)), 2e-6));
            c.add(new Case(op + " outer broadcast", k -> rand(k, 7, lo, 3f, 3, 1, 17).apply(op, rand(k, 8, lo, 3f, 4, 1)), 2e-6));
        }
        c.add(new Case("POW negative bases", k -> rand(k, 9, -3f, 3f, 40).pow(Tensor.of(new float[] {2f, 3f, 0.5f, -1f}, 4, 1)
                .withKernels(k)), 2e-6));
        c.add(new Case("where", k -> Tensor.where(rand(k, 10, -1f, 1f, 6, 1).apply(BinaryOp.GT, Tensor.scalar(0f)),
                rand(k, 11, -1f, 1f, 6, 19), rand(k, 12, -1f, 1f, 19)), 0));
        for (ReduceOp op : ReduceOp.values()) {
            c.add(new Case(op + " last axis", k -> Reductions.reduce(op, rand(k, 13, -2f, 2f, 7, 45), false, -1), 2e-6));
            c.add(new Case(op + " first axis", k -> Reductions.reduce(op, rand(k, 14, -2f, 2f, 45, 7), true, 0), 2e-6));
            c.add(new Case(op + " 5000 elements", k -> Reductions.reduce(op, rand(k, 15, -2f, 2f, 5000), false), 2e-5));
        }
        c.add(new Case("var", k -> rand(k, 16, -2f, 2f, 6, 35).var(1, false, 1), 2e-6));
        c.add(new Case("softmax", k -> rand(k, 17, -5f, 5f, 6, 35).softmax(-1), 2e-6));
        c.add(new Case("log softmax", k -> rand(k, 18, -5f, 5f, 6, 35).logSoftmax(0), 2e-6));
        c.add(new Case("softmax with -inf", k -> rand(k, 19, -5f, 5f, 4, 21)
                .maskedFill(rand(k, 20, -1f, 1f, 4, 21).apply(BinaryOp.GT, Tensor.scalar(0.3f)), Float.NEGATIVE_INFINITY)
                .softmax(-1), 2e-6));
        c.add(new Case("softmax backward", k -> RowOps.softmaxBackward(rand(k, 21, 0f, 1f, 5, 23), rand(k, 22, -1f, 1f, 5, 23),
                -1, false), 2e-6));
        c.add(new Case("log softmax backward", k -> RowOps.softmaxBackward(rand(k, 23, -3f, 0f, 5, 23),
                rand(k, 24, -1f, 1f, 5, 23), 1, true), 2e-6));
        c.add(new Case("layer norm", k -> RowOps.layerNorm(rand(k, 25, -2f, 3f, 7, 50), 1, rand(k, 26, 0f, 2f, 50),
                rand(k, 27, -1f, 1f, 50), 1e-5f).y(), 4e-6));
        c.add(new Case("layer norm backward", k -> {
            Tensor x = rand(k, 28, -2f, 3f, 7, 50);
            Tensor w = rand(k, 29, 0f, 2f, 50);
            RowOps.NormOutput f = RowOps.layerNorm(x, 1, w, null, 1e-5f);
            Tensor[] g = RowOps.layerNormBackward(x, 1, w, true, f, rand(k, 30, -1f, 1f, 7, 50));
            return Indexing.concat(0, g[0].reshape(-1), g[1], g[2]);
        }, 4e-6));
        c.add(new Case("rms norm and backward", k -> {
            Tensor x = rand(k, 31, -2f, 3f, 6, 33);
            Tensor w = rand(k, 32, 0f, 2f, 33);
            RowOps.NormOutput f = RowOps.rmsNorm(x, 1, w, 1e-6f);
            Tensor[] g = RowOps.rmsNormBackward(x, 1, w, f, rand(k, 33, -1f, 1f, 6, 33));
            return Indexing.concat(0, f.y().reshape(-1), g[0].reshape(-1), g[1]);
        }, 4e-6));
        int[][] mm = {{1, 1, 1}, {3, 5, 7}, {17, 33, 65}, {64, 64, 64}, {100, 1, 70}, {1, 300, 129}};
        for (int[] s : mm) {
            c.add(new Case("matmul " + s[0] + "x" + s[1] + "x" + s[2],
                    k -> rand(k, 34, -1f, 1f, s[0], s[1]).matmul(rand(k, 35, -1f, 1f, s[1], s[2])), 2e-6));
        }
        c.add(new Case("matmul transposed both, batched",
                k -> rand(k, 36, -1f, 1f, 3, 20, 9).transpose(-1, -2).matmul(rand(k, 37, -1f, 1f, 3, 21, 20).transpose(1, 2)), 2e-6));
        c.add(new Case("contiguous of a permuted view", k -> rand(k, 38, -1f, 1f, 3, 40, 5).permute(2, 0, 1).contiguous(), 0));
        c.add(new Case("concat", k -> Indexing.concat(1, rand(k, 39, -1f, 1f, 3, 5), rand(k, 40, -1f, 1f, 3, 18)), 0));
        c.add(new Case("embedding and backward", k -> {
            int[] ids = {3, 1, 3, 0, 7, 3};
            Tensor e = Indexing.embedding(rand(k, 41, -1f, 1f, 8, 37), ids, 2, 3);
            return Indexing.embeddingBackward(new int[] {8, 37}, e.mul(2f), ids);
        }, 0));
        c.add(new Case("dropout mask", k -> Losses.dropoutMask(k, 99L, 0.25f, 1001), 0));
        c.add(new Case("cross entropy", k -> Losses.crossEntropyRows(rand(k, 42, -4f, 4f, 5, 70),
                new int[] {3, -100, 69, 0, 17}, -100, 0.1f), 2e-6));
        c.add(new Case("cross entropy backward", k -> Losses.crossEntropyBackward(rand(k, 43, -4f, 4f, 5, 70),
                new int[] {3, -100, 69, 0, 17}, -100, 0.1f, new float[] {0.5f, 0.5f, 0.5f, 0.5f, 0.5f}), 2e-6));
        return c;
    }

    @TestFactory
    Stream<DynamicTest> vectorMatchesScalar() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            float[] ref = c.op().apply(SCALAR).toArray();
            float[] got = c.op().apply(VECTOR).toArray();
            assertClose(c.name(), ref, got, c.tol());
        }));
    }

    @Test
    void theDefaultsAreTheVectorPathUnlessTurnedOff() {
        boolean simd = Boolean.parseBoolean(System.getProperty("t4j.simd", "true"));
        assertEquals(simd ? "vector" : "scalar", Kernels.defaults().name());
        assertTrue(Kernels.defaults().threads() >= 1);
    }

    @Test
    void dropoutKeepsAboutOneMinusPAndScales() {
        float[] m = Losses.dropoutMask(VECTOR, 5L, 0.3f, 100_000).toArray();
        int kept = 0;
        for (float v : m) {
            if (v != 0f) {
                assertEquals(1f / 0.7f, v, 1e-6f);
                kept++;
            }
        }
        // Binomial(100000, 0.7): standard deviation about 145.
        assertTrue(Math.abs(kept - 70_000) < 1000, "kept " + kept);
        float[] other = Losses.dropoutMask(VECTOR, 6L, 0.3f, 100_000).toArray();
        assertTrue(!java.util.Arrays.equals(m, other), "different seeds must give different masks");
        assertArrayEquals(m, Losses.dropoutMask(SCALAR, 5L, 0.3f, 100_000).toArray());
    }
}
