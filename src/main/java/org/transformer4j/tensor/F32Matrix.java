package org.transformer4j.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * fp32 weights over a memory segment (a float array's, or a mapped file's, used without a copy). Output-major
 * storage (torch's Linear layout) is multiplied as one dot product per output; input-major storage (GPT-2's
 * Conv1D layout) as a sum of the stored rows scaled by the inputs, over a slice of the outputs, eight rows at a
 * time so each slice of y is loaded and stored once per eight rows of W.
 */
final class F32Matrix extends StoredMatrix {
    private static final VectorSpecies<Float> S = VectorLanes.S;
    private static final int L = S.length();
    private static final ValueLayout.OfFloat LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment data;
    private final boolean transposed;
    private final float[] heap;      // the float array under data when it is one whole array, else null

    F32Matrix(MemorySegment data, int rows, int cols, boolean transposed) {
        super(rows, cols, Format.F32);
        if (data.byteSize() != (long) rows * cols * Float.BYTES) {
            throw new IllegalArgumentException("an fp32 matrix of " + rows + " x " + cols + " needs " + (long) rows * cols * 4
                    + " bytes, got " + data.byteSize());
        }
        this.data = data;
        this.transposed = transposed;
        this.heap = data.heapBase().orElse(null) instanceof float[] a && data.address() == 0
                && (long) a.length * Float.BYTES == data.byteSize() ? a : null;
    }

    @Override
    public long bytes() {
        return data.byteSize();
    }

    @Override
    public int rowAlign() {
        return transposed ? L : 1;
    }

    boolean transposed() {
        return transposed;
    }

    @Override
    public void multiply(float[] x, int xOff, float[] bias, float[] y, int yOff, int from, int to) {
        if (transposed) {
            sumOfRows(x, xOff, bias, y, yOff, from, to);
        } else {
            // Four rows at a time, a quarter of the range apart (see Bf16Matrix.multiply); the rows left over form one
            // group moved back to end at `to`, so the single-row kernel (cold, not compiled by C2) never runs in a big matrix.
            int n = to - from;
            if (n >= 4 && cols % L == 0) {
                int q = n / 4;
                for (int r = from; r < from + q; r++) {
                    dot4(r, r + q, r + 2 * q, r + 3 * q, x, xOff, bias, y, yOff);
                }
                if (n % 4 != 0) {
                    dot4(to - 4, to - 3, to - 2, to - 1, x, xOff, bias, y, yOff);
                }
                return;
            }
            for (int r = from; r < to; r++) {
                y[yOff + r] = dot((long) r * cols * Float.BYTES, x, xOff) + (bias == null ? 0f : bias[r]);
            }
        }
    }

    /**
     * One output, with the same operations in the same order as one row of {@link #dot4}, so a result never
     * depends on how the outputs were split among threads.
     */
    private float dot(long base, float[] x, int xOff) {
        FloatVector a = FloatVector.zero(S);
        int c = 0;
        for (; c + L <= cols; c += L) {
            a = FloatVector.fromMemorySegment(S, data, base + (long) c * Float.BYTES, ByteOrder.LITTLE_ENDIAN)
                    .fma(FloatVector.fromArray(S, x, xOff + c), a);
        }
        float s = VectorLanes.sum(a);
        for (; c < cols; c++) {
            s = Math.fma(data.get(LE, base + (long) c * Float.BYTES), x[xOff + c], s);
        }
        return s;
    }

