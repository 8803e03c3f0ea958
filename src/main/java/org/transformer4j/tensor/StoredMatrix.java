package org.transformer4j.tensor;

import static org.transformer4j.tensor.VectorLanes.L;
import static org.transformer4j.tensor.VectorLanes.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/** What every stored weight matrix has: its shape and format; output ranges split anywhere unless a format says. */
abstract sealed class StoredMatrix implements WeightMatrix permits F32Matrix, Bf16Matrix, Q8Matrix {
    final int rows;
    final int cols;
    private final Format format;

    StoredMatrix(int rows, int cols, Format format) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("a weight matrix needs rows and cols >= 1, got " + rows + " x " + cols);
        }
        this.rows = rows;
        this.cols = cols;
        this.format = format;
    }

    @Override
    public final int rows() {
        return rows;
    }

    @Override
    public final int cols() {
        return cols;
    }

    @Override
    public final Format format() {
        return format;
    }

    @Override
    public int rowAlign() {
        return 1;
    }

    @Override
    public void multiplyRows(float[] x, int xOff, int ldx, int n, float[] bias, float[] y, int yOff, int ldy, int from,
                             int to) {
        if (from < 0 || to > rows || from > to) {
            throw new IndexOutOfBoundsException("outputs [" + from + ", " + to + ") of a matrix with " + rows + " rows");
        }
        WeightGemm.multiply(this, x, xOff, ldx, n, bias, y, yOff, ldy, from, to);
    }

    /**
     * Packs outputs [r0, r0 + n) and inputs [c0, c0 + kc) as VectorGemm's B panel of op(B) = W^T: slivers of NR
     * outputs, element (p, j) of sliver s at dst[s * NR * kc + p * NR + j], zero past n. c0 is a multiple of
     * VectorGemm.KC.
     */
    void packPanel(float[] dst, int r0, int n, int c0, int kc, GemmPacking.Workspace ws) {
        int nr = VectorGemm.NR;
        for (int s = 0; s * nr < n; s++) {
            packSliver(dst, s * nr * kc, r0 + s * nr, Math.min(nr, n - s * nr), c0, kc, ws);
        }
    }

    /**
     * One sliver of {@link #packPanel}: dst[dOff + p * NR + j] = W[r0 + j, c0 + p] for p < kc and j < NR, zero for
     * j >= n. This default decodes the n rows with {@link #decodeRows} and transposes them by gathers.
     */
    void packSliver(float[] dst, int dOff, int r0, int n, int c0, int kc, GemmPacking.Workspace ws) {
        int nr = VectorGemm.NR;
        float[] buf = ws.rows(nr * kc);
        decodeRows(r0, n, c0, kc, buf);
        int[] map = ws.map;
        for (int j = 0; j < nr; j++) {
            map[j] = j < n ? j * kc : 0;
        }
        for (int v = 0; v < nr; v += L) {
            VectorMask<Float> m = S.indexInRange(v, n);
            for (int p = 0; p < kc; p++) {
                FloatVector.fromArray(S, buf, p, map, v, m).intoArray(dst, dOff + p * nr + v);
            }
        }
    }

    /** out[i * kc + p] = W[r0 + i, c0 + p] for i < n, p < kc (c0 a multiple of VectorGemm.KC). */
    abstract void decodeRows(int r0, int n, int c0, int kc, float[] out);
}
