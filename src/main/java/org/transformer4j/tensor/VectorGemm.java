package org.transformer4j.tensor;

import static org.transformer4j.tensor.VectorLanes.L;
import static org.transformer4j.tensor.VectorLanes.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Batched matrix multiply on the Vector API in the GotoBLAS/BLIS design (Goto and van de Geijn 2008,
 * "Anatomy of high-performance matrix multiplication"; Van Zee and van de Geijn 2015, BLIS): op(B) is
 * packed in KC x NC panels, op(A) in MC x KC blocks that stay in L2, and a register-blocked micro-kernel
 * computes MR x NR tiles of C from a KC x NR sliver of B held in L1. See docs/PERFORMANCE.md.
 *
 * <p>Determinism: every element of C is computed as the same chain of FMAs over p in increasing order
 * within each KC block, the block sums being added to C in block order. That chain does not depend on
 * where the element sits in a tile, nor on how rows, columns or batches are split between threads, so
 * results are bit-identical for any thread count. The vector-times-matrix path (m == 1 or n == 1) keeps
 * the same chain when the matrix is read along its output dimension; when it is read along k (dot
 * products), the lanes are summed in a fixed order instead.
 */
final class VectorGemm {
    private VectorGemm() {
    }

    /** Rows of a micro-tile: 12 x 2 accumulators + 2 B vectors + 1 broadcast fit the 32 AVX-512 registers. */
    static final int MR = 12;
    /** Columns of a micro-tile: two vectors. */
    static final int NR = 2 * L;
    /**
     * Depth of a packed block. GPT-2's k = 768 is then one block, so C is written once (no read-add-write pass over a
     * C that no longer sits in cache, which cost 9% of a forward pass at KC = 256); the KC x NR sliver of B (96 KiB)
     * streams from L2. Measured 5-15% faster than 256 on GPT-2's shapes (docs/PERFORMANCE.md).
     */
    static final int KC = 768;
    /** Rows of a packed A block: MC x KC floats (576 KiB) stay in the 2 MiB L2. */
    static final int MC = 192;
    /** Columns of a packed B panel (KC x NC floats, 2 MiB per thread, streamed from L3). */
    static final int NC = 2048;
    /** Below about this many flops per thread (a few microseconds) a split costs more than it saves. */
    private static final long MIN_FLOPS_PER_THREAD = 1L << 20;
    /** Outputs per parallel unit of the vector-times-matrix path. */
    private static final int GEMV_UNIT = 4 * L;

    /** C_i = op(A_i) op(B_i) + beta*C_i for each batch entry i (see Kernels.gemm). beta is 0 or 1. */
    static void gemm(Parallel parallel, boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int[] aOffs, int lda, float[] b, int[] bOffs, int ldb,
                     float beta, float[] c, int[] cOffs, int ldc) {
        int batch = aOffs.length;
        if (batch == 0 || m <= 0 || n <= 0) {
            return;
        }
        if (k <= 0) {
            if (beta == 0f) {
                for (int bi = 0; bi < batch; bi++) {
                    for (int i = 0; i < m; i++) {
                        java.util.Arrays.fill(c, cOffs[bi] + i * ldc, cOffs[bi] + i * ldc + n, 0f);
                    }
                }
            }
            return;
        }
        boolean vecM = m == 1;
        boolean vecN = !vecM && n == 1;
        // Split each matrix along its longer output dimension into `parts` when the batch alone cannot
        // feed every thread; batch * parts is then a multiple of the thread count.
        boolean splitCols = vecM || (!vecN && n >= m);
        int unit = vecM || vecN ? GEMV_UNIT : splitCols ? NR : MR;
        int units = ceilDiv(splitCols ? n : m, unit);
        int threads = parallel.threads();
        int parts = Math.min(units, threads / gcd(batch, threads));
        long flopsPerTask = 2L * m * n * k / parts;
        int grain = (int) Math.max(1, Math.min(Integer.MAX_VALUE, MIN_FLOPS_PER_THREAD / Math.max(1, flopsPerTask)));
        parallel.forRange(batch * parts, grain, (t0, t1) -> {
            GemmPacking.Workspace ws = GemmPacking.workspace();
            for (int t = t0; t < t1; t++) {
                int bi = t / parts;
                int part = t % parts;
                int lo = Math.min(splitCols ? n : m, (int) ((long) units * part / parts) * unit);
                int hi = Math.min(splitCols ? n : m, (int) ((long) units * (part + 1) / parts) * unit);
                if (vecM) {
                    vectorTimesMatrix(ws, k, a, aOffs[bi], transA ? lda : 1, b, bOffs[bi], ldb, transB,
                            lo, hi, beta, c, cOffs[bi], 1);
                } else if (vecN) {
                    vectorTimesMatrix(ws, k, b, bOffs[bi], transB ? 1 : ldb, a, aOffs[bi], lda, !transA,
                            lo, hi, beta, c, cOffs[bi], ldc);
                } else if (splitCols) {
                    blocked(ws, transA, transB, 0, m, lo, hi, k, a, aOffs[bi], lda, b, bOffs[bi], ldb, beta, c,
                            cOffs[bi], ldc);
                } else {
                    blocked(ws, transA, transB, lo, hi, 0, n, k, a, aOffs[bi], lda, b, bOffs[bi], ldb, beta, c,
                            cOffs[bi], ldc);
                }
            }
        });
    }

