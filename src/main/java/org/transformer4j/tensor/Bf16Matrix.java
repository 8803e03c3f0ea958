package org.transformer4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * bfloat16 weights, output-major (rows, cols): half the bytes of fp32, so a decode step that streams every
 * weight once reads half as much memory. A bf16 value is the top 16 bits of an fp32, so widening is a shift or
 * a mask. Two bf16 share an int: in each chunk of 2L weights of a row (L = floats per vector), int j holds
 * weight j in its low half and weight L + j in its high half, so one int vector load yields two float vectors,
 * (ints << 16) for the chunk's first L weights and (ints & 0xffff0000) for the next L, with same-shape vector
 * operations only. A row's last cols % 2L weights are stored one per int (low half).
 */
final class Bf16Matrix extends StoredMatrix {
    private static final VectorSpecies<Float> S = VectorLanes.S;
    private static final int L = S.length();
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());

    private final int[] data;     // rows x stride ints
    private final int chunks;     // full chunks of 2L weights per row
    private final int stride;     // ints per row

    private Bf16Matrix(int[] data, int rows, int cols) {
        super(rows, cols, Format.BF16);
        this.data = data;
        this.chunks = cols / (2 * L);
        this.stride = chunks * L + cols % (2 * L);
    }

    static Bf16Matrix of(WeightMatrix m) {
        int rows = m.rows();
        int cols = m.cols();
        int chunks = cols / (2 * L);
        int stride = chunks * L + cols % (2 * L);
        int[] out = new int[Math.multiplyExact(rows, stride)];
        RowBlocks.forEach(m, (r, w, off) -> {
            int base = r * stride;
            for (int k = 0; k < chunks; k++) {
                for (int j = 0; j < L; j++) {
                    int lo = toBf16(w[off + 2 * L * k + j]) & 0xffff;
                    int hi = toBf16(w[off + 2 * L * k + L + j]) & 0xffff;
                    out[base + k * L + j] = lo | (hi << 16);
                }
            }
            for (int c = chunks * 2 * L; c < cols; c++) {
                out[base + chunks * L + (c - chunks * 2 * L)] = toBf16(w[off + c]) & 0xffff;
            }
        });
        return new Bf16Matrix(out, rows, cols);
    }

    /** fp32 to bf16, rounded to nearest even; NaN stays NaN. */
    static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        bits += 0x7fff + ((bits >>> 16) & 1);
        return (short) (bits >>> 16);
    }

    static float toFloat(short b) {
        return Float.intBitsToFloat(b << 16);
    }

    @Override
    public long bytes() {
        return (long) rows * cols * Short.BYTES;
    }

    @Override
    public void multiply(float[] x, int xOff, float[] bias, float[] y, int yOff, int from, int to) {
        // Four rows at a time, a quarter of the range apart: four weight streams in different pages keep the hardware
        // prefetchers busier than four adjacent rows of a short (1.5 KB) row would (measured 10-15% faster). The rows
        // left over form one group moved back to end at `to` (rows computed twice get the same values), so the
        // single-row kernel, cold and therefore not compiled by C2, never runs in a big matrix.
        int n = to - from;
        if (n >= 4) {
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
            y[yOff + r] = dot(r * stride, x, xOff) + (bias == null ? 0f : bias[r]);
        }
    }

    /** Outputs r0..r3 at once: four weight streams in flight, each x vector loaded once for four rows. */
    private void dot4(int r0, int r1, int r2, int r3, float[] x, int xOff, float[] bias, float[] y, int yOff) {
        int b0 = r0 * stride;
        int b1 = r1 * stride;
        int b2 = r2 * stride;
        int b3 = r3 * stride;
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        for (int k = 0; k < chunks; k++) {
            int c = 2 * L * k;
            FloatVector lo = FloatVector.fromArray(S, x, xOff + c);
            FloatVector hi = FloatVector.fromArray(S, x, xOff + c + L);
            a0 = part(IntVector.fromArray(I, data, b0 + k * L), lo, hi, a0);
            a1 = part(IntVector.fromArray(I, data, b1 + k * L), lo, hi, a1);
            a2 = part(IntVector.fromArray(I, data, b2 + k * L), lo, hi, a2);
            a3 = part(IntVector.fromArray(I, data, b3 + k * L), lo, hi, a3);
        }
        y[yOff + r0] = VectorLanes.sum(a0) + tail(b0, x, xOff) + (bias == null ? 0f : bias[r0]);
        y[yOff + r1] = VectorLanes.sum(a1) + tail(b1, x, xOff) + (bias == null ? 0f : bias[r1]);
        y[yOff + r2] = VectorLanes.sum(a2) + tail(b2, x, xOff) + (bias == null ? 0f : bias[r2]);
        y[yOff + r3] = VectorLanes.sum(a3) + tail(b3, x, xOff) + (bias == null ? 0f : bias[r3]);
    }

    /** The products of a row's last cols % 2L weights (stored one per int). */
    private float tail(int base, float[] x, int xOff) {
        float s = 0;
        for (int c = chunks * 2 * L; c < cols; c++) {
            s = Math.fma(Float.intBitsToFloat(data[base + chunks * L + (c - chunks * 2 * L)] << 16), x[xOff + c], s);
        }
        return s;
    }

    private static FloatVector part(IntVector p, FloatVector lo, FloatVector hi, FloatVector acc) {
        return p.and(0xffff0000).reinterpretAsFloats().fma(hi, p.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(lo, acc));
    }

    /** One output, with the operations of one row of {@link #dot4} in the same order (thread-count independent). */
    private float dot(int base, float[] x, int xOff) {
        FloatVector a = FloatVector.zero(S);
        for (int k = 0; k < chunks; k++) {
            int c = 2 * L * k;
            a = part(IntVector.fromArray(I, data, base + k * L), FloatVector.fromArray(S, x, xOff + c),
                    FloatVector.fromArray(S, x, xOff + c + L), a);
        }
        return VectorLanes.sum(a) + tail(base, x, xOff);
    }

    @Override
    void decodeRows(int r0, int n, int c0, int kc, float[] out) {
        int end = c0 + kc;
        int vectorEnd = Math.min(end, chunks * 2 * L);        // c0 is a multiple of 2L (KC is)
        for (int i = 0; i < n; i++) {
            int base = (r0 + i) * stride;
            int o = i * kc - c0;
            int c = c0;
            for (; c + 2 * L <= vectorEnd; c += 2 * L) {
                IntVector p = IntVector.fromArray(I, data, base + c / (2 * L) * L);
                p.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(out, o + c);
                p.and(0xffff0000).reinterpretAsFloats().intoArray(out, o + c + L);
            }
            for (; c < end; c++) {
                out[o + c] = value(base, c);
            }
        }
    }

    /** Weight c of the row stored from base. */
    private float value(int base, int c) {
        int k = c / (2 * L);
        if (k < chunks) {
            int j = c % (2 * L);
            int v = data[base + k * L + (j % L)];
            return Float.intBitsToFloat(j < L ? v << 16 : v & 0xffff0000);
        }
        return Float.intBitsToFloat(data[base + chunks * L + (c - chunks * 2 * L)] << 16);
    }

    @Override
    public void row(int r, float[] out, int off) {
        int base = r * stride;
        for (int c = 0; c < cols; c++) {
            out[off + c] = value(base, c);
        }
    }
}
