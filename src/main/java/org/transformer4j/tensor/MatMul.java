package org.transformer4j.tensor;

/**
 * Batched matrix multiply with torch.matmul semantics. Transposed operands (a view whose last two
 * dimensions are swapped) reach the kernel as a transpose flag, never as a copy.
 */
final class MatMul {
    private MatMul() {
    }

    static Tensor matmul(Tensor a, Tensor b) {
        if (a.rank() == 0 || b.rank() == 0) {
            throw new IllegalArgumentException("matmul needs tensors of rank >= 1, got " + Shapes.str(a.shape)
                    + " and " + Shapes.str(b.shape));
        }
        boolean vecA = a.rank() == 1;
        boolean vecB = b.rank() == 1;
        Tensor a2 = vecA ? a.unsqueeze(0) : a;   // (1, k)
        Tensor b2 = vecB ? b.unsqueeze(-1) : b;  // (k, 1)
        int m = a2.dim(-2);
        int k = a2.dim(-1);
        int n = b2.dim(-1);
        if (b2.dim(-2) != k) {
            throw new IllegalArgumentException("matmul: inner dimensions differ, " + Shapes.str(a.shape) + " @ "
                    + Shapes.str(b.shape) + " (" + k + " vs " + b2.dim(-2) + ")");
        }
        int[] batchA = java.util.Arrays.copyOf(a2.shape, a2.rank() - 2);
        int[] batchB = java.util.Arrays.copyOf(b2.shape, b2.rank() - 2);
        int[] batch;
        try {
            batch = Shapes.broadcast(batchA, batchB);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("matmul: batch dimensions of " + Shapes.str(a.shape) + " and "
                    + Shapes.str(b.shape) + " cannot be broadcast", e);
        }
        Operand opA = Operand.of(a2);
        Operand opB = Operand.of(b2);
        int[] outShape = new int[batch.length + 2];
        System.arraycopy(batch, 0, outShape, 0, batch.length);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        Tensor out = Tensor.zeros(a.kernels, outShape);
        int count = Shapes.size(batch);
        int[] aOffs = new int[count];
        int[] bOffs = new int[count];
        int[] cOffs = new int[count];
        int[] stA = batchStrides(opA.t, batch);
        int[] stB = batchStrides(opB.t, batch);
        for (int i = 0; i < count; i++) {
            int rem = i;
            int oa = opA.t.offset;
            int ob = opB.t.offset;
            for (int d = batch.length - 1; d >= 0; d--) {
                int idx = rem % batch[d];
                rem /= batch[d];
                oa += idx * stA[d];
                ob += idx * stB[d];
            }
            aOffs[i] = oa;
            bOffs[i] = ob;
            cOffs[i] = i * m * n;
        }
        if (count > 0 && m > 0 && n > 0) {
            a.kernels.gemm(opA.trans, opB.trans, m, n, k, opA.t.data, aOffs, opA.ld, opB.t.data, bOffs, opB.ld,
                    0f, out.data, cOffs, n);
        }
        if (vecA && vecB) {
            return out.reshape(batch);
        }
        if (vecA) {
            return out.squeeze(-2);
        }
        return vecB ? out.squeeze(-1) : out;
    }

    /** Strides of the batch dims of t broadcast to batch (0 where broadcast). */
    private static int[] batchStrides(Tensor t, int[] batch) {
        int tb = t.rank() - 2;
        int lead = batch.length - tb;
        int[] st = new int[batch.length];
        for (int i = lead; i < batch.length; i++) {
            st[i] = t.shape[i - lead] == 1 ? 0 : t.strides[i - lead];
        }
        return st;
    }

    /** A matrix operand as the kernel wants it: row-major with leading dimension ld, maybe transposed. */
    private record Operand(Tensor t, boolean trans, int ld) {
        static Operand of(Tensor t) {
            int r = t.rank();
            int rows = t.shape[r - 2];
            int cols = t.shape[r - 1];
            int sr = t.strides[r - 2];
            int sc = t.strides[r - 1];
            if ((sc == 1 || cols == 1) && (rows == 1 || sr >= cols)) {
                return new Operand(t, false, rows == 1 ? Math.max(cols, 1) : sr);
            }
            if ((sr == 1 || rows == 1) && (cols == 1 || sc >= rows)) {
                return new Operand(t, true, cols == 1 ? Math.max(rows, 1) : sc);
            }
            Tensor c = t.contiguous();
            return new Operand(c, false, Math.max(cols, 1));
        }
    }
}
