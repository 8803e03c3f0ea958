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

    /** Query rows from which a block packs its head's values first (fewer rows read them too few times to pay). */
    private static final int PACK_VALUES_ROWS = 16;

    /** Keys per transposed block of the packed keys. */
    private static final int KB = 2 * L;

    private static final class Scratch {
        float[] kt = new float[0];
        float[] vp = new float[0];
        float[] s = new float[0];
        float[] acc = new float[0];
        float[] s4 = new float[0];
        final float[] inv = new float[4];
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
        // kt = k^T in blocks of KB keys, each block (d, KB) contiguous: a score loop then reads d x KB floats in a row.
        // (One (d, kcap) matrix read down a column of blocks strides kcap floats, 4 KiB for 1024 keys: every load then
        // maps to the same L1 set, and attention ran at a tenth of the speed.)
        for (int j = 0; j < kmax; j++) {
            int ko = kOff + j * ldk;
            int to = (j / KB) * d * KB + j % KB;
            for (int c = 0; c < d; c++) {
                kt[to + c * KB] = k[ko + c];
            }
        }
        for (int j = kmax; j < kcap; j++) {
            int to = (j / KB) * d * KB + j % KB;
            for (int c = 0; c < d; c++) {
                kt[to + c * KB] = 0f;
            }
        }
        if (r1 - r0 >= PACK_VALUES_ROWS) {
            // The head's values, packed contiguous (kmax, d): every query row reads them all, and in place they are
            // rows of the fused q/k/v projection, a page apart, one TLB entry each. Same values, so the same results.
            if (ws.vp.length < kmax * d) {
                ws.vp = new float[kmax * d];
            }
            for (int j = 0; j < kmax; j++) {
                System.arraycopy(v, vOff + j * ldv, ws.vp, j * d, d);
            }
            v = ws.vp;
            vOff = 0;
            ldv = d;
        }
        float[] s = ws.s;
        int r = r0;
        if (d == 4 * L) {
            // Four query rows at a time: each loaded key and value vector serves four rows. Per row the operations and
            // their order are those of the one-row loop below, so the results are the same bits either way.
            if (ws.s4.length < 4 * kcap) {
                ws.s4 = new float[4 * kcap];
            }
            for (; r + 4 <= r1; r += 4) {
                int n0 = causal ? Math.min(tk, offset + r + 1) : tk;
                int n3 = causal ? Math.min(tk, offset + r + 4) : tk;
                scores4(kt, kcap, d, q, qOff + r * ldq, ldq, scale, ws.s4, n3);
                float[] inv = ws.inv;
                for (int i = 0; i < 4; i++) {
                    int n = causal ? Math.min(tk, offset + r + i + 1) : tk;
                    inv[i] = 1f / expRow(ws.s4, i * kcap, n);
                }
                weighted4x4(ws.s4, kcap, n0, n3, causal ? offset + r + 1 : tk, tk, v, vOff, ldv, inv, out,
                        oOff + r * ldo, ldo);
            }
        }
        for (; r < r1; r++) {
            int n = causal ? Math.min(tk, offset + r + 1) : tk;
            int qo = qOff + r * ldq;
            scores(kt, kcap, d, q, qo, scale, s, n);
            float inv = 1f / expRow(s, 0, n);
            if (d == 4 * L) {
                weighted4(s, n, v, vOff, ldv, inv, out, oOff + r * ldo);
            } else {
                weighted(ws.acc, s, n, d, v, vOff, ldv, inv, out, oOff + r * ldo);
            }
        }
    }

    // Each loop is a method of its own taking arrays, not vectors: C2 compiles the hot loops whole, and where it
    // stops inlining at its node limit no vector crosses a call (which would box it).

    /** s[o + j] = exp(s[o + j] - max) for j < n; returns their sum (lanes summed in a fixed order). */
    private static float expRow(float[] s, int o, int n) {
        float max = VectorLanes.max(s, o, n);
        FloatVector sumV = FloatVector.zero(S);
        int j = 0;
        for (; j + L <= n; j += L) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(S, s, o + j).sub(max));
            sumV = sumV.add(e);
            e.intoArray(s, o + j);
        }
        if (j < n) {
            sumV = sumV.add(expTail(s, o, j, n, max));
        }
        return VectorLanes.sum(sumV);
    }

    private static FloatVector expTail(float[] s, int o, int j, int n, float max) {
        VectorMask<Float> m = S.indexInRange(j, n);
        FloatVector e = VectorMath.exp(FloatVector.fromArray(S, s, o + j, m).sub(max)).blend(0f, m.not());
        e.intoArray(s, o + j, m);
        return e;
    }

    /** s[j] = sum_c (q[c] * scale) * kt[c, j] for j < n (rounded up to groups of 4 vectors, two key blocks). */
    private static void scores(float[] kt, int kcap, int d, float[] q, int qo, float scale, float[] s, int n) {
        for (int j = 0; j < n; j += 4 * L) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            int b0 = (j / KB) * d * KB;
            int b1 = b0 + d * KB;
            for (int c = 0; c < d; c++) {
                FloatVector x = FloatVector.broadcast(S, q[qo + c] * scale);
                a0 = x.fma(FloatVector.fromArray(S, kt, b0 + c * KB), a0);
                a1 = x.fma(FloatVector.fromArray(S, kt, b0 + c * KB + L), a1);
                a2 = x.fma(FloatVector.fromArray(S, kt, b1 + c * KB), a2);
                a3 = x.fma(FloatVector.fromArray(S, kt, b1 + c * KB + L), a3);
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

    /** scores4 row i (at s[i * kcap ...]) = scores of query row qo + i * ldq, for keys j < n (rounded up to a key block). */
    private static void scores4(float[] kt, int kcap, int d, float[] q, int qo, int ldq, float scale, float[] s, int n) {
        for (int j = 0; j < n; j += 2 * L) {
            FloatVector a0 = FloatVector.zero(S), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
            int base = (j / KB) * d * KB;
            for (int c = 0; c < d; c++) {
                int o = base + c * KB;
                FloatVector k0 = FloatVector.fromArray(S, kt, o);
                FloatVector k1 = FloatVector.fromArray(S, kt, o + L);
                FloatVector x0 = FloatVector.broadcast(S, q[qo + c] * scale);
                FloatVector x1 = FloatVector.broadcast(S, q[qo + ldq + c] * scale);
                FloatVector x2 = FloatVector.broadcast(S, q[qo + 2 * ldq + c] * scale);
                FloatVector x3 = FloatVector.broadcast(S, q[qo + 3 * ldq + c] * scale);
                a0 = x0.fma(k0, a0);
                b0 = x0.fma(k1, b0);
                a1 = x1.fma(k0, a1);
                b1 = x1.fma(k1, b1);
                a2 = x2.fma(k0, a2);
                b2 = x2.fma(k1, b2);
                a3 = x3.fma(k0, a3);
                b3 = x3.fma(k1, b3);
            }
            a0.intoArray(s, j);
            b0.intoArray(s, j + L);
            a1.intoArray(s, kcap + j);
            b1.intoArray(s, kcap + j + L);
            a2.intoArray(s, 2 * kcap + j);
            b2.intoArray(s, 2 * kcap + j + L);
            a3.intoArray(s, 3 * kcap + j);
            b3.intoArray(s, 3 * kcap + j + L);
        }
    }

    /**
     * out rows i = 0..3 (at oo + i * ldo) = inv[i] * sum_j p_i[j] v[j, :] over the keys j < n_i, head dimension 4L:
     * keys below n0 serve all four rows; row i's own n_i (causal: first + i, at most tk) ends it, the keys n0..n3
     * are added row by row.
     */
    private static void weighted4x4(float[] p, int kcap, int n0, int n3, int first, int tk, float[] v, int vOff, int ldv,
                                    float[] inv, float[] out, int oo, int ldo) {
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        int n1 = Math.min(tk, Math.max(n0, first + 1));
        int n2 = Math.min(tk, Math.max(n0, first + 2));
        for (int j = 0; j < n3; j++) {
            int o = vOff + j * ldv;
            FloatVector v0 = FloatVector.fromArray(S, v, o);
            FloatVector v1 = FloatVector.fromArray(S, v, o + L);
            FloatVector v2 = FloatVector.fromArray(S, v, o + 2 * L);
            FloatVector v3 = FloatVector.fromArray(S, v, o + 3 * L);
            if (j < n0) {
                FloatVector x = FloatVector.broadcast(S, p[j]);
                a00 = x.fma(v0, a00);
                a01 = x.fma(v1, a01);
                a02 = x.fma(v2, a02);
                a03 = x.fma(v3, a03);
            }
            if (j < n1) {
                FloatVector x = FloatVector.broadcast(S, p[kcap + j]);
                a10 = x.fma(v0, a10);
                a11 = x.fma(v1, a11);
                a12 = x.fma(v2, a12);
                a13 = x.fma(v3, a13);
            }
            if (j < n2) {
                FloatVector x = FloatVector.broadcast(S, p[2 * kcap + j]);
                a20 = x.fma(v0, a20);
                a21 = x.fma(v1, a21);
                a22 = x.fma(v2, a22);
                a23 = x.fma(v3, a23);
            }
            FloatVector x = FloatVector.broadcast(S, p[3 * kcap + j]);
            a30 = x.fma(v0, a30);
            a31 = x.fma(v1, a31);
            a32 = x.fma(v2, a32);
            a33 = x.fma(v3, a33);
        }
        // (written out: a helper taking vectors would box them wherever C2 does not inline it)
        a00.mul(inv[0]).intoArray(out, oo);
        a01.mul(inv[0]).intoArray(out, oo + L);
        a02.mul(inv[0]).intoArray(out, oo + 2 * L);
        a03.mul(inv[0]).intoArray(out, oo + 3 * L);
        a10.mul(inv[1]).intoArray(out, oo + ldo);
        a11.mul(inv[1]).intoArray(out, oo + ldo + L);
        a12.mul(inv[1]).intoArray(out, oo + ldo + 2 * L);
        a13.mul(inv[1]).intoArray(out, oo + ldo + 3 * L);
        a20.mul(inv[2]).intoArray(out, oo + 2 * ldo);
        a21.mul(inv[2]).intoArray(out, oo + 2 * ldo + L);
        a22.mul(inv[2]).intoArray(out, oo + 2 * ldo + 2 * L);
        a23.mul(inv[2]).intoArray(out, oo + 2 * ldo + 3 * L);
        a30.mul(inv[3]).intoArray(out, oo + 3 * ldo);
        a31.mul(inv[3]).intoArray(out, oo + 3 * ldo + L);
        a32.mul(inv[3]).intoArray(out, oo + 3 * ldo + 2 * L);
        a33.mul(inv[3]).intoArray(out, oo + 3 * ldo + 3 * L);
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
