package org.transformer4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The small per-token operations of KV-cached decoding on one vector at a time, on arrays the caller owns:
 * nothing here allocates or dispatches to a thread pool, so a decode step that uses them (with
 * {@link WeightMatrix} products on a {@link WorkerTeam}) allocates nothing per token. Each matches the
 * corresponding {@link Kernels} operation of the training path within float rounding.
 *
 * <p>Methods that use the Vector API ({@link #activate}, {@link #attendScores}, {@link #expShifted}) should be called from small
 * methods, such as a {@link WorkerTeam.Job}'s run: inlined deep into a big caller, C2 may run out of inlining
 * budget and leave the vector operations as calls that box every vector (the allocation a decode step must
 * not make).
 */
public final class DecodeOps {
    private static final VectorSpecies<Float> S = VectorLanes.S;
    private static final int L = S.length();

    /** Floats in one vector (the room {@link #expShifted} needs for its lanes). */
    public static final int LANES = L;

    private DecodeOps() {
    }

    /** out = (x - mean) / sqrt(var + eps) * gamma + beta over n values (beta may be null). */
    public static void layerNorm(float[] x, int xOff, int n, float[] gamma, float[] beta, float eps, float[] out, int outOff) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += x[xOff + i];
        }
        double mean = sum / n;
        double sq = 0;
        for (int i = 0; i < n; i++) {
            double d = x[xOff + i] - mean;
            sq += d * d;
        }
        float rstd = (float) (1.0 / Math.sqrt(sq / n + eps));
        float m = (float) mean;
        for (int i = 0; i < n; i++) {
            float v = (x[xOff + i] - m) * rstd * gamma[i];
            out[outOff + i] = beta == null ? v : v + beta[i];
        }
    }

    /** out = x / sqrt(mean(x^2) + eps) * gamma over n values. */
    public static void rmsNorm(float[] x, int xOff, int n, float[] gamma, float eps, float[] out, int outOff) {
        double sq = 0;
        for (int i = 0; i < n; i++) {
            sq += (double) x[xOff + i] * x[xOff + i];
        }
        float rs = (float) (1.0 / Math.sqrt(sq / n + eps));
        for (int i = 0; i < n; i++) {
            out[outOff + i] = x[xOff + i] * rs * gamma[i];
        }
    }

    /** x[off .. off+n) = op(x) in place; op is one of the feed-forward activations (RELU, GELU, GELU_TANH, SILU). */
    public static void activate(UnaryOp op, float[] x, int off, int n) {
        int full = n - n % L;
        if (op == UnaryOp.GELU_TANH) {
            geluTanh(x, off, full);
        } else {
            unary(op, x, off, full);
        }
        if (full < n) {
            tail(op, x, off + full, n - full);
        }
    }

    // One vector expression per method: two inlined copies of a long one (the main loop's and the tail's) can
    // exhaust C2's inlining budget, which leaves the vectors boxed.
    private static void geluTanh(float[] x, int off, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMath.geluTanh(FloatVector.fromArray(S, x, off + i)).intoArray(x, off + i);
        }
    }

    private static void unary(UnaryOp op, float[] x, int off, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMath.unary(op, FloatVector.fromArray(S, x, off + i)).intoArray(x, off + i);
        }
    }

    private static void tail(UnaryOp op, float[] x, int off, int n) {
        for (int i = 0; i < n; i++) {
            x[off + i] = (float) ScalarMath.unary(op, x[off + i]);
        }
    }

    /** y[yOff ...] += x[xOff ...] over n values (a plain loop: no vector may cross into a big caller). */
    public static void addInPlace(float[] y, int yOff, float[] x, int xOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += x[xOff + i];
        }
    }

    /**
     * One query against positions 0..count-1 of one head's cache, softmax(scale q k_t) weighted sum of v_t, in three
     * steps that a caller runs as jobs of their own (the decode engine): this one writes scale q k_t into
     * scores[scoresOff + t] for t < count and returns their maximum; then {@link #expShifted}, then
     * {@link #attendValues}. The head's keys are stored in blocks of {@link #KEY_BLOCK} positions, each block
     * transposed (component j of its positions side by side: keys[kOff + (t / B) * d * B + j * B + t % B]), so a
     * block's scores come from d vector FMAs over 4 contiguous KiB (d = 64), without horizontal sums.
     */
    public static float attendScores(float[] q, int qOff, float[] keys, int kOff, int count, int d, float scale,
                                     float[] scores, int scoresOff) {
        int full = L == KEY_BLOCK ? count - count % KEY_BLOCK : 0;
        scores(q, qOff, keys, kOff, full, d, scale, scores, scoresOff);
        scoresTail(q, qOff, keys, kOff, full, count, d, scale, scores, scoresOff);
        float max = Float.NEGATIVE_INFINITY;
        for (int t = 0; t < count; t++) {
            max = Math.max(max, scores[scoresOff + t]);
        }
        return max;
    }

    /**
     * The second step: s[off + t] = exp(s[off + t] - max) for t < n, a vector at a time; returns their sum (the
     * lanes' sums stored to lanes[lanesOff ..], one vector's room, and added in lane order, then the tail). Called from
     * a small method of its own (a job's run): inlined deep into a big one, the vector exp's vectors get boxed; and
     * the lanes go through memory because a vector handed to a helper that C2 does not inline is boxed too.
     */
    public static float expShifted(float[] s, int off, int n, float max, float[] lanes, int lanesOff) {
        FloatVector sum = FloatVector.zero(S);
        int t = 0;
        for (; t + L <= n; t += L) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(S, s, off + t).sub(max));
            e.intoArray(s, off + t);
            sum = sum.add(e);
        }
        sum.intoArray(lanes, lanesOff);
        float total = 0f;
        for (int i = 0; i < L; i++) {
            total += lanes[lanesOff + i];
        }
        for (; t < n; t++) {
            float e = (float) Math.exp(s[off + t] - max);
            s[off + t] = e;
            total += e;
        }
        return total;
    }

    /**
     * The third step: out[outOff .. outOff+d) = inv * sum_t p_t v_t over the count cached values from vOff (d floats
     * each, position after position).
     */
    public static void attendValues(float[] p, int pOff, float inv, float[] values, int vOff, int count, int d, float[] out,
                                    int outOff) {
        if (d == 4 * L) {
            weightedSum4(p, pOff, inv, values, vOff, count, out, outOff);
            return;
        }
        java.util.Arrays.fill(out, outOff, outOff + d, 0f);
        for (int t = 0; t < count; t++) {
            axpy(p[pOff + t] * inv, values, vOff + t * d, out, outOff, d);
        }
    }

    /** out = sum_t (p_t inv) v_t for a head dimension of four vectors, accumulated in registers. */
    private static void weightedSum4(float[] p, int pOff, float inv, float[] values, int vOff, int count, float[] out,
                                     int outOff) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        for (int t = 0; t < count; t++) {
            FloatVector w = FloatVector.broadcast(S, p[pOff + t] * inv);
            int o = vOff + t * 4 * L;
            a0 = FloatVector.fromArray(S, values, o).fma(w, a0);
            a1 = FloatVector.fromArray(S, values, o + L).fma(w, a1);
            a2 = FloatVector.fromArray(S, values, o + 2 * L).fma(w, a2);
            a3 = FloatVector.fromArray(S, values, o + 3 * L).fma(w, a3);
        }
        a0.intoArray(out, outOff);
        a1.intoArray(out, outOff + L);
        a2.intoArray(out, outOff + 2 * L);
        a3.intoArray(out, outOff + 3 * L);
    }

    /**
     * Causal attention of tq queries over tk keys for each of batch heads (query i at position offset + i sees keys
     * 0 .. offset + i), with the fused kernel of {@link FusedAttention} (row-major q, k, v at the given offsets and row
     * strides; the outputs at oOffs with row stride ldo). For the decode engine's multi-position pass.
     */
    public static void attendRows(int batch, int tq, int tk, int d, float scale, int offset, float[] q, int[] qOffs,
                                  int ldq, float[] k, int[] kOffs, int ldk, float[] v, int[] vOffs, int ldv, float[] out,
                                  int[] oOffs, int ldo) {
        if (offset < 0 || offset + tq > tk) {
            throw new IllegalArgumentException("causal attention: offset " + offset + " + " + tq + " queries exceeds " + tk
                    + " keys");
        }
        Kernels.defaults().attention(batch, tq, tk, d, scale, true, offset, q, qOffs, ldq, k, kOffs, ldk, v, vOffs, ldv,
                out, oOffs, ldo);
    }

    /** Positions per block of the key layout of {@link #attendScores}. */
    public static final int KEY_BLOCK = 16;

    /** Where component j of position t of a head's keys lies, from the head's start (the layout of attendScores). */
    public static int keyIndex(int t, int j, int d) {
        return (t / KEY_BLOCK) * d * KEY_BLOCK + j * KEY_BLOCK + t % KEY_BLOCK;
    }

    /** scale q . k_t for t in [0, n), n a multiple of the block (= L), one block per vector. */
    private static void scores(float[] q, int qOff, float[] keys, int kOff, int n, int d, float scale,
                               float[] scores, int scoresOff) {
        for (int t = 0; t < n; t += KEY_BLOCK) {
            int block = kOff + t * d;
            FloatVector acc = FloatVector.zero(S);
            for (int j = 0; j < d; j++) {
                acc = FloatVector.fromArray(S, keys, block + j * KEY_BLOCK).fma(FloatVector.broadcast(S, q[qOff + j]), acc);
            }
            acc.mul(scale).intoArray(scores, scoresOff + t);
        }
    }

    private static void scoresTail(float[] q, int qOff, float[] keys, int kOff, int from, int count, int d,
                                   float scale, float[] scores, int scoresOff) {
        for (int t = from; t < count; t++) {
            float s = 0;
            for (int j = 0; j < d; j++) {
                s = Math.fma(keys[kOff + keyIndex(t, j, d)], q[qOff + j], s);
            }
            scores[scoresOff + t] = s * scale;
        }
    }

    static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i + L <= n; i += L) {
            acc = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc);
        }
        float s = VectorLanes.sum(acc);
        for (; i < n; i++) {
            s = Math.fma(a[aOff + i], b[bOff + i], s);
        }
        return s;
    }

    private static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector va = FloatVector.broadcast(S, a);
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector.fromArray(S, x, xOff + i).fma(va, FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = Math.fma(a, x[xOff + i], y[yOff + i]);
        }
    }

    /** The index of the largest of x[off .. off+n) (the first on ties); NaN counts as largest, as torch.argmax. */
    public static int argmax(float[] x, int off, int n) {
        int best = 0;
        float bv = x[off];
        for (int i = 1; i < n && !Float.isNaN(bv); i++) {
            float v = x[off + i];
            if (v > bv || Float.isNaN(v)) {
                bv = v;
                best = i;
            }
        }
        return best;
    }
}
