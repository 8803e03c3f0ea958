package org.transformer4j.tensor;

import static org.transformer4j.tensor.VectorLanes.L;
import static org.transformer4j.tensor.VectorLanes.S;
import static org.transformer4j.tensor.VectorLanes.tail;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Layer norm and RMS norm on vectors. One code path serves both: with {@code mean == null} the row is
 * not centred, which is exactly RMS norm (Zhang and Sennrich 2019).
 */
final class VectorNorms {
    private VectorNorms() {
    }

    static void layerNorm(Parallel parallel, float[] x, int xOff, int rows, int cols, float[] gamma, int gammaOff,
                          float[] beta, int betaOff, float eps, float[] y, int yOff, float[] mean, float[] rstd) {
        boolean centre = mean != null;
        parallel.forRange(rows, ScalarKernels.rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int xi = xOff + r * cols;
                int yi = yOff + r * cols;
                float mu = centre ? VectorLanes.sum(x, xi, cols) / cols : 0f;
                float var = VectorLanes.sumSquaredDeviation(x, xi, cols, mu) / cols;
                float rs = (float) (1.0 / Math.sqrt(var + eps));
                if (centre) {
                    mean[r] = mu;
                }
                rstd[r] = rs;
                for (int c = 0; c < cols; c += L) {
                    VectorMask<Float> m = tail(c, cols);
                    FloatVector v = FloatVector.fromArray(S, x, xi + c, m).sub(mu).mul(rs);
                    if (gamma != null) {
                        v = v.mul(FloatVector.fromArray(S, gamma, gammaOff + c, m));
                    }
                    if (beta != null) {
                        v = v.add(FloatVector.fromArray(S, beta, betaOff + c, m));
                    }
                    v.intoArray(y, yi + c, m);
                }
            }
        });
    }

    static void layerNormBackward(Parallel parallel, float[] x, int xOff, int rows, int cols, float[] gamma,
                                  int gammaOff, float[] mean, float[] rstd, float[] gy, int gyOff, float[] gx, int gxOff,
                                  float[] ggamma, float[] gbeta) {
        boolean centre = mean != null;
        // Two passes over the rows (the two means, then gx), each in a method of its own that takes arrays: as one
        // loop nest C2 passed its node limit and boxed every vector (JFR allocation samples of a training step).
        float[] means = new float[2 * rows];
        parallel.forRange(rows, ScalarKernels.rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                backwardMeans(x, xOff + r * cols, cols, gamma, gammaOff, centre ? mean[r] : 0f, rstd[r], gy,
                        gyOff + r * cols, means, 2 * r);
            }
        });
        parallel.forRange(rows, ScalarKernels.rowGrain(cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                backwardRow(x, xOff + r * cols, cols, gamma, gammaOff, centre ? mean[r] : 0f, rstd[r], gy,
                        gyOff + r * cols, centre ? means[2 * r] : 0f, means[2 * r + 1], gx, gxOff + r * cols);
            }
        });
        if (ggamma == null && gbeta == null) {
            return;
        }
        // Parameter gradients: each task owns a block of columns and adds the rows in order (deterministic).
        int colBlocks = (cols + L - 1) / L;
        parallel.forRange(colBlocks, Math.max(1, (1 << 14) / Math.max(1, rows * L)), (b0, b1) -> {
            for (int blk = b0; blk < b1; blk++) {
                int c = blk * L;
                VectorMask<Float> m = tail(c, cols);
                FloatVector sg = FloatVector.zero(S);
                FloatVector sb = FloatVector.zero(S);
                for (int r = 0; r < rows; r++) {
                    FloatVector g = FloatVector.fromArray(S, gy, gyOff + r * cols + c, m);
                    FloatVector xh = FloatVector.fromArray(S, x, xOff + r * cols + c, m)
                            .sub(centre ? mean[r] : 0f).mul(rstd[r]);
                    sg = g.fma(xh, sg);
                    sb = sb.add(g);
                }
                if (ggamma != null) {
                    FloatVector.fromArray(S, ggamma, c, m).add(sg).intoArray(ggamma, c, m);
                }
                if (gbeta != null) {
                    FloatVector.fromArray(S, gbeta, c, m).add(sb).intoArray(gbeta, c, m);
                }
            }
        });
    }

    /** out[o] = mean of g, out[o + 1] = mean of g * xhat over one row, with g = gy * gamma and xhat = (x - mu) rs. */
    private static void backwardMeans(float[] x, int xi, int cols, float[] gamma, int gammaOff, float mu, float rs,
                                      float[] gy, int gi, float[] out, int o) {
        FloatVector accG = FloatVector.zero(S);
        FloatVector accGx = FloatVector.zero(S);
        for (int c = 0; c < cols; c += L) {
            VectorMask<Float> m = tail(c, cols);
            FloatVector g = scaledGrad(gy, gi, gamma, gammaOff, c, m);
            FloatVector xh = FloatVector.fromArray(S, x, xi + c, m).sub(mu).mul(rs);
            accG = accG.add(g);
            accGx = g.fma(xh, accGx);
        }
        out[o] = VectorLanes.sum(accG) / cols;
        out[o + 1] = VectorLanes.sum(accGx) / cols;
    }

    /** gx = (g - mg - xhat mgx) rs over one row. */
    private static void backwardRow(float[] x, int xi, int cols, float[] gamma, int gammaOff, float mu, float rs,
                                    float[] gy, int gi, float mg, float mgx, float[] gx, int go) {
        for (int c = 0; c < cols; c += L) {
            VectorMask<Float> m = tail(c, cols);
            FloatVector g = scaledGrad(gy, gi, gamma, gammaOff, c, m);
            FloatVector xh = FloatVector.fromArray(S, x, xi + c, m).sub(mu).mul(rs);
            xh.neg().fma(FloatVector.broadcast(S, mgx), g.sub(mg)).mul(rs).intoArray(gx, go + c, m);
        }
    }

    private static FloatVector scaledGrad(float[] gy, int gi, float[] gamma, int gammaOff, int c, VectorMask<Float> m) {
        FloatVector g = FloatVector.fromArray(S, gy, gi + c, m);
        return gamma == null ? g : g.mul(FloatVector.fromArray(S, gamma, gammaOff + c, m));
    }
}
