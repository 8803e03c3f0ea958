package org.transformer4j.tensor;

import java.util.Arrays;

/**
 * The reference implementation of {@link Kernels}: plain loops, double-precision accumulation and
 * StrictMath, so it is the yardstick the fast path is tested against. Rows run in parallel.
 */
public final class ScalarKernels implements Kernels {
    private static final int ROW_GRAIN_ELEMENTS = 1 << 14;
    private final Parallel parallel;

    /** Reference kernels running on the given pool. */
    public ScalarKernels(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public int threads() {
        return parallel.threads();
    }

    /** Rows per parallel chunk so that each chunk has enough work to be worth a thread. */
    static int rowGrain(int cols) {
        return Math.max(1, ROW_GRAIN_ELEMENTS / Math.max(1, cols));
    }

    @Override
    public void fill(float[] out, int off, int n, float value) {
        Arrays.fill(out, off, off + n, value);
    }

    @Override
    public void copy2d(int rows, int cols, float[] src, int srcOff, int srcRowStride, int srcColStride,
                       float[] dst, int dstOff, int dstRowStride, int dstColStride) {
        parallel.forRange(rows, rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int s = srcOff + r * srcRowStride;
                int d = dstOff + r * dstRowStride;
                for (int c = 0; c < cols; c++) {
                    dst[d + c * dstColStride] = src[s + c * srcColStride];
                }
            }
        });
    }

    @Override
    public void unary(UnaryOp op, float[] x, int xOff, float[] y, int yOff, int n) {
        parallel.forRange(n, ROW_GRAIN_ELEMENTS, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                y[yOff + i] = (float) ScalarMath.unary(op, x[xOff + i]);
            }
        });
    }

    @Override
    public void unaryBackward(UnaryOp op, float[] x, int xOff, float[] gy, int gyOff, float[] gx, int gxOff, int n) {
        parallel.forRange(n, ROW_GRAIN_ELEMENTS, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                gx[gxOff + i] = (float) (gy[gyOff + i] * ScalarMath.unaryGrad(op, x[xOff + i]));
            }
        });
    }

    @Override
    public void binary(BinaryOp op, int rows, int cols, float[] a, int aOff, int aRowStride, int aColStride,
                       float[] b, int bOff, int bRowStride, int bColStride, float[] out, int outOff) {
        parallel.forRange(rows, rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int ia = aOff + r * aRowStride;
                int ib = bOff + r * bRowStride;
                int o = outOff + r * cols;
                for (int c = 0; c < cols; c++) {
                    out[o + c] = (float) ScalarMath.binary(op, a[ia + c * aColStride], b[ib + c * bColStride]);
                }
            }
        });
    }

    @Override
    public void where(int rows, int cols, float[] cond, int cOff, int cRowStride, int cColStride,
                      float[] a, int aOff, int aRowStride, int aColStride,
                      float[] b, int bOff, int bRowStride, int bColStride, float[] out, int outOff) {
        parallel.forRange(rows, rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                for (int c = 0; c < cols; c++) {
                    boolean t = cond[cOff + r * cRowStride + c * cColStride] != 0f;
                    out[outOff + r * cols + c] = t ? a[aOff + r * aRowStride + c * aColStride]
                            : b[bOff + r * bRowStride + c * bColStride];
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
                    case SUM -> (float) sum(x, base, cols);
                    case MEAN -> (float) (sum(x, base, cols) / cols);
                    case MAX, MIN, ARGMAX -> extreme(op, x, base, cols);
                };
            }
        });
    }

    private static double sum(float[] x, int base, int n) {
        double s = 0;
        for (int c = 0; c < n; c++) {
            s += x[base + c];
        }
        return s;
    }

    /** MAX/MIN value or ARGMAX index; NaN counts as the maximum (and minimum), as in PyTorch. */
    private static float extreme(ReduceOp op, float[] x, int base, int n) {
        int best = 0;
        float bv = x[base];
        for (int c = 1; c < n && !Float.isNaN(bv); c++) {
            float v = x[base + c];
            if (Float.isNaN(v) || (op == ReduceOp.MIN ? v < bv : v > bv)) {
                best = c;
                bv = v;
            }
        }
        return op == ReduceOp.ARGMAX ? best : bv;
    }

    @Override
    public void varianceRows(float[] x, int xOff, int rows, int cols, int correction, float[] out, int outOff) {
        parallel.forRange(rows, rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int base = xOff + r * cols;
                double mean = sum(x, base, cols) / cols;
                double ss = 0;
                for (int c = 0; c < cols; c++) {
                    double d = x[base + c] - mean;
                    ss += d * d;
                }
                out[outOff + r] = (float) (ss / Math.max(0, cols - correction));
            }
        });
    }

    @Override
    public void softmaxRows(float[] x, int xOff, int rows, int cols, boolean log, float[] y, int yOff) {
        parallel.forRange(rows, rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int xi = xOff + r * cols;
                int yi = yOff + r * cols;
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < cols; c++) {
                    max = Math.max(max, x[xi + c]);
                }
                if (max == Double.NEGATIVE_INFINITY) {
                    max = 0; // a fully masked row: exp(-inf - 0) = 0, and 0/0 gives NaN as in PyTorch
                }
                double s = 0;
                for (int c = 0; c < cols; c++) {
                    s += StrictMath.exp(x[xi + c] - max);
                }
                double logS = StrictMath.log(s);
                for (int c = 0; c < cols; c++) {
                    double z = x[xi + c] - max;
                    y[yi + c] = (float) (log ? z - logS : StrictMath.exp(z) / s);
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
                double dot = 0;
                for (int c = 0; c < cols; c++) {
                    dot += log ? gy[gi + c] : (double) gy[gi + c] * y[yi + c];
                }
                for (int c = 0; c < cols; c++) {
                    gx[oi + c] = (float) (log ? gy[gi + c] - StrictMath.exp(y[yi + c]) * dot
                            : y[yi + c] * (gy[gi + c] - dot));
                }
            }
        });
    }

    @Override
    public void layerNormRows(float[] x, int xOff, int rows, int cols, float[] gamma, int gammaOff, float[] beta,
                              int betaOff, float eps, float[] y, int yOff, float[] mean, float[] rstd) {
        parallel.forRange(rows, rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int xi = xOff + r * cols;
                double mu = sum(x, xi, cols) / cols;
                double ss = 0;
                for (int c = 0; c < cols; c++) {
                    double d = x[xi + c] - mu;
                    ss += d * d;
                }
                double rs = 1.0 / Math.sqrt(ss / cols + eps);
                mean[r] = (float) mu;
                rstd[r] = (float) rs;
                for (int c = 0; c < cols; c++) {
                    double v = (x[xi + c] - mu) * rs;
                    if (gamma != null) {
                        v *= gamma[gammaOff + c];
                    }
                    if (beta != null) {
                        v += beta[betaOff + c];
                    }
                    y[yOff + r * cols + c] = (float) v;
                }
            }
        });
    }

    @Override
    public void layerNormBackwardRows(float[] x, int xOff, int rows, int cols, float[] gamma, int gammaOff,
                                      float[] mean, float[] rstd, float[] gy, int gyOff, float[] gx, int gxOff,
                                      float[] ggamma, float[] gbeta) {
        parallel.forRange(rows, rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int xi = xOff + r * cols;
                int gi = gyOff + r * cols;
                double mg = 0;
                double mgx = 0;
                for (int c = 0; c < cols; c++) {
                    double g = gy[gi + c] * (gamma == null ? 1.0 : gamma[gammaOff + c]);
                    double xh = (x[xi + c] - mean[r]) * (double) rstd[r];
                    mg += g;
                    mgx += g * xh;
                }
                mg /= cols;
                mgx /= cols;
                for (int c = 0; c < cols; c++) {
                    double g = gy[gi + c] * (gamma == null ? 1.0 : gamma[gammaOff + c]);
                    double xh = (x[xi + c] - mean[r]) * (double) rstd[r];
                    gx[gxOff + r * cols + c] = (float) (rstd[r] * (g - mg - xh * mgx));
                }
            }
        });
        if (ggamma != null || gbeta != null) {
            // Parameter gradients sum over rows: one column per task, rows in order, so it is deterministic.
            parallel.forRange(cols, Math.max(1, ROW_GRAIN_ELEMENTS / Math.max(1, rows)), (c0, c1) -> {
                for (int c = c0; c < c1; c++) {
                    double sg = 0;
                    double sb = 0;
                    for (int r = 0; r < rows; r++) {
                        double g = gy[gyOff + r * cols + c];
                        sg += g * ((x[xOff + r * cols + c] - mean[r]) * (double) rstd[r]);
                        sb += g;
                    }
                    if (ggamma != null) {
                        ggamma[c] += (float) sg;
                    }
                    if (gbeta != null) {
                        gbeta[c] += (float) sb;
                    }
                }
            });
        }
    }

    @Override
    public void rmsNormRows(float[] x, int xOff, int rows, int cols, float[] gamma, int gammaOff, float eps,
                            float[] y, int yOff, float[] rstd) {
        parallel.forRange(rows, rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int xi = xOff + r * cols;
                double ss = 0;
                for (int c = 0; c < cols; c++) {
                    ss += (double) x[xi + c] * x[xi + c];
                }
                double rs = 1.0 / Math.sqrt(ss / cols + eps);
                rstd[r] = (float) rs;
                for (int c = 0; c < cols; c++) {
                    double v = x[xi + c] * rs;
                    y[yOff + r * cols + c] = (float) (gamma == null ? v : v * gamma[gammaOff + c]);
                }
            }
        });
    }

    @Override
    public void rmsNormBackwardRows(float[] x, int xOff, int rows, int cols, float[] gamma, int gammaOff,
                                    float[] rstd, float[] gy, int gyOff, float[] gx, int gxOff, float[] ggamma) {
        parallel.forRange(rows, rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int xi = xOff + r * cols;
                int gi = gyOff + r * cols;
                double mgx = 0;
                for (int c = 0; c < cols; c++) {
                    double g = gy[gi + c] * (gamma == null ? 1.0 : gamma[gammaOff + c]);
                    mgx += g * x[xi + c] * (double) rstd[r];
                }
                mgx /= cols;
                for (int c = 0; c < cols; c++) {
                    double g = gy[gi + c] * (gamma == null ? 1.0 : gamma[gammaOff + c]);
                    double xh = x[xi + c] * (double) rstd[r];
                    gx[gxOff + r * cols + c] = (float) (rstd[r] * (g - xh * mgx));
                }
            }
        });
        if (ggamma != null) {
            parallel.forRange(cols, Math.max(1, ROW_GRAIN_ELEMENTS / Math.max(1, rows)), (c0, c1) -> {
                for (int c = c0; c < c1; c++) {
                    double sg = 0;
                    for (int r = 0; r < rows; r++) {
                        sg += gy[gyOff + r * cols + c] * (x[xOff + r * cols + c] * (double) rstd[r]);
                    }
                    ggamma[c] += (float) sg;
                }
            });
        }
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int[] aOffs, int lda,
                     float[] b, int[] bOffs, int ldb, float beta, float[] c, int[] cOffs, int ldc) {
        int batch = aOffs.length;
        // One task per (batch, row) pair; each C element is one double-precision dot product.
        parallel.forRange(batch * m, Math.max(1, ROW_GRAIN_ELEMENTS / Math.max(1, n * Math.max(k, 1))), (t0, t1) -> {
            for (int t = t0; t < t1; t++) {
                int bi = t / m;
                int i = t % m;
                int ao = aOffs[bi];
                int bo = bOffs[bi];
                int co = cOffs[bi] + i * ldc;
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        float av = transA ? a[ao + p * lda + i] : a[ao + i * lda + p];
                        float bv = transB ? b[bo + j * ldb + p] : b[bo + p * ldb + j];
                        s += (double) av * bv;
                    }
                    c[co + j] = beta == 0f ? (float) s : (float) (s + beta * (double) c[co + j]);
                }
            }
        });
    }

    @Override
    public void attention(int batch, int tq, int tk, int d, float scale, boolean causal, int offset,
                          float[] q, int[] qOffs, int ldq, float[] k, int[] kOffs, int ldk, float[] v, int[] vOffs,
                          int ldv, float[] out, int[] oOffs, int ldo) {
        // The composed definition, one query row at a time: scores, softmax, weighted sum (double sums).
        parallel.forRange(batch * tq, 1, (t0, t1) -> {
            double[] p = new double[tk];
            for (int t = t0; t < t1; t++) {
                int bi = t / tq;
                int r = t % tq;
                int n = causal ? Math.min(tk, offset + r + 1) : tk;
                int qo = qOffs[bi] + r * ldq;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    int ko = kOffs[bi] + j * ldk;
                    double dot = 0;
                    for (int c = 0; c < d; c++) {
                        dot += (double) (q[qo + c] * scale) * k[ko + c];
                    }
                    p[j] = (float) dot;
                    max = Math.max(max, p[j]);
                }
                double sum = 0;
                for (int j = 0; j < n; j++) {
                    p[j] = StrictMath.exp(p[j] - max);
                    sum += p[j];
                }
                int oo = oOffs[bi] + r * ldo;
                for (int c = 0; c < d; c++) {
                    double acc = 0;
                    for (int j = 0; j < n; j++) {
                        acc += p[j] * v[vOffs[bi] + j * ldv + c];
                    }
                    out[oo + c] = (float) (acc / sum);
                }
            }
        });
    }

    @Override
    public void gatherRows(float[] table, int tableOff, int rowLen, int[] ids, float[] out, int outOff) {
        for (int i = 0; i < ids.length; i++) {
            int src = tableOff + ids[i] * rowLen;
            for (int c = 0; c < rowLen; c++) {
                out[outOff + i * rowLen + c] = table[src + c];
            }
        }
    }

    @Override
    public void scatterAddRows(float[] src, int srcOff, int rowLen, int[] ids, float[] table, int tableOff) {
        for (int i = 0; i < ids.length; i++) {
            int dst = tableOff + ids[i] * rowLen;
            for (int c = 0; c < rowLen; c++) {
                table[dst + c] += src[srcOff + i * rowLen + c];
            }
        }
    }

    @Override
    public void dropoutMask(long seed, float p, float[] out, int off, int n) {
        float keep = 1f / (1f - p);
        parallel.forRange(n, ROW_GRAIN_ELEMENTS, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                out[off + i] = dropoutUniform(seed, i) < p ? 0f : keep;
            }
        });
    }

    /** Uniform [0, 1) draw number i of a dropout mask with the given seed (counter-based, shared by all kernels). */
    static float dropoutUniform(long seed, int i) {
        return (Rng.mix(seed ^ Rng.mix(i + 0x632BE59BD9B4E019L)) >>> 40) * 0x1.0p-24f;
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
                double lse = logSumExp(logits, base, cols);
                double nll = lse - logits[base + targets[r]];
                double smooth = lse - sum(logits, base, cols) / cols;
                loss[r] = (float) ((1.0 - smoothing) * nll + smoothing * smooth);
            }
        });
    }

    static double logSumExp(float[] x, int base, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < n; c++) {
            max = Math.max(max, x[base + c]);
        }
        double s = 0;
        for (int c = 0; c < n; c++) {
            s += StrictMath.exp(x[base + c] - max);
        }
        return max + StrictMath.log(s);
    }

    @Override
    public void crossEntropyBackwardRows(float[] logits, int off, int rows, int cols, int[] targets, int ignoreIndex,
                                         float smoothing, float[] scale, float[] gx, int gxOff) {
        parallel.forRange(rows, rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int base = off + r * cols;
                int o = gxOff + r * cols;
                if (targets[r] == ignoreIndex) {
                    Arrays.fill(gx, o, o + cols, 0f);
                    continue;
                }
                double lse = logSumExp(logits, base, cols);
                for (int c = 0; c < cols; c++) {
                    double g = StrictMath.exp(logits[base + c] - lse) - smoothing / (double) cols;
                    if (c == targets[r]) {
                        g -= 1.0 - smoothing;
                    }
                    gx[o + c] = (float) (g * scale[r]);
                }
            }
        });
    }
}
