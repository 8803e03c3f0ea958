package org.transformer4j.tensor;

/** Elementwise ops with NumPy broadcasting, planned into 2-D kernel calls. */
public final class Elementwise {
    private Elementwise() {
    }

    static Tensor unary(UnaryOp op, Tensor x) {
        Tensor c = x.contiguous();
        Tensor out = Tensor.zeros(x.kernels, x.shape);
        x.kernels.unary(op, c.data, c.offset, out.data, 0, out.size());
        return out;
    }

    /** gx = gy * op'(x), the backward of a unary op; x and gy have the same shape. */
    public static Tensor unaryBackward(UnaryOp op, Tensor x, Tensor gy) {
        requireSameShape("unaryBackward " + op, x, gy);
        Tensor xc = x.contiguous();
        Tensor gc = gy.contiguous();
        Tensor out = Tensor.zeros(x.kernels, x.shape);
        x.kernels.unaryBackward(op, xc.data, xc.offset, gc.data, gc.offset, out.data, 0, out.size());
        return out;
    }

    static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        int[] outShape = Shapes.broadcast(a.shape, b.shape);
        Tensor out = Tensor.zeros(a.kernels, outShape);
        if (out.size() == 0) {
            return out;
        }
        Layout l = planUnitColumns(outShape, out, a, b);
        if (l.colStride(1) > 1) {
            a = a.contiguous();
            l = planUnitColumns(outShape, out, a, b);
        }
        if (l.colStride(2) > 1) {
            b = b.contiguous();
            l = planUnitColumns(outShape, out, a, b);
        }
        int rows = l.rows();
        int cols = l.cols();
        for (int blk = 0, n = l.outerCount(); blk < n; blk++) {
            a.kernels.binary(op, rows, cols,
                    a.data, a.offset + l.outerOffset(1, blk), l.rowStride(1), l.colStride(1),
                    b.data, b.offset + l.outerOffset(2, blk), l.rowStride(2), l.colStride(2),
                    out.data, blk * rows * cols);
        }
        return out;
    }

    static Tensor where(Tensor cond, Tensor a, Tensor b) {
        int[] outShape = Shapes.broadcast(Shapes.broadcast(cond.shape, a.shape), b.shape);
        Tensor out = Tensor.zeros(a.kernels, outShape);
        if (out.size() == 0) {
            return out;
        }
        Layout l = planUnitColumns(outShape, out, cond, a, b);
        if (l.colStride(1) > 1 || l.colStride(2) > 1 || l.colStride(3) > 1) {
            cond = cond.contiguous();
            a = a.contiguous();
            b = b.contiguous();
            l = planUnitColumns(outShape, out, cond, a, b);
        }
        int rows = l.rows();
        int cols = l.cols();
        for (int blk = 0, n = l.outerCount(); blk < n; blk++) {
            a.kernels.where(rows, cols,
                    cond.data, cond.offset + l.outerOffset(1, blk), l.rowStride(1), l.colStride(1),
                    a.data, a.offset + l.outerOffset(2, blk), l.rowStride(2), l.colStride(2),
                    b.data, b.offset + l.outerOffset(3, blk), l.rowStride(3), l.colStride(3),
                    out.data, blk * rows * cols);
        }
        return out;
    }

    /** Plans out (operand 0) together with the inputs (operands 1..). */
    private static Layout planUnitColumns(int[] outShape, Tensor out, Tensor... inputs) {
        int[][] st = new int[inputs.length + 1][];
        st[0] = out.strides;
        for (int i = 0; i < inputs.length; i++) {
            st[i + 1] = Layout.broadcastStrides(inputs[i], outShape);
        }
        Layout l = Layout.plan(outShape, st);
        // A negative or >1 column stride is fixed by the caller with contiguous(); report it as "> 1".
        for (int i = 1; i <= inputs.length; i++) {
            if (l.colStride(i) < 0) {
                l.strides[i][l.rank() - 1] = Integer.MAX_VALUE;
            }
        }
        return l;
    }

    static void requireSameShape(String what, Tensor a, Tensor b) {
        if (!java.util.Arrays.equals(a.shape, b.shape)) {
            throw new IllegalArgumentException(what + ": shapes " + Shapes.str(a.shape) + " and "
                    + Shapes.str(b.shape) + " differ");
        }
    }
}
