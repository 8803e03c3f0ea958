package org.transformer4j.tensor;

import static org.transformer4j.tensor.VectorLanes.L;
import static org.transformer4j.tensor.VectorLanes.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Packing of operand blocks for {@link VectorGemm}, and the per-thread buffers they are packed into.
 * Transposes are absorbed here: whatever the layout of A and B, the micro-kernel reads both packed
 * blocks with unit stride, and the zero padding at ragged edges lets it always compute a full tile.
 */
final class GemmPacking {
    private GemmPacking() {
    }

    /** Reusable buffers of one thread; they grow to the largest block seen and are never shrunk. */
    static final class Workspace {
        float[] a = new float[0];
        float[] b = new float[0];
        float[] x = new float[0];
        float[] acc = new float[0];
        float[] rows = new float[0];
        final int[] map = new int[Math.max(VectorGemm.NR, L)];
        final float[] tile = new float[VectorGemm.MR * VectorGemm.NR];

        float[] a(int size) {
            if (a.length < size) {
                a = new float[size];
            }
            return a;
        }

        float[] b(int size) {
            if (b.length < size) {
                b = new float[size];
            }
            return b;
        }

        float[] x(int size) {
            if (x.length < size) {
                x = new float[size];
            }
            return x;
        }

        /** Scratch for weight rows decoded before they are packed ({@link StoredMatrix#packSliver}). */
        float[] rows(int size) {
            if (rows.length < size) {
                rows = new float[size];
            }
            return rows;
        }

        float[] acc(int size) {
            if (acc.length < size) {
                acc = new float[size];
            }
            return acc;
        }
    }

    // Pool threads live as long as the pool, so their buffers are allocated once, not per call.
    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    static Workspace workspace() {
        return WORKSPACE.get();
    }

    /**
     * Packs rows [i0, i0+mc) and depth [p0, p0+kc) of op(A) into slivers of MR rows: element (i, p) of
     * sliver s goes to dst[s*MR*kc + p*MR + i]. Rows past mc are zero. map is scratch for gather offsets.
     */
    static void packA(float[] dst, int[] map, boolean transA, float[] a, int aOff, int lda, int i0, int mc, int p0,
                      int kc) {
        int mr = VectorGemm.MR;
        for (int s = 0; s * mr < mc; s++) {
            int rows = Math.min(mr, mc - s * mr);
            int d = s * mr * kc;
            int r0 = i0 + s * mr;
            if (transA) {
                // op(A)(i, p) = a[p*lda + i]: MR consecutive floats per p, one masked vector copy.
                VectorMask<Float> m = S.indexInRange(0, rows);
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (p0 + p) * lda + r0;
                    if (mr <= L) {
                        FloatVector.fromArray(S, a, src, m).intoArray(dst, d + p * mr, S.indexInRange(0, mr));
                    } else {
                        for (int i = 0; i < mr; i++) {
                            dst[d + p * mr + i] = i < rows ? a[src + i] : 0f;
                        }
                    }
                }
            } else if (mr <= L) {
                // op(A)(i, p) = a[i*lda + p]: a transpose; gather the MR rows' values at each p (missing
                // rows read index 0 under a false mask, so they are zero and in bounds).
                for (int i = 0; i < L; i++) {
                    map[i] = i < rows ? i * lda : 0;
                }
                VectorMask<Float> m = S.indexInRange(0, rows);
                VectorMask<Float> store = S.indexInRange(0, mr);
                int src = aOff + r0 * lda + p0;
                for (int p = 0; p < kc; p++) {
                    FloatVector.fromArray(S, a, src + p, map, 0, m).intoArray(dst, d + p * mr, store);
                }
            } else {
                for (int i = 0; i < mr; i++) {
                    int src = aOff + (r0 + i) * lda + p0;
                    for (int p = 0; p < kc; p++) {
                        dst[d + p * mr + i] = i < rows ? a[src + p] : 0f;
                    }
                }
            }
        }
    }

    /**
     * packB for op(B)(p, j) = b[p*ldb + j]: rows outer, slivers inner, so each row of b is read once, front to back
     * (slivers outer read kc rows a row apart for every sliver): 2.8 -> 3.4 floats/ns. The layouts pack in methods of
     * their own: with this loop added to packB's body, C2 compiled its other path 1.5x slower.
     */
    private static void packBRows(float[] dst, float[] b, int bOff, int ldb, int p0, int kc, int j0, int nc) {
        int nr = VectorGemm.NR;
        int full = nc / nr;
        for (int p = 0; p < kc; p++) {
            int src = bOff + (p0 + p) * ldb + j0;
            int s = 0;
            for (; s < full; s++) {
                int d = s * nr * kc + p * nr;
                for (int v = 0; v < nr; v += L) {
                    FloatVector.fromArray(S, b, src + s * nr + v).intoArray(dst, d + v);
                }
            }
            if (s * nr < nc) {
                int cols = nc - s * nr;
                int d = s * nr * kc + p * nr;
                for (int v = 0; v < nr; v += L) {
                    FloatVector.fromArray(S, b, src + s * nr + v, S.indexInRange(v, cols)).intoArray(dst, d + v);
                }
            }
        }
    }

    /**
     * Packs depth [p0, p0+kc) and columns [j0, j0+nc) of op(B) into slivers of NR columns: element (p, j)
     * of sliver s goes to dst[s*NR*kc + p*NR + j]. Columns past nc are zero.
     */
    static void packB(float[] dst, int[] map, boolean transB, float[] b, int bOff, int ldb, int p0, int kc, int j0,
                      int nc) {
        if (!transB) {
            packBRows(dst, b, bOff, ldb, p0, kc, j0, nc);
        } else {
            packBColumns(dst, map, b, bOff, ldb, p0, kc, j0, nc);
        }
    }

    /** packB for op(B)(p, j) = b[j*ldb + p]: a transpose; gather NR columns' values at each p. */
    private static void packBColumns(float[] dst, int[] map, float[] b, int bOff, int ldb, int p0, int kc, int j0,
                                     int nc) {
        int nr = VectorGemm.NR;
        for (int s = 0; s * nr < nc; s++) {
            int cols = Math.min(nr, nc - s * nr);
            int d = s * nr * kc;
            int src = bOff + (j0 + s * nr) * ldb + p0;
            for (int j = 0; j < nr; j++) {
                map[j] = j < cols ? j * ldb : 0;
            }
            for (int v = 0; v < nr; v += L) {
                VectorMask<Float> m = S.indexInRange(v, cols);
                for (int p = 0; p < kc; p++) {
                    FloatVector.fromArray(S, b, src + p, map, v, m).intoArray(dst, d + p * nr + v);
                }
            }
        }
    }
}