    /**
     * Outputs r0..r3 at once (cols a multiple of L): four weight streams in flight keep more memory requests
     * outstanding than one, and each x vector is loaded once for four rows.
     */
    private void dot4(int r0, int r1, int r2, int r3, float[] x, int xOff, float[] bias, float[] y, int yOff) {
        long rowBytes = (long) cols * Float.BYTES;
        long b0 = r0 * rowBytes;
        long b1 = r1 * rowBytes;
        long b2 = r2 * rowBytes;
        long b3 = r3 * rowBytes;
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        for (int c = 0; c < cols; c += L) {
            FloatVector xv = FloatVector.fromArray(S, x, xOff + c);
            long o = (long) c * Float.BYTES;
            a0 = FloatVector.fromMemorySegment(S, data, b0 + o, ByteOrder.LITTLE_ENDIAN).fma(xv, a0);
            a1 = FloatVector.fromMemorySegment(S, data, b1 + o, ByteOrder.LITTLE_ENDIAN).fma(xv, a1);
            a2 = FloatVector.fromMemorySegment(S, data, b2 + o, ByteOrder.LITTLE_ENDIAN).fma(xv, a2);
            a3 = FloatVector.fromMemorySegment(S, data, b3 + o, ByteOrder.LITTLE_ENDIAN).fma(xv, a3);
        }
        y[yOff + r0] = VectorLanes.sum(a0) + (bias == null ? 0f : bias[r0]);
        y[yOff + r1] = VectorLanes.sum(a1) + (bias == null ? 0f : bias[r1]);
        y[yOff + r2] = VectorLanes.sum(a2) + (bias == null ? 0f : bias[r2]);
        y[yOff + r3] = VectorLanes.sum(a3) + (bias == null ? 0f : bias[r3]);
    }

    /** y[from..to) = bias + sum over inputs i of x[i] W^T[i, from..to), eight stored rows at a time. */
    private void sumOfRows(float[] x, int xOff, float[] bias, float[] y, int yOff, int from, int to) {
        for (int j = from; j < to; j++) {
            y[yOff + j] = bias == null ? 0f : bias[j];
        }
        long stride = (long) rows * Float.BYTES;
        int i = 0;
        // Eight stored rows per pass over y (y loaded and stored once per eight rows), then the last inputs one by one;
        // each y element is the same FMA chain over the inputs in order either way.
        for (; i + 8 <= cols; i += 8) {
            eightRows(x, xOff, y, yOff, from, to, i, stride);
        }
        for (; i < cols; i++) {
            float xi = x[xOff + i];
            long b0 = i * stride;
            for (int j = from; j < to; j++) {
                y[yOff + j] = Math.fma(data.get(LE, b0 + (long) j * Float.BYTES), xi, y[yOff + j]);
            }
        }
    }

    /** y[from..to) += x[i..i+8) times stored rows i..i+7 (whole vectors; the tail of the range by scalars). */
    private void eightRows(float[] x, int xOff, float[] y, int yOff, int from, int to, int i, long stride) {
        FloatVector v0 = FloatVector.broadcast(S, x[xOff + i]);
        FloatVector v1 = FloatVector.broadcast(S, x[xOff + i + 1]);
        FloatVector v2 = FloatVector.broadcast(S, x[xOff + i + 2]);
        FloatVector v3 = FloatVector.broadcast(S, x[xOff + i + 3]);
        FloatVector v4 = FloatVector.broadcast(S, x[xOff + i + 4]);
        FloatVector v5 = FloatVector.broadcast(S, x[xOff + i + 5]);
        FloatVector v6 = FloatVector.broadcast(S, x[xOff + i + 6]);
        FloatVector v7 = FloatVector.broadcast(S, x[xOff + i + 7]);
        long b0 = i * stride;
        int j = from;
        for (; j + L <= to; j += L) {
            long o = b0 + (long) j * Float.BYTES;
            FloatVector acc = FloatVector.fromArray(S, y, yOff + j);
            acc = FloatVector.fromMemorySegment(S, data, o, ByteOrder.LITTLE_ENDIAN).fma(v0, acc);
            acc = FloatVector.fromMemorySegment(S, data, o + stride, ByteOrder.LITTLE_ENDIAN).fma(v1, acc);
            acc = FloatVector.fromMemorySegment(S, data, o + 2 * stride, ByteOrder.LITTLE_ENDIAN).fma(v2, acc);
            acc = FloatVector.fromMemorySegment(S, data, o + 3 * stride, ByteOrder.LITTLE_ENDIAN).fma(v3, acc);
            acc = FloatVector.fromMemorySegment(S, data, o + 4 * stride, ByteOrder.LITTLE_ENDIAN).fma(v4, acc);
            acc = FloatVector.fromMemorySegment(S, data, o + 5 * stride, ByteOrder.LITTLE_ENDIAN).fma(v5, acc);
            acc = FloatVector.fromMemorySegment(S, data, o + 6 * stride, ByteOrder.LITTLE_ENDIAN).fma(v6, acc);
            acc = FloatVector.fromMemorySegment(S, data, o + 7 * stride, ByteOrder.LITTLE_ENDIAN).fma(v7, acc);
            acc.intoArray(y, yOff + j);
        }
        for (; j < to; j++) {
            long o = b0 + (long) j * Float.BYTES;
            float s = y[yOff + j];
            for (int k = 0; k < 8; k++) {
                s = Math.fma(data.get(LE, o + k * stride), x[xOff + i + k], s);
            }
            y[yOff + j] = s;
        }
    }

