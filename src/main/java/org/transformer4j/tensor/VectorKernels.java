package org.transformer4j.tensor;

import static org.transformer4j.tensor.VectorLanes.L;
import static org.transformer4j.tensor.VectorLanes.S;
import static org.transformer4j.tensor.VectorLanes.load;
import static org.transformer4j.tensor.VectorLanes.tail;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast path of {@link Kernels}: the same contracts as {@link ScalarKernels}, computed with the
 * Java Vector API (16 floats per AVX-512 register) and float accumulation. Tested against the scalar
 * reference; turned off with {@code -Dt4j.simd=false}.
 */
public final class VectorKernels implements Kernels {
    private static final int GRAIN = 1 << 14;
    private final Parallel parallel;

    /** Vector kernels running on the given pool. */
    public VectorKernels(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public int threads() {
        return parallel.threads();
    }

    private static int rowGrain(int cols) {
        return ScalarKernels.rowGrain(cols);
    }

    @Override
    public void fill(float[] out, int off, int n, float value) {
        FloatVector v = FloatVector.broadcast(S, value);
        for (int i = 0; i < n; i += L) {
            v.intoArray(out, off + i, tail(i, n));
        }
    }

    @Override
    public void copy2d(int rows, int cols, float[] src, int srcOff, int srcRowStride, int srcColStride,
                       float[] dst, int dstOff, int dstRowStride, int dstColStride) {
        int[] lanesAt = new int[L];
        for (int i = 0; i < L; i++) {
            lanesAt[i] = i * srcColStride;
        }
        parallel.forRange(rows, rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int s = srcOff + r * srcRowStride;
                int d = dstOff + r * dstRowStride;
                if (srcColStride == 1 && dstColStride == 1) {
                    System.arraycopy(src, s, dst, d, cols);
                    continue;
                }
                if (dstColStride != 1) {
                    for (int c = 0; c < cols; c++) {
                        dst[d + c * dstColStride] = src[s + c * srcColStride];
                    }
                    continue;
                }
                int c = 0;
                // A gather of L strided lanes per step; the last partial step is copied lane by lane.
                for (; c + L <= cols && srcColStride >= 0; c += L) {
                    FloatVector.fromArray(S, src, s + c * srcColStride, lanesAt, 0).intoArray(dst, d + c);
                }
                for (; c < cols; c++) {
                    dst[d + c] = src[s + c * srcColStride];
                }
            }
        });
    }

    @Override
    public void unary(UnaryOp op, float[] x, int xOff, float[] y, int yOff, int n) {
        if (op == UnaryOp.GELU_TANH) {
            parallel.forRange(n, GRAIN, (i0, i1) -> geluTanh(x, xOff, y, yOff, i0, i1));
            return;
        }
        parallel.forRange(n, GRAIN, (i0, i1) -> {
            for (int i = i0; i < i1; i += L) {
                VectorMask<Float> m = tail(i, i1);
                VectorMath.unary(op, FloatVector.fromArray(S, x, xOff + i, m)).intoArray(y, yOff + i, m);
            }
        });
    }

    @Override
    public void unaryBackward(UnaryOp op, float[] x, int xOff, float[] gy, int gyOff, float[] gx, int gxOff, int n) {
        if (op == UnaryOp.GELU_TANH) {
            parallel.forRange(n, GRAIN, (i0, i1) -> geluTanhBackward(x, xOff, gy, gyOff, gx, gxOff, i0, i1));
            return;
        }
        parallel.forRange(n, GRAIN, (i0, i1) -> {
            for (int i = i0; i < i1; i += L) {
                VectorMask<Float> m = tail(i, i1);
                FloatVector d = VectorMath.unaryGrad(op, FloatVector.fromArray(S, x, xOff + i, m));
                d.mul(FloatVector.fromArray(S, gy, gyOff + i, m)).intoArray(gx, gxOff + i, m);
            }
        });
    }

    // GELU-tanh (GPT-2's activation) gets loops and tasks of its own: inside the generic loop (a switch over every op)
    // C2 reaches its inlining node limit and leaves vector operations boxed, many times slower (docs/PERFORMANCE.md);
    // a task that holds both the GELU call and the generic loop still boxed the backward's vectors.
    // Full vectors first, then one masked tail in a method of its own.
    private static void geluTanh(float[] x, int xOff, float[] y, int yOff, int i0, int i1) {
        int i = i0;
        for (; i + L <= i1; i += L) {
            VectorMath.geluTanh(FloatVector.fromArray(S, x, xOff + i)).intoArray(y, yOff + i);
        }
        if (i < i1) {
            geluTanhTail(x, xOff, y, yOff, i, i1);
        }
    }

    private static void geluTanhTail(float[] x, int xOff, float[] y, int yOff, int i, int i1) {
        VectorMask<Float> m = tail(i, i1);
        VectorMath.geluTanh(FloatVector.fromArray(S, x, xOff + i, m)).intoArray(y, yOff + i, m);
    }

    /** Elements per block of the two-loop GELU backward (the exponentials of a block wait in a scratch array). */
    private static final int GELU_BLOCK = 1024;

    private static void geluTanhBackward(float[] x, int xOff, float[] gy, int gyOff, float[] gx, int gxOff, int i0, int i1) {
        float[] exps = new float[GELU_BLOCK];
        int i = i0;
        while (i + L <= i1) {
            int end = i + Math.min(GELU_BLOCK, (i1 - i) / L * L);
            geluTanhExps(x, xOff, i, end, exps);
            geluTanhGrads(x, xOff, exps, gy, gyOff, gx, gxOff, i, end);
            i = end;
        }
        if (i < i1) {
            geluTanhBackwardTail(x, xOff, gy, gyOff, gx, gxOff, i, i1);
        }
    }

    // The two loops of the GELU backward live in methods of their own, with only arrays crossing the calls: in one
    // loop body, or in one method, C2 passed its node limit (NodeCountInliningCutoff) and boxed every vector.
    private static void geluTanhExps(float[] x, int xOff, int i, int end, float[] exps) {
        for (int j = i; j < end; j += L) {
            VectorMath.geluTanhExp(FloatVector.fromArray(S, x, xOff + j)).intoArray(exps, j - i);
        }
    }

    private static void geluTanhGrads(float[] x, int xOff, float[] exps, float[] gy, int gyOff, float[] gx, int gxOff,
                                      int i, int end) {
        for (int j = i; j < end; j += L) {
            VectorMath.geluTanhGrad(FloatVector.fromArray(S, x, xOff + j), FloatVector.fromArray(S, exps, j - i))
                    .mul(FloatVector.fromArray(S, gy, gyOff + j)).intoArray(gx, gxOff + j);
        }
    }

    private static void geluTanhBackwardTail(float[] x, int xOff, float[] gy, int gyOff, float[] gx, int gxOff, int i,
                                             int i1) {
        VectorMask<Float> m = tail(i, i1);
        VectorMath.geluTanhGrad(FloatVector.fromArray(S, x, xOff + i, m)).mul(FloatVector.fromArray(S, gy, gyOff + i, m))
                .intoArray(gx, gxOff + i, m);
    }

    @Override
    public void binary(BinaryOp op, int rows, int cols, float[] a, int aOff, int aRowStride, int aColStride,
                       float[] b, int bOff, int bRowStride, int bColStride, float[] out, int outOff) {
        if (VectorArithmetic.handles(op, aColStride, bColStride)) {
            parallel.forRange(rows, rowGrain(cols), (r0, r1) -> VectorArithmetic.rows(op, r0, r1, cols, a, aOff,
                    aRowStride, b, bOff, bRowStride, bColStride, out, outOff));
            return;
        }
        parallel.forRange(rows, rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int ia = aOff + r * aRowStride;
                int ib = bOff + r * bRowStride;
                int o = outOff + r * cols;
                for (int c = 0; c < cols; c += L) {
                    VectorMask<Float> m = tail(c, cols);
                    FloatVector va = load(a, ia, aColStride, c, m);
                    FloatVector vb = load(b, ib, bColStride, c, m);
                    apply(op, va, vb).intoArray(out, o + c, m);
                }
            }
        });
    }

    private static FloatVector apply(BinaryOp op, FloatVector a, FloatVector b) {
        return switch (op) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
            case DIV -> a.div(b);
            case POW -> VectorMath.pow(a, b);
            case MAXIMUM -> a.max(b);
            case MINIMUM -> a.min(b);
            case EQ -> ones(a.eq(b));
            case NE -> ones(a.compare(VectorOperators.NE, b));
            case GT -> ones(a.compare(VectorOperators.GT, b));
            case GE -> ones(a.compare(VectorOperators.GE, b));
            case LT -> ones(a.lt(b));
            case LE -> ones(a.compare(VectorOperators.LE, b));
        };
    }

    private static FloatVector ones(VectorMask<Float> m) {
        return FloatVector.zero(S).blend(1f, m);
    }

    @Override
    public void where(int rows, int cols, float[] cond, int cOff, int cRowStride, int cColStride,
                      float[] a, int aOff, int aRowStride, int aColStride,
                      float[] b, int bOff, int bRowStride, int bColStride, float[] out, int outOff) {
        parallel.forRange(rows, rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                for (int c = 0; c < cols; c += L) {
                    VectorMask<Float> m = tail(c, cols);
                    VectorMask<Float> t = load(cond, cOff + r * cRowStride, cColStride, c, m)
                            .compare(VectorOperators.NE, 0f);
                    FloatVector va = load(a, aOff + r * aRowStride, aColStride, c, m);
                    FloatVector vb = load(b, bOff + r * bRowStride, bColStride, c, m);
                    vb.blend(va, t).intoArray(out, outOff + r * cols + c, m);
                }
            }
        });
    }

    @Override
    public void reduceRows(ReduceOp op, float[] x, int xOff, int rows, int cols, float[] out, int outOff) {
        parallel.forRange(rows, rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int base = xOff + r * cols;
                out[outOff + r] = switch (op) {
                    case SUM -> VectorLanes.sum(x, base, cols);
                    case MEAN -> VectorLanes.sum(x, base, cols) / cols;
                    case MAX -> VectorLanes.max(x, base, cols);
                    case MIN -> VectorLanes.min(x, base, cols);
                    case ARGMAX -> VectorLanes.indexOf(x, base, cols, VectorLanes.max(x, base, cols));
                };
            }
        });
    }

    @Override
    public void varianceRows(float[] x, int xOff, int rows, int cols, int correction, float[] out, int outOff) {
        parallel.forRange(rows, rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int base = xOff + r * cols;
                float mean = VectorLanes.sum(x, base, cols) / cols;
                out[outOff + r] = VectorLanes.sumSquaredDeviation(x, base, cols, mean) / Math.max(0, cols - correction);
            }
        });
    }

    @Override
    public void softmaxRows(float[] x, int xOff, int rows, int cols, boolean log, float[] y, int yOff) {
        parallel.forRange(rows, rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int xi = xOff + r * cols;
                int yi = yOff + r * cols;
                float max = cols == 0 ? 0f : VectorLanes.max(x, xi, cols);
                if (max == Float.NEGATIVE_INFINITY) {
                    max = 0f;
                }
                float sum = expRow(x, xi, cols, max, log ? null : y, yi);
                if (log) {
                    float shift = max + (float) StrictMath.log(sum);
                    for (int c = 0; c < cols; c += L) {
                        VectorMask<Float> m = tail(c, cols);
                        FloatVector.fromArray(S, x, xi + c, m).sub(shift).intoArray(y, yi + c, m);
                    }
                } else {
                    float inv = 1f / sum;
                    for (int c = 0; c < cols; c += L) {
                        VectorMask<Float> m = tail(c, cols);
                        FloatVector.fromArray(S, y, yi + c, m).mul(inv).intoArray(y, yi + c, m);
                    }
                }
            }
        });
    }

    @Override
    public void softmaxBackwardRows(float[] y, int yOff, float[] gy, int gyOff, int rows, int cols, boolean log,
                                    float[] gx, int gxOff) {
        parallel.forRange(rows, rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int yi = yOff + r * cols;
                int gi = gyOff + r * cols;
                int oi = gxOff + r * cols;
                FloatVector acc = FloatVector.zero(S);
                for (int c = 0; c < cols; c += L) {
                    VectorMask<Float> m = tail(c, cols);
                    FloatVector g = FloatVector.fromArray(S, gy, gi + c, m);
                    acc = log ? acc.add(g) : g.fma(FloatVector.fromArray(S, y, yi + c, m), acc);
                }
                float dot = VectorLanes.sum(acc);
                for (int c = 0; c < cols; c += L) {
                    VectorMask<Float> m = tail(c, cols);
                    FloatVector yv = FloatVector.fromArray(S, y, yi + c, m);
                    FloatVector g = FloatVector.fromArray(S, gy, gi + c, m);
                    FloatVector res = log ? VectorMath.exp(yv).mul(-dot).add(g) : yv.mul(g.sub(dot));
                    res.intoArray(gx, oi + c, m);
                }
            }
        });
    }

    @Override
    public void layerNormRows(float[] x, int xOff, int rows, int cols, float[] gamma, int gammaOff, float[] beta,
                              int betaOff, float eps, float[] y, int yOff, float[] mean, float[] rstd) {
        VectorNorms.layerNorm(parallel, x, xOff, rows, cols, gamma, gammaOff, beta, betaOff, eps, y, yOff, mean, rstd);
    }

    @Override
    public void layerNormBackwardRows(float[] x, int xOff, int rows, int cols, float[] gamma, int gammaOff,
                                      float[] mean, float[] rstd, float[] gy, int gyOff, float[] gx, int gxOff,
                                      float[] ggamma, float[] gbeta) {
        VectorNorms.layerNormBackward(parallel, x, xOff, rows, cols, gamma, gammaOff, mean, rstd, gy, gyOff, gx, gxOff,
                ggamma, gbeta);
    }

    @Override
    public void rmsNormRows(float[] x, int xOff, int rows, int cols, float[] gamma, int gammaOff, float eps,
                            float[] y, int yOff, float[] rstd) {
        VectorNorms.layerNorm(parallel, x, xOff, rows, cols, gamma, gammaOff, null, 0, eps, y, yOff, null, rstd);
    }

    @Override
    public void rmsNormBackwardRows(float[] x, int xOff, int rows, int cols, float[] gamma, int gammaOff,
                                    float[] rstd, float[] gy, int gyOff, float[] gx, int gxOff, float[] ggamma) {
        VectorNorms.layerNormBackward(parallel, x, xOff, rows, cols, gamma, gammaOff, null, rstd, gy, gyOff, gx, gxOff,
                ggamma, null);
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int[] aOffs, int lda,
                     float[] b, int[] bOffs, int ldb, float beta, float[] c, int[] cOffs, int ldc) {
        VectorGemm.gemm(parallel, transA, transB, m, n, k, a, aOffs, lda, b, bOffs, ldb, beta, c, cOffs, ldc);
    }

    @Override
    public void attention(int batch, int tq, int tk, int d, float scale, boolean causal, int offset,
                          float[] q, int[] qOffs, int ldq, float[] k, int[] kOffs, int ldk, float[] v, int[] vOffs,
                          int ldv, float[] out, int[] oOffs, int ldo) {
        VectorAttention.attention(parallel, batch, tq, tk, d, scale, causal, offset, q, qOffs, ldq, k, kOffs, ldk,
                v, vOffs, ldv, out, oOffs, ldo);
    }

    @Override
    public void gatherRows(float[] table, int tableOff, int rowLen, int[] ids, float[] out, int outOff) {
        for (int i = 0; i < ids.length; i++) {
            System.arraycopy(table, tableOff + ids[i] * rowLen, out, outOff + i * rowLen, rowLen);
        }
    }

    @Override
    public void scatterAddRows(float[] src, int srcOff, int rowLen, int[] ids, float[] table, int tableOff) {
        for (int i = 0; i < ids.length; i++) {
            int d = tableOff + ids[i] * rowLen;
            int s = srcOff + i * rowLen;
            for (int c = 0; c < rowLen; c += L) {
                VectorMask<Float> m = tail(c, rowLen);
                FloatVector.fromArray(S, table, d + c, m).add(FloatVector.fromArray(S, src, s + c, m))
                        .intoArray(table, d + c, m);
            }
        }
    }

    private static final VectorSpecies<Long> LS = LongVector.SPECIES_512;
    private static final VectorSpecies<Float> HALF = FloatVector.SPECIES_256;

    @Override
    public void dropoutMask(long seed, float p, float[] out, int off, int n) {
        float keep = 1f / (1f - p);
        int step = LS.length();
        parallel.forRange(n, GRAIN, (i0, i1) -> {
            int i = i0;
            // Same counter-based hash as the scalar kernel, eight 64-bit lanes at a time.
            for (; i + step <= i1; i += step) {
                LongVector idx = LongVector.zero(LS).addIndex(1).add(i + 0x632BE59BD9B4E019L);
                LongVector z = mix(LongVector.broadcast(LS, seed).lanewise(VectorOperators.XOR, mix(idx)));
                FloatVector u = ((FloatVector) z.lanewise(VectorOperators.LSHR, 40)
                        .convertShape(VectorOperators.L2F, HALF, 0)).mul(0x1.0p-24f);
                FloatVector.broadcast(HALF, keep).blend(0f, u.lt(p)).intoArray(out, off + i);
            }
            for (; i < i1; i++) {
                out[off + i] = ScalarKernels.dropoutUniform(seed, i) < p ? 0f : keep;
            }
        });
    }

    private static LongVector mix(LongVector z) {
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30)).mul(0xBF58476D1CE4E5B9L);
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27)).mul(0x94D049BB133111EBL);
        return z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31));
    }

    @Override
    public void crossEntropyRows(float[] logits, int off, int rows, int cols, int[] targets, int ignoreIndex,
                                 float smoothing, float[] loss) {
        parallel.forRange(rows, rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                if (targets[r] == ignoreIndex) {
                    loss[r] = 0f;
                    continue;
                }
                int base = off + r * cols;
                float lse = logSumExp(logits, base, cols);
                float nll = lse - logits[base + targets[r]];
                float smooth = lse - VectorLanes.sum(logits, base, cols) / cols;
                loss[r] = (1f - smoothing) * nll + smoothing * smooth;
            }
        });
    }

    // Loops around VectorMath.exp are methods of their own that take arrays, not vectors: with two of them in one
    // lambda C2 reaches its inlining node limit, and a vector passed to a call it did not inline is boxed.

    /** y[yi + c] = exp(x[xi + c] - max) (when y is not null); returns the sum, lanes added in a fixed order. */
    private static float expRow(float[] x, int xi, int cols, float max, float[] y, int yi) {
        FloatVector acc = FloatVector.zero(S);
        for (int c = 0; c < cols; c += L) {
            VectorMask<Float> m = tail(c, cols);
            FloatVector e = VectorMath.exp(FloatVector.fromArray(S, x, xi + c, m).sub(max)).blend(0f, m.not());
            acc = acc.add(e);
            if (y != null) {
                e.intoArray(y, yi + c, m);
            }
        }
        return VectorLanes.sum(acc);
    }

    /** gx[o + c] = (exp(x[c] - lse) - uniform) * s over one row. */
    private static void softmaxGradRow(float[] x, int base, int n, float lse, float uniform, float s, float[] gx, int o) {
        for (int c = 0; c < n; c += L) {
            VectorMask<Float> m = tail(c, n);
            VectorMath.exp(FloatVector.fromArray(S, x, base + c, m).sub(lse)).sub(uniform).mul(s).intoArray(gx, o + c, m);
        }
    }

    private static float logSumExp(float[] x, int base, int n) {
        float max = VectorLanes.max(x, base, n);
        if (max == Float.NEGATIVE_INFINITY || max == Float.POSITIVE_INFINITY || Float.isNaN(max)) {
            return max;
        }
        // Full vectors, then one masked tail: fewer nodes per iteration for C2 (a masked loop boxed in some runs).
        FloatVector acc = FloatVector.zero(S);
        int c = 0;
        for (int bound = S.loopBound(n); c < bound; c += L) {
            acc = acc.add(VectorMath.exp(FloatVector.fromArray(S, x, base + c).sub(max)));
        }
        if (c < n) {
            acc = acc.add(expTail(x, base + c, n - c, max));
        }
        return max + (float) StrictMath.log(VectorLanes.sum(acc));
    }

    /** exp(x - max) over the first len < L lanes from x[from], zero in the others. */
    private static FloatVector expTail(float[] x, int from, int len, float max) {
        VectorMask<Float> m = S.indexInRange(0, len);
        return VectorMath.exp(FloatVector.fromArray(S, x, from, m).sub(max)).blend(0f, m.not());
    }

    @Override
    public void crossEntropyBackwardRows(float[] logits, int off, int rows, int cols, int[] targets, int ignoreIndex,
                                         float smoothing, float[] scale, float[] gx, int gxOff) {
        // Two passes, each with one loop around exp: with both in one task C2 sometimes passed its node limit and
        // boxed every vector of one of them (which one depended on compilation order).
        float[] lses = new float[rows];
        parallel.forRange(rows, rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                if (targets[r] != ignoreIndex) {
                    lses[r] = logSumExp(logits, off + r * cols, cols);
                }
            }
        });
        parallel.forRange(rows, rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int base = off + r * cols;
                int o = gxOff + r * cols;
                if (targets[r] == ignoreIndex) {
                    Arrays.fill(gx, o, o + cols, 0f);
                    continue;
                }
                float s = scale[r];
                softmaxGradRow(logits, base, cols, lses[r], smoothing / cols, s, gx, o);
                gx[o + targets[r]] -= (1f - smoothing) * s;
            }
        });
    }
}
