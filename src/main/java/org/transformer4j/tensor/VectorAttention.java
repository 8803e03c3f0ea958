package org.transformer4j.tensor;

import static org.transformer4j.tensor.VectorLanes.L;
import static org.transformer4j.tensor.VectorLanes.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Fused scaled dot-product attention for inference on the Vector API (see {@link Kernels#attention}): for
 * each (batch x head) and block of query rows, the visible keys are packed transposed (head dim x keys) so
 * that one query's scores come out 16 keys per vector without horizontal sums; the softmax runs on that one
 * row of scores in a per-thread scratch buffer, and the weighted sum of values is accumulated in registers.
 * Keys after a query's position are never touched when causal (no mask, no scores tensor). Each output row
 * is computed by one thread in a fixed order, so results do not depend on the thread count.
 */
final class VectorAttention {
    private VectorAttention() {
    }

    /**
     * Query rows per parallel unit when there are fewer (batch x head) entries than threads; otherwise a unit is a
     * whole head, so its keys are packed once.
     */
    private static final int QUERY_BLOCK = 64;

    private static final class Scratch {
        float[] kt = new float[0];
        float[] s = new float[0];
        float[] acc = new float[0];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    static void attention(Parallel parallel, int batch, int tq, int tk, int d, float scale, boolean causal, int offset,
                          float[] q, int[] qOffs, int ldq, float[] k, int[] kOffs, int ldk, float[] v, int[] vOffs,
                          int ldv, float[] out, int[] oOffs, int ldo) {
        int blocks = batch >= parallel.threads() ? 1 : (tq + QUERY_BLOCK - 1) / QUERY_BLOCK;
        int rowsPerBlock = (tq + blocks - 1) / blocks;
        parallel.forRange(batch * blocks, 1, (u0, u1) -> {
            Scratch ws = SCRATCH.get();
            for (int u = u0; u < u1; u++) {
                int bi = u / blocks;
                int r0 = Math.min(tq, (u % blocks) * rowsPerBlock);
                int r1 = Math.min(tq, r0 + rowsPerBlock);
                block(ws, r0, r1, tk, d, scale, causal, offset, q, qOffs[bi], ldq, k, kOffs[bi], ldk, v, vOffs[bi], ldv,
                        out, oOffs[bi], ldo);
            }
        });
    }

    private static void block(Scratch ws, int r0, int r1, int tk, int d, float scale, boolean causal, int offset,
                              float[] q, int qOff, int ldq, float[] k, int kOff, int ldk, float[] v, int vOff, int ldv,
                              float[] out, int oOff, int ldo) {
        int kmax = causal ? Math.min(tk, offset + r1) : tk;
        int kcap = (kmax + 4 * L - 1) / (4 * L) * (4 * L);   // padded with zero keys to whole groups of 4 vectors
        if (ws.kt.length < d * kcap) {
            ws.kt = new float[d * kcap];
        }
        if (ws.s.length < kcap) {
            ws.s = new float[kcap];
        }
        if (ws.acc.length < d + L) {
            ws.acc = new float[d + L];
        }
        float[] kt = ws.kt;
        for (int j = 0; j < kmax; j++) {                       // kt (d, kcap) = k^T
            int ko = kOff + j * ldk;
            for (int c = 0; c < d; c++) {
                kt[c * kcap + j] = k[ko + c];
            }
        }
        for (int c = 0; c < d; c++) {
            java.util.Arrays.fill(kt, c * kcap + kmax, c * kcap + kcap, 0f);
        }
        float[] s = ws.s;
        for (int r = r0; r < r1; r++) {
            int n = causal ? Math.min(tk, offset + r + 1) : tk;
            int qo = qOff + r * ldq;
            scores(kt, kcap, d, q, qo, scale, s, n);
            float inv = 1f / expRow(s, n);
            if (d == 4 * L) {
                weighted4(s, n, v, vOff, ldv, inv, out, oOff + r * ldo);
            } else {
                weighted(ws.acc, s, n, d, v, vOff, ldv, inv, out, oOff + r * ldo);
            }
        }
    }

    // Each loop is a method of its own taking arrays, not vectors: C2 compiles the hot loops whole, and where it
    // stops inlining at its node limit no vector crosses a call (which would box it).

    /** s[j] = exp(s[j] - max s) for j < n; returns their sum (lanes summed in a fixed order). */
    private static float expRow(float[] s, int n) {
        float max = VectorLanes.max(s, 0, n);
        FloatVector sumV = FloatVector.zero(S);
        int j = 0;
        for (; j + L <= n; j += L) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(S, s, j).sub(max));
            sumV = sumV.add(e);
            e.intoArray(s, j);
        }
        if (j < n) {
            sumV = sumV.add(expTail(s, j, n, max));
        }
        return VectorLanes.sum(sumV);
    }

    private static FloatVector expTail(float[] s, int j, int n, float max) {
        VectorMask<Float> m = S.indexInRange(j, n);
        FloatVector e = VectorMath.exp(FloatVector.fromArray(S, s, j, m).sub(max)).blend(0f, m.not());
        e.intoArray(s, j, m);
        return e;
    }

    /** s[j] = sum_c (q[c] * scale) * kt[c, j] for j < n (rounded up to groups of 4 vectors). */
    private static void scores(float[] kt, int kcap, int d, float[] q, int qo, float scale, float[] s, int n) {
        for (int j = 0; j < n; j += 4 * L) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int c = 0; c < d; c++) {
                FloatVector x = FloatVector.broadcast(S, q[qo + c] * scale);
                int o = c * kcap + j;
                a0 = x.fma(FloatVector.fromArray(S, kt, o), a0);
                a1 = x.fma(FloatVector.fromArray(S, kt, o + L), a1);
                a2 = x.fma(FloatVector.fromArray(S, kt, o + 2 * L), a2);
                a3 = x.fma(FloatVector.fromArray(S, kt, o + 3 * L), a3);
            }
            a0.intoArray(s, j);
            a1.intoArray(s, j + L);
            a2.intoArray(s, j + 2 * L);
            a3.intoArray(s, j + 3 * L);
        }
    }

    /** out[0..64) = inv * sum_j p[j] v[j, :] for a head dimension of four vectors, in registers. */
    private static void weighted4(float[] p, int n, float[] v, int vOff, int ldv, float inv, float[] out, int oo) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        for (int j = 0; j < n; j++) {
            FloatVector x = FloatVector.broadcast(S, p[j]);
            int o = vOff + j * ldv;
            a0 = x.fma(FloatVector.fromArray(S, v, o), a0);
            a1 = x.fma(FloatVector.fromArray(S, v, o + L), a1);
            a2 = x.fma(FloatVector.fromArray(S, v, o + 2 * L), a2);
            a3 = x.fma(FloatVector.fromArray(S, v, o + 3 * L), a3);
        }
        a0.mul(inv).intoArray(out, oo);
        a1.mul(inv).intoArray(out, oo + L);
        a2.mul(inv).intoArray(out, oo + 2 * L);
        a3.mul(inv).intoArray(out, oo + 3 * L);
    }

    /** The same for any head dimension, accumulating in a scratch row. */
    private static void weighted(float[] acc, float[] p, int n, int d, float[] v, int vOff, int ldv, float inv,
                                 float[] out, int oo) {
        java.util.Arrays.fill(acc, 0, d, 0f);
        for (int j = 0; j < n; j++) {
            FloatVector x = FloatVector.broadcast(S, p[j]);
            int o = vOff + j * ldv;
            for (int c = 0; c < d; c += L) {
                VectorMask<Float> m = S.indexInRange(c, d);
                x.fma(FloatVector.fromArray(S, v, o + c, m), FloatVector.fromArray(S, acc, c)).intoArray(acc, c);
            }
        }
        for (int c = 0; c < d; c += L) {
            VectorMask<Float> m = S.indexInRange(c, d);
            FloatVector.fromArray(S, acc, c).mul(inv).intoArray(out, oo + c, m);
        }
    }
}