    /** The five loops of Goto's algorithm over rows [i0, i1) and columns [j0, j1) of one C. */
    private static void blocked(GemmPacking.Workspace ws, boolean transA, boolean transB, int i0, int i1, int j0,
                                int j1, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc) {
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                float[] bp = ws.b(ceilDiv(nc, NR) * NR * kc);
                GemmPacking.packB(bp, ws.map, transB, b, bOff, ldb, pc, kc, jc, nc);
                boolean overwrite = pc == 0 && beta == 0f;
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    float[] ap = ws.a(ceilDiv(mc, MR) * MR * kc);
                    GemmPacking.packA(ap, ws.map, transA, a, aOff, lda, ic, mc, pc, kc);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        for (int ir = 0; ir < mc; ir += MR) {
                            microKernel(kc, ap, ir * kc, bp, jr * kc, ws.tile);
                            storeTile(ws.tile, Math.min(MR, mc - ir), nr, overwrite, null, 0, c,
                                    cOff + (ic + ir) * ldc + jc + jr, ldc);
                        }
                    }
                }
            }
        }
    }

    /**
     * C tile = tile (+ bias[biasOff ..] along the columns) when overwriting, else C tile + tile, for the top-left
     * rows x cols of the MR x NR tile. bias is only read when overwriting.
     */
    static void storeTile(float[] tile, int rows, int cols, boolean overwrite, float[] bias, int biasOff, float[] c,
                          int co, int ldc) {
        boolean addBias = overwrite && bias != null;
        if (cols == NR) {
            FloatVector b0 = addBias ? FloatVector.fromArray(S, bias, biasOff) : FloatVector.zero(S);
            FloatVector b1 = addBias ? FloatVector.fromArray(S, bias, biasOff + L) : FloatVector.zero(S);
            for (int r = 0; r < rows; r++) {
                int o = co + r * ldc;
                FloatVector t0 = FloatVector.fromArray(S, tile, r * NR);
                FloatVector t1 = FloatVector.fromArray(S, tile, r * NR + L);
                if (!overwrite) {
                    t0 = FloatVector.fromArray(S, c, o).add(t0);
                    t1 = FloatVector.fromArray(S, c, o + L).add(t1);
                } else if (addBias) {
                    t0 = t0.add(b0);
                    t1 = t1.add(b1);
                }
                t0.intoArray(c, o);
                t1.intoArray(c, o + L);
            }
            return;
        }
        for (int v = 0; v < cols; v += L) {
            VectorMask<Float> m = S.indexInRange(v, cols);
            FloatVector b = addBias ? FloatVector.fromArray(S, bias, biasOff + v, m) : FloatVector.zero(S);
            for (int r = 0; r < rows; r++) {
                int o = co + r * ldc + v;
                FloatVector t = FloatVector.fromArray(S, tile, r * NR + v);
                if (!overwrite) {
                    t = FloatVector.fromArray(S, c, o, m).add(t);
                } else if (addBias) {
                    t = t.add(b);
                }
                t.intoArray(c, o, m);
            }
        }
    }

    /** The register-blocked kernel: tile (MR x NR, row-major) = A sliver times B sliver over kc. */
    static void microKernel(int kc, float[] ap, int ao, float[] bp, int bo, float[] tile) {
        // Accumulators are named locals so that C2 keeps all 24 in registers; the results go to a small
        // tile buffer rather than to C directly, which keeps this method small enough to be compiled whole.
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z;
        FloatVector c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z, c80 = z, c81 = z, c90 = z, c91 = z;
        FloatVector ca0 = z, ca1 = z, cb0 = z, cb1 = z;
        for (int p = 0; p < kc; p++) {
            int ai = ao + p * MR;
            int bi = bo + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector x;
            x = FloatVector.broadcast(S, ap[ai]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, ap[ai + 1]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, ap[ai + 2]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, ap[ai + 3]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, ap[ai + 4]); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, ap[ai + 5]); c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, ap[ai + 6]); c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, ap[ai + 7]); c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
            x = FloatVector.broadcast(S, ap[ai + 8]); c80 = x.fma(b0, c80); c81 = x.fma(b1, c81);
            x = FloatVector.broadcast(S, ap[ai + 9]); c90 = x.fma(b0, c90); c91 = x.fma(b1, c91);
            x = FloatVector.broadcast(S, ap[ai + 10]); ca0 = x.fma(b0, ca0); ca1 = x.fma(b1, ca1);
            x = FloatVector.broadcast(S, ap[ai + 11]); cb0 = x.fma(b0, cb0); cb1 = x.fma(b1, cb1);
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, L);
        c10.intoArray(tile, NR); c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR); c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR); c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR); c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR); c71.intoArray(tile, 7 * NR + L);
        c80.intoArray(tile, 8 * NR); c81.intoArray(tile, 8 * NR + L);
        c90.intoArray(tile, 9 * NR); c91.intoArray(tile, 9 * NR + L);
        ca0.intoArray(tile, 10 * NR); ca1.intoArray(tile, 10 * NR + L);
        cb0.intoArray(tile, 11 * NR); cb1.intoArray(tile, 11 * NR + L);
    }

    /**
     * y[o] = sum_p x[p] * M(p, o) (+ y[o] when beta is 1) for outputs o in [o0, o1), where y[o] is
     * c[cOff + o*incc]. M(p, o) is mat[matOff + o*ld + p] when {@code alongK} (rows of M^T are contiguous:
     * dot products), else mat[matOff + p*ld + o] (rows of M are contiguous: scaled row sums).
     */
    private static void vectorTimesMatrix(GemmPacking.Workspace ws, int k, float[] xs, int xOff, int incx,
                                          float[] mat, int matOff, int ld, boolean alongK, int o0, int o1,
                                          float beta, float[] c, int cOff, int incc) {
        float[] x = xs;
        if (incx != 1) {
            x = ws.x(k);
            for (int p = 0; p < k; p++) {
                x[p] = xs[xOff + p * incx];
            }
            xOff = 0;
        }
        if (alongK) {
            dots(k, x, xOff, mat, matOff, ld, o0, o1, beta, c, cOff, incc);
        } else {
            rowSums(ws, k, x, xOff, mat, matOff, ld, o0, o1, beta, c, cOff, incc);
        }
    }

    /** Dot products of x with rows o0..o1 of mat, four rows at a time; lanes summed in a fixed order. */
    private static void dots(int k, float[] x, int xOff, float[] mat, int matOff, int ld, int o0, int o1,
                             float beta, float[] c, int cOff, int incc) {
        int o = o0;
        for (; o + 4 <= o1; o += 4) {
            int r0 = matOff + o * ld;
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            int p = 0;
            for (int bound = S.loopBound(k); p < bound; p += L) {
                FloatVector xv = FloatVector.fromArray(S, x, xOff + p);
                s0 = xv.fma(FloatVector.fromArray(S, mat, r0 + p), s0);
                s1 = xv.fma(FloatVector.fromArray(S, mat, r0 + ld + p), s1);
                s2 = xv.fma(FloatVector.fromArray(S, mat, r0 + 2 * ld + p), s2);
                s3 = xv.fma(FloatVector.fromArray(S, mat, r0 + 3 * ld + p), s3);
            }
            if (p < k) {
                VectorMask<Float> m = S.indexInRange(p, k);
                FloatVector xv = FloatVector.fromArray(S, x, xOff + p, m);
                s0 = xv.fma(FloatVector.fromArray(S, mat, r0 + p, m), s0);
                s1 = xv.fma(FloatVector.fromArray(S, mat, r0 + ld + p, m), s1);
                s2 = xv.fma(FloatVector.fromArray(S, mat, r0 + 2 * ld + p, m), s2);
                s3 = xv.fma(FloatVector.fromArray(S, mat, r0 + 3 * ld + p, m), s3);
            }
            put(c, cOff + o * incc, VectorLanes.sum(s0), beta);
            put(c, cOff + (o + 1) * incc, VectorLanes.sum(s1), beta);
            put(c, cOff + (o + 2) * incc, VectorLanes.sum(s2), beta);
            put(c, cOff + (o + 3) * incc, VectorLanes.sum(s3), beta);
        }
        for (; o < o1; o++) {
            int r = matOff + o * ld;
            FloatVector s = FloatVector.zero(S);
            for (int p = 0; p < k; p += L) {
                VectorMask<Float> m = S.indexInRange(p, k);
                s = FloatVector.fromArray(S, x, xOff + p, m).fma(FloatVector.fromArray(S, mat, r + p, m), s);
            }
            put(c, cOff + o * incc, VectorLanes.sum(s), beta);
        }
    }

    private static void put(float[] c, int i, float v, float beta) {
        c[i] = beta == 0f ? v : c[i] + v;
    }

    /**
     * sum_p x[p] * mat[p, o0..o1): the same FMA chain per output as the micro-kernel (KC blocks, p in
     * order), accumulated in a buffer so that rows of mat are streamed whole and in order.
     */
    private static void rowSums(GemmPacking.Workspace ws, int k, float[] x, int xOff, float[] mat, int matOff,
                                int ld, int o0, int o1, float beta, float[] c, int cOff, int incc) {
        int len = o1 - o0;
        float[] acc = ws.acc(ceilDiv(len, L) * L);
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            java.util.Arrays.fill(acc, 0, len, 0f);
            int p = pc;
            for (; p + 4 <= pc + kc; p += 4) {
                FloatVector x0 = FloatVector.broadcast(S, x[xOff + p]);
                FloatVector x1 = FloatVector.broadcast(S, x[xOff + p + 1]);
                FloatVector x2 = FloatVector.broadcast(S, x[xOff + p + 2]);
                FloatVector x3 = FloatVector.broadcast(S, x[xOff + p + 3]);
                int r = matOff + p * ld + o0;
                int j = 0;
                for (int bound = S.loopBound(len); j < bound; j += L) {
                    FloatVector s = FloatVector.fromArray(S, acc, j);
                    s = x0.fma(FloatVector.fromArray(S, mat, r + j), s);
                    s = x1.fma(FloatVector.fromArray(S, mat, r + ld + j), s);
                    s = x2.fma(FloatVector.fromArray(S, mat, r + 2 * ld + j), s);
                    s = x3.fma(FloatVector.fromArray(S, mat, r + 3 * ld + j), s);
                    s.intoArray(acc, j);
                }
                if (j < len) {
                    VectorMask<Float> m = S.indexInRange(j, len);
                    FloatVector s = FloatVector.fromArray(S, acc, j);
                    s = x0.fma(FloatVector.fromArray(S, mat, r + j, m), s);
                    s = x1.fma(FloatVector.fromArray(S, mat, r + ld + j, m), s);
                    s = x2.fma(FloatVector.fromArray(S, mat, r + 2 * ld + j, m), s);
                    s = x3.fma(FloatVector.fromArray(S, mat, r + 3 * ld + j, m), s);
                    s.intoArray(acc, j);
                }
            }
            for (; p < pc + kc; p++) {
                FloatVector x0 = FloatVector.broadcast(S, x[xOff + p]);
                int r = matOff + p * ld + o0;
                for (int j = 0; j < len; j += L) {
                    VectorMask<Float> m = S.indexInRange(j, len);
                    x0.fma(FloatVector.fromArray(S, mat, r + j, m), FloatVector.fromArray(S, acc, j)).intoArray(acc, j);
                }
            }
            boolean overwrite = pc == 0 && beta == 0f;
            for (int j = 0; j < len; j++) {
                int ci = cOff + (o0 + j) * incc;
                c[ci] = overwrite ? acc[j] : c[ci] + acc[j];
            }
        }
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