    @Override
    public void row(int r, float[] out, int off) {
        if (transposed) {
            for (int c = 0; c < cols; c++) {
                out[off + c] = data.get(LE, ((long) c * rows + r) * Float.BYTES);
            }
        } else {
            MemorySegment.copy(data, LE, (long) r * cols * Float.BYTES, out, off, cols);
        }
    }

    @Override
    void packPanel(float[] dst, int r0, int n, int c0, int kc, GemmPacking.Workspace ws) {
        if (!transposed && heap != null) {
            // A float array, W row-major: op(B) = W^T is the matmul path's transposed B, packed by its gathers.
            GemmPacking.packB(dst, ws.map, true, heap, 0, cols, c0, kc, r0, n);
            return;
        }
        super.packPanel(dst, r0, n, c0, kc, ws);
    }

    @Override
    void packSliver(float[] dst, int dOff, int r0, int n, int c0, int kc, GemmPacking.Workspace ws) {
        if (!transposed) {
            super.packSliver(dst, dOff, r0, n, c0, kc, ws);
            return;
        }
        // Stored input-major: the sliver's NR outputs at input c0 + p are contiguous, so it is a copy.
        int nr = VectorGemm.NR;
        for (int p = 0; p < kc; p++) {
            long src = ((long) (c0 + p) * rows + r0) * Float.BYTES;
            int d = dOff + p * nr;
            if (n == nr) {
                for (int v = 0; v < nr; v += L) {
                    FloatVector.fromMemorySegment(S, data, src + (long) v * Float.BYTES, ByteOrder.LITTLE_ENDIAN).intoArray(dst, d + v);
                }
            } else {
                for (int j = 0; j < nr; j++) {
                    dst[d + j] = j < n ? data.get(LE, src + (long) j * Float.BYTES) : 0f;
                }
            }
        }
    }

    @Override
    void decodeRows(int r0, int n, int c0, int kc, float[] out) {
        for (int i = 0; i < n; i++) {
            if (transposed) {
                for (int p = 0; p < kc; p++) {
                    out[i * kc + p] = data.get(LE, ((long) (c0 + p) * rows + r0 + i) * Float.BYTES);
                }
            } else {
                MemorySegment.copy(data, LE, ((long) (r0 + i) * cols + c0) * Float.BYTES, out, i * kc, kc);
            }
        }
    }

    /** Rows r0 .. r0+n-1 into out (n x cols, row-major); for transposed storage it reads whole stored rows. */
    void rows(int r0, int n, float[] out) {
        if (!transposed) {
            MemorySegment.copy(data, LE, (long) r0 * cols * Float.BYTES, out, 0, n * cols);
            return;
        }
        float[] line = new float[n];
        for (int c = 0; c < cols; c++) {
            MemorySegment.copy(data, LE, ((long) c * rows + r0) * Float.BYTES, line, 0, n);
            for (int k = 0; k < n; k++) {
                out[k * cols + c] = line[k];
            }
        }
    }
}
