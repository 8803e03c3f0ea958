package org.transformer4j.tensor;

/**
 * Y = X W^T + b for a stored weight matrix W and many rows of X ({@link WeightMatrix#multiplyRows}): the packed
 * GEMM of {@link VectorGemm} (same blocking, micro-kernel and tile stores), with W's panels packed from its own
 * storage format by {@link StoredMatrix#packPanel}. bf16 and Q8_0 weights are dequantized while packing, so the
 * micro-kernel always multiplies fp32 and each weight is decoded once per block of up to MC rows of X instead of
 * once per row. The bias is added where a tile is first stored.
 *
 * <p>Each element of Y is bias + the micro-kernel's FMA chain over k (in KC blocks, in order), whatever the range of
 * outputs a thread is given, so results do not depend on the split.
 */
final class WeightGemm {
    private WeightGemm() {
    }

    static {
        // The formats' packing reads whole bf16 chunks (2 vectors) and Q8_0 blocks (32) from each block's start.
        if (VectorGemm.KC % Math.max(2 * VectorLanes.L, Q8Matrix.BLOCK) != 0) {
            throw new AssertionError("KC = " + VectorGemm.KC + " must be a multiple of the bf16 chunk and the Q8_0 block");
        }
    }

    static void multiply(StoredMatrix w, float[] x, int xOff, int ldx, int n, float[] bias, float[] y, int yOff, int ldy,
                         int from, int to) {
        if (n <= 0 || from >= to) {
            return;
        }
        int nr = VectorGemm.NR;
        int mr = VectorGemm.MR;
        int k = w.cols;
        GemmPacking.Workspace ws = GemmPacking.workspace();
        for (int jc = from; jc < to; jc += VectorGemm.NC) {
            int nc = Math.min(VectorGemm.NC, to - jc);
            for (int pc = 0; pc < k; pc += VectorGemm.KC) {
                int kc = Math.min(VectorGemm.KC, k - pc);
                float[] bp = ws.b(VectorGemm.ceilDiv(nc, nr) * nr * kc);
                w.packPanel(bp, jc, nc, pc, kc, ws);
                boolean first = pc == 0;
                for (int ic = 0; ic < n; ic += VectorGemm.MC) {
                    int mc = Math.min(VectorGemm.MC, n - ic);
                    float[] ap = ws.a(VectorGemm.ceilDiv(mc, mr) * mr * kc);
                    GemmPacking.packA(ap, ws.map, false, x, xOff, ldx, ic, mc, pc, kc);
                    for (int jr = 0; jr < nc; jr += nr) {
                        int cols = Math.min(nr, nc - jr);
                        for (int ir = 0; ir < mc; ir += mr) {
                            VectorGemm.microKernel(kc, ap, ir * kc, bp, jr * kc, ws.tile);
                            VectorGemm.storeTile(ws.tile, Math.min(mr, mc - ir), cols, first, bias, jc + jr, y,
                                    yOff + (ic + ir) * ldy + jc + jr, ldy);
                        }
                    }
                }
            }
        }
    }
}
