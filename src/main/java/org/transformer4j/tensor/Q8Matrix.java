package org.transformer4j.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q8_0 weights, output-major: each row in blocks of {@value #BLOCK} inputs, a block stored as int8 q and one fp32
 * scale s = max|w| / 127 with w ~ s q (q = round(w / s)); a last, shorter block when cols is not a multiple of 32.
 * 1.125 bytes a weight, so a decode step reads about 3.6 times less memory than with fp32. The kernel widens L
 * int8s to floats, accumulates the block's products and adds them times the block's scale.
 */
final class Q8Matrix extends StoredMatrix {
    static final int BLOCK = 32;
    private static final VectorSpecies<Float> S = VectorLanes.S;
    private static final int L = S.length();
    /** Bytes with as many lanes as S (null where that shape does not exist, e.g. 4 lanes: the scalar loop runs). */
    private static final VectorSpecies<Byte> B = L >= 8 && BLOCK % L == 0
            ? VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8)) : null;

    private final byte[] quants;
    private final float[] scales;
    private final int blocks;   // per row

    private Q8Matrix(byte[] quants, float[] scales, int rows, int cols) {
        super(rows, cols, Format.Q8_0);
        this.quants = quants;
        this.scales = scales;
        this.blocks = (cols + BLOCK - 1) / BLOCK;
    }

    static Q8Matrix of(WeightMatrix m) {
        int rows = m.rows();
        int cols = m.cols();
        int blocks = (cols + BLOCK - 1) / BLOCK;
        byte[] q = new byte[Math.multiplyExact(rows, cols)];
        float[] s = new float[Math.multiplyExact(rows, blocks)];
        RowBlocks.forEach(m, (r, w, off) -> {
            for (int b = 0; b < blocks; b++) {
                int c0 = b * BLOCK;
                int c1 = Math.min(cols, c0 + BLOCK);
                float amax = 0;
                for (int c = c0; c < c1; c++) {
                    amax = Math.max(amax, Math.abs(w[off + c]));
                }
                float scale = amax / 127f;
                float inv = scale == 0 ? 0f : 1f / scale;
                s[r * blocks + b] = scale;
                for (int c = c0; c < c1; c++) {
                    q[r * cols + c] = (byte) Math.max(-127, Math.min(127, Math.round(w[off + c] * inv)));
                }
            }
        });
        return new Q8Matrix(q, s, rows, cols);
    }

    @Override
    public long bytes() {
        return quants.length + (long) scales.length * Float.BYTES;
    }

    @Override
    public void multiply(float[] x, int xOff, float[] bias, float[] y, int yOff, int from, int to) {
        // Four rows at a time, a quarter of the range apart (see Bf16Matrix.multiply); the rows left over form one
        // group moved back to end at `to`, so the single-row kernel (cold, not compiled by C2) never runs in a big matrix.
        int n = to - from;
        if (n >= 4 && B != null && L == 16 && cols % BLOCK == 0) {
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
            y[yOff + r] = dot(r, x, xOff) + (bias == null ? 0f : bias[r]);
        }
    }

    private static FloatVector widen(byte[] q, int i) {
        return (FloatVector) ByteVector.fromArray(B, q, i).convertShape(VectorOperators.B2F, S, 0);
    }

    /** Outputs r0..r3 at once (16 lanes, whole blocks): four weight streams in flight, x loaded once per block. */
    private void dot4(int r0, int r1, int r2, int r3, float[] x, int xOff, float[] bias, float[] y, int yOff) {
        int b0 = r0 * cols;
        int b1 = r1 * cols;
        int b2 = r2 * cols;
        int b3 = r3 * cols;
        int s0 = r0 * blocks;
        int s1 = r1 * blocks;
        int s2 = r2 * blocks;
        int s3 = r3 * blocks;
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        for (int b = 0, c = 0; b < blocks; b++, c += BLOCK) {
            FloatVector x0 = FloatVector.fromArray(S, x, xOff + c);
            FloatVector x1 = FloatVector.fromArray(S, x, xOff + c + 16);
            a0 = block(b0 + c, x0, x1, scales[s0 + b], a0);
            a1 = block(b1 + c, x0, x1, scales[s1 + b], a1);
            a2 = block(b2 + c, x0, x1, scales[s2 + b], a2);
            a3 = block(b3 + c, x0, x1, scales[s3 + b], a3);
        }
        y[yOff + r0] = VectorLanes.sum(a0) + (bias == null ? 0f : bias[r0]);
        y[yOff + r1] = VectorLanes.sum(a1) + (bias == null ? 0f : bias[r1]);
        y[yOff + r2] = VectorLanes.sum(a2) + (bias == null ? 0f : bias[r2]);
        y[yOff + r3] = VectorLanes.sum(a3) + (bias == null ? 0f : bias[r3]);
    }

    private FloatVector block(int at, FloatVector x0, FloatVector x1, float scale, FloatVector acc) {
        return widen(quants, at + 16).fma(x1, widen(quants, at).mul(x0)).fma(FloatVector.broadcast(S, scale), acc);
    }

    private float dot(int r, float[] x, int xOff) {
        int base = r * cols;
        int sBase = r * blocks;
        int full = cols / BLOCK;
        float total = 0;
        int c = 0;
        if (B != null) {
            FloatVector acc = FloatVector.zero(S);
            for (int b = 0; b < full; b++, c += BLOCK) {
                FloatVector part = widen(quants, base + c).mul(FloatVector.fromArray(S, x, xOff + c));
                for (int k = L; k < BLOCK; k += L) {
                    part = widen(quants, base + c + k).fma(FloatVector.fromArray(S, x, xOff + c + k), part);
                }
                acc = part.fma(FloatVector.broadcast(S, scales[sBase + b]), acc);
            }
            total = VectorLanes.sum(acc);
        }
        for (int b = c / BLOCK; b < blocks; b++) {
            int c1 = Math.min(cols, (b + 1) * BLOCK);
            float part = 0;
            for (int k = b * BLOCK; k < c1; k++) {
                part = Math.fma(quants[base + k], x[xOff + k], part);
            }
            total = Math.fma(part, scales[sBase + b], total);
        }
        return total;
    }

    @Override
    void decodeRows(int r0, int n, int c0, int kc, float[] out) {
        int end = c0 + kc;
        for (int i = 0; i < n; i++) {
            int r = r0 + i;
            int o = i * kc - c0;
            int c = c0;                                          // c0 is a multiple of BLOCK (KC is)
            if (B != null && L == 16) {
                for (; c + BLOCK <= end; c += BLOCK) {
                    float scale = scales[r * blocks + c / BLOCK];
                    widen(quants, r * cols + c).mul(scale).intoArray(out, o + c);
                    widen(quants, r * cols + c + 16).mul(scale).intoArray(out, o + c + 16);
                }
            }
            for (; c < end; c++) {
                out[o + c] = quants[r * cols + c] * scales[r * blocks + c / BLOCK];
            }
        }
    }

    @Override
    public void row(int r, float[] out, int off) {
        for (int c = 0; c < cols; c++) {
            out[off + c] = quants[r * cols + c] * scales[r * blocks + c / BLOCK];
        }
    }
}
