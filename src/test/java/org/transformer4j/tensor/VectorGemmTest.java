package org.transformer4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * VectorGemm against a double-accumulating reference loop: every transpose combination, beta 0 and 1,
 * ragged sizes around the block sizes, padded leading dimensions, offsets and batches; plus
 * bit-identical results for any thread count and from call to call.
 */
class VectorGemmTest {
    private static final Parallel ONE = new Parallel(1);
    private static final Parallel TWO = new Parallel(2);
    private static final Parallel THREE = new Parallel(3);

    /** One problem: operands laid out with padding, offsets and a batch. */
    private record Problem(boolean transA, boolean transB, int m, int n, int k, int batch, float beta,
                           float[] a, int[] aOffs, int lda, float[] b, int[] bOffs, int ldb,
                           float[] c0, int[] cOffs, int ldc) {

        static Problem random(Random rnd, boolean transA, boolean transB, int m, int n, int k, int batch,
                              float beta, int pad, boolean nanInC) {
            int aRows = transA ? k : m;
            int aCols = transA ? m : k;
            int bRows = transB ? n : k;
            int bCols = transB ? k : n;
            int lda = Math.max(1, aCols + pad);
            int ldb = Math.max(1, bCols + pad);
            int ldc = n + pad;
            // Entries at scattered, non-zero offsets in one array (not in order, with gaps).
            int aSize = aRows * lda + 3;
            int bSize = bRows * ldb + 5;
            int cSize = m * ldc + 7;
            int[] aOffs = new int[batch];
            int[] bOffs = new int[batch];
            int[] cOffs = new int[batch];
            for (int i = 0; i < batch; i++) {
                int slot = batch - 1 - i;   // reversed: entry i lives after entry i+1
                aOffs[i] = 11 + slot * aSize;
                bOffs[i] = 13 + slot * bSize;
                cOffs[i] = 17 + i * cSize;
            }
            float[] a = fill(rnd, 11 + batch * aSize + 16);
            float[] b = fill(rnd, 13 + batch * bSize + 16);
            float[] c = fill(rnd, 17 + batch * cSize + 16);
            if (nanInC) {
                java.util.Arrays.fill(c, Float.NaN);
            }
            return new Problem(transA, transB, m, n, k, batch, beta, a, aOffs, lda, b, bOffs, ldb, c, cOffs, ldc);
        }

        private static float[] fill(Random rnd, int n) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = rnd.nextFloat() * 2f - 1f;
            }
            return v;
        }

        float a(int e, int i, int p) {
            return transA ? a[aOffs[e] + p * lda + i] : a[aOffs[e] + i * lda + p];
        }

        float b(int e, int p, int j) {
            return transB ? b[bOffs[e] + j * ldb + p] : b[bOffs[e] + p * ldb + j];
        }

        float[] run(Parallel parallel) {
            float[] c = c0.clone();
            VectorGemm.gemm(parallel, transA, transB, m, n, k, a, aOffs, lda, b, bOffs, ldb, beta, c, cOffs, ldc);
            return c;
        }

        /** Checks got against the double reference; elements outside every C block must be untouched. */
        void check(float[] got) {
            boolean[] inC = new boolean[c0.length];
            for (int e = 0; e < batch; e++) {
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double sum = 0;
                        double abs = 0;
                        for (int p = 0; p < k; p++) {
                            double prod = (double) a(e, i, p) * b(e, p, j);
                            sum += prod;
                            abs += Math.abs(prod);
                        }
                        int ci = cOffs[e] + i * ldc + j;
                        inC[ci] = true;
                        if (beta != 0f) {
                            sum += c0[ci];
                            abs += Math.abs(c0[ci]);
                        }
                        double tol = 1e-5 * abs + 1e-6;
                        if (!(Math.abs(got[ci] - sum) <= tol)) {
                            fail(this + ": C[" + e + "][" + i + "][" + j + "] = " + got[ci] + ", expected " + sum
                                    + " (tolerance " + tol + ")");
                        }
                    }
                }
            }
            for (int i = 0; i < c0.length; i++) {
                if (!inC[i] && Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(c0[i])) {
                    fail(this + ": wrote outside C at index " + i);
                }
            }
        }

        @Override
        public String toString() {
            return "gemm(transA=" + transA + ", transB=" + transB + ", m=" + m + ", n=" + n + ", k=" + k
                    + ", batch=" + batch + ", beta=" + beta + ", lda=" + lda + ", ldb=" + ldb + ", ldc=" + ldc + ")";
        }
    }

    private static final int[] SIZES = {1, 2, 3, 7, 12, 13, 16, 17, 31, 33, 47, 64, 70};

    @Test
    void matchesReferenceForRaggedSizesTransposesAndBeta() {
        Random rnd = new Random(42);
        int cases = 0;
        for (int t = 0; t < 4; t++) {
            boolean transA = (t & 1) != 0;
            boolean transB = (t & 2) != 0;
            for (int m : SIZES) {
                for (int n : SIZES) {
                    // Every (m, n) pair once, with a k drawn from a list that includes 0 and 1.
                    int[] ks = {0, 1, 5, 16, 33, 70};
                    int k = ks[rnd.nextInt(ks.length)];
                    float beta = rnd.nextBoolean() ? 0f : 1f;
                    int pad = rnd.nextInt(3) * 3;
                    int batch = 1 + rnd.nextInt(3);
                    Problem p = Problem.random(rnd, transA, transB, m, n, k, batch, beta, pad, false);
                    p.check(p.run(TWO));
                    cases++;
                }
            }
        }
        assertTrue(cases > 600);
    }

    @Test
    void matchesReferenceForEveryKUpTo70() {
        Random rnd = new Random(7);
        for (int k = 0; k <= 70; k++) {
            for (int t = 0; t < 4; t++) {
                Problem p = Problem.random(rnd, (t & 1) != 0, (t & 2) != 0, 1 + rnd.nextInt(70), 1 + rnd.nextInt(70), k,
                        1 + rnd.nextInt(2), t % 2 == 0 ? 0f : 1f, rnd.nextInt(4), false);
                p.check(p.run(TWO));
            }
        }
    }

    @Test
    void matrixVectorShapes() {
        Random rnd = new Random(3);
        int[][] shapes = {{1, 1, 1}, {1, 70, 33}, {1, 257, 300}, {1, 65, 1}, {70, 1, 33}, {300, 1, 257}, {1, 1, 513},
            {1, 3, 1000}, {2, 1, 70}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                for (float beta : new float[] {0f, 1f}) {
                    Problem p = Problem.random(rnd, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 3, beta, 5, false);
                    p.check(p.run(TWO));
                }
            }
        }
    }

    @Test
    void largeProblemAcrossBlockBoundaries() {
        Random rnd = new Random(5);
        for (int t = 0; t < 4; t++) {
            // k = 513 spans three KC blocks; m = 300 two MC blocks; n = 257 a ragged NR edge.
            Problem p = Problem.random(rnd, (t & 1) != 0, (t & 2) != 0, 300, 257, 513, 1, t < 2 ? 0f : 1f, 3, false);
            p.check(p.run(TWO));
        }
        // Wider than one NC panel.
        Problem wide = Problem.random(rnd, false, true, 13, VectorGemm.NC + 45, 40, 1, 1f, 0, false);
        wide.check(wide.run(TWO));
    }

    @Test
    void betaZeroIgnoresNaNGarbageInC() {
        Random rnd = new Random(9);
        int[][] shapes = {{37, 45, 29}, {1, 45, 29}, {37, 1, 29}, {12, 32, 300}, {5, 6, 0}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                Problem p = Problem.random(rnd, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 2, 0f, 2, true);
                float[] got = p.run(TWO);
                p.check(got);
                for (int e = 0; e < p.batch(); e++) {
                    for (int i = 0; i < p.m(); i++) {
                        for (int j = 0; j < p.n(); j++) {
                            assertTrue(Float.isFinite(got[p.cOffs()[e] + i * p.ldc() + j]), p.toString());
                        }
                    }
                }
            }
        }
    }

    @Test
    void betaOneWithKZeroLeavesCUnchanged() {
        Problem p = Problem.random(new Random(1), false, false, 9, 10, 0, 2, 1f, 1, false);
        assertArrayEquals(p.c0(), p.run(TWO));
    }

    @Test
    void bitIdenticalForAnyThreadCountAndFromCallToCall() {
        Random rnd = new Random(11);
        List<Problem> problems = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            boolean transA = (t & 1) != 0;
            boolean transB = (t & 2) != 0;
            problems.add(Problem.random(rnd, transA, transB, 300, 257, 513, 1, 0f, 1, false));  // one big matrix
            problems.add(Problem.random(rnd, transA, transB, 64, 64, 64, 7, 1f, 0, false));    // many heads
            problems.add(Problem.random(rnd, transA, transB, 1, 1000, 700, 3, 0f, 0, false));   // vector-matrix
            problems.add(Problem.random(rnd, transA, transB, 900, 1, 700, 1, 1f, 2, false));    // matrix-vector
        }
        for (Problem p : problems) {
            float[] one = p.run(ONE);
            float[] two = p.run(TWO);
            float[] three = p.run(THREE);
            float[] again = p.run(TWO);
            assertEquals(0, mismatches(one, two), p + ": 1 vs 2 threads");
            assertEquals(0, mismatches(one, three), p + ": 1 vs 3 threads");
            assertEquals(0, mismatches(two, again), p + ": repeated call");
        }
    }

    @Test
    void rowOfAProductDoesNotDependOnTheOtherRows() {
        // Each element is one FMA chain, so computing a row alone (m = 1, as in decoding) gives the same
        // bits as computing it inside a larger product, when B is read along its rows.
        Random rnd = new Random(13);
        for (boolean transA : new boolean[] {false, true}) {
            Problem full = Problem.random(rnd, transA, false, 40, 77, 600, 1, 0f, 0, false);
            float[] c = full.run(TWO);
            for (int i : new int[] {0, 13, 39}) {
                float[] row = new float[77];
                float[] x = new float[600];
                for (int p = 0; p < 600; p++) {
                    x[p] = full.a(0, i, p);
                }
                VectorGemm.gemm(TWO, false, false, 1, 77, 600, x, new int[] {0}, 600, full.b(), full.bOffs(),
                        full.ldb(), 0f, row, new int[] {0}, 77);
                for (int j = 0; j < 77; j++) {
                    assertEquals(Float.floatToRawIntBits(c[full.cOffs()[0] + i * full.ldc() + j]),
                            Float.floatToRawIntBits(row[j]), "row " + i + " col " + j);
                }
            }
        }
    }

    private static int mismatches(float[] x, float[] y) {
        int bad = 0;
        for (int i = 0; i < x.length; i++) {
            if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i])) {
                bad++;
            }
        }
        return bad;
    }
}
