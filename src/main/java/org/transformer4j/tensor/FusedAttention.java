package org.transformer4j.tensor;

/**
 * Scaled dot-product attention in one kernel call, for inference ({@link Kernels#attention}): takes per-head
 * queries, keys and values and returns the heads already merged, so neither the (B, h, Tq, Tk) scores nor the
 * weights are ever materialised.
 *
 * <pre>{@code
 * Tensor y = FusedAttention.apply(q, k, v, 1 / (float) Math.sqrt(64), true, 0); // (B, Tq, h * hd)
 * }</pre>
 */
public final class FusedAttention {
    private FusedAttention() {
    }

    /**
     * softmax(scale q k^T (+ causal mask)) v for q (B, h, Tq, hd), k and v (B, h, Tk, hd) (any strides), merged
     * to (B, Tq, h hd). Causal: query i sits at position offset + i and sees keys up to it.
     */
    public static Tensor apply(Tensor q, Tensor k, Tensor v, float scale, boolean causal, int offset) {
        if (q.rank() != 4 || k.rank() != 4 || v.rank() != 4) {
            throw new IllegalArgumentException("attention needs rank-4 q, k, v, got " + Shapes.str(q.shape) + ", "
                    + Shapes.str(k.shape) + ", " + Shapes.str(v.shape));
        }
        int b = q.dim(0);
        int h = q.dim(1);
        int tq = q.dim(2);
        int d = q.dim(3);
        int tk = k.dim(2);
        if (k.dim(0) != b || k.dim(1) != h || k.dim(3) != d || !java.util.Arrays.equals(k.shape, v.shape)) {
            throw new IllegalArgumentException("attention: shapes do not fit, q " + Shapes.str(q.shape) + ", k "
                    + Shapes.str(k.shape) + ", v " + Shapes.str(v.shape));
        }
        if (causal && (offset < 0 || offset + tq > tk)) {
            throw new IllegalArgumentException("causal attention: offset " + offset + " + " + tq + " queries exceeds "
                    + tk + " keys");
        }
        Tensor qc = unitColumns(q);
        Tensor kc = unitColumns(k);
        Tensor vc = unitColumns(v);
        Tensor out = Tensor.zeros(q.kernels, b, tq, h * d);                      // (B, Tq, h hd)
        int n = b * h;
        int[] qo = new int[n];
        int[] ko = new int[n];
        int[] vo = new int[n];
        int[] oo = new int[n];
        for (int i = 0; i < n; i++) {
            int bi = i / h;
            int hi = i % h;
            qo[i] = qc.offset + bi * qc.strides[0] + hi * qc.strides[1];
            ko[i] = kc.offset + bi * kc.strides[0] + hi * kc.strides[1];
            vo[i] = vc.offset + bi * vc.strides[0] + hi * vc.strides[1];
            oo[i] = bi * tq * h * d + hi * d;
        }
        if (tq > 0 && tk > 0) {
            q.kernels.attention(n, tq, tk, d, scale, causal, offset, qc.data, qo, qc.strides[2], kc.data, ko,
                    kc.strides[2], vc.data, vo, vc.strides[2], out.data, oo, h * d);
        }
        return out;
    }

    /** The tensor itself when its last axis has unit stride, else a contiguous copy. */
    private static Tensor unitColumns(Tensor t) {
        return t.strides[3] == 1 || t.shape[3] == 1 ? t : t.contiguous();
    }
}
