package org.transformer4j.tensor;

/** Reductions over axes: the reduced axes are moved last, and each remaining index is one kernel row. */
final class Reductions {
    private Reductions() {
    }

    static Tensor reduce(ReduceOp op, Tensor x, boolean keepDim, int... axes) {
        boolean[] reduced = reducedAxes(x, axes);
        Rows r = toRows(x, reduced);
        if (r.cols == 0 && (op == ReduceOp.MAX || op == ReduceOp.MIN || op == ReduceOp.ARGMAX)) {
            throw new IllegalArgumentException(op + " over an empty dimension of shape " + Shapes.str(x.shape));
        }
        Tensor out = Tensor.zeros(x.kernels, Shapes.reduced(x.shape, keepDim, axes));
        x.kernels.reduceRows(op, r.block.data, r.block.offset, r.rows, r.cols, out.data, 0);
        return out;
    }

    static Tensor variance(Tensor x, int correction, boolean keepDim, int... axes) {
        if (correction < 0) {
            throw new IllegalArgumentException("variance correction must be >= 0, got " + correction);
        }
        boolean[] reduced = reducedAxes(x, axes);
        Rows r = toRows(x, reduced);
        Tensor out = Tensor.zeros(x.kernels, Shapes.reduced(x.shape, keepDim, axes));
        x.kernels.varianceRows(r.block.data, r.block.offset, r.rows, r.cols, correction, out.data, 0);
        return out;
    }

    /** Which axes are reduced; none given means all. Duplicates are an error. */
    static boolean[] reducedAxes(Tensor x, int[] axes) {
        boolean[] reduced = new boolean[x.rank()];
        if (axes.length == 0) {
            java.util.Arrays.fill(reduced, true);
            return reduced;
        }
        for (int a : axes) {
            int n = Shapes.axis(a, x.rank(), x.shape);
            if (reduced[n]) {
                throw new IllegalArgumentException("axis " + a + " given twice for shape " + Shapes.str(x.shape));
            }
            reduced[n] = true;
        }
        return reduced;
    }

    private record Rows(Tensor block, int rows, int cols) {
    }

    /** A dense (kept, reduced) view of x: kept axes first, reduced axes last, in their original order. */
    private static Rows toRows(Tensor x, boolean[] reduced) {
        int[] order = new int[x.rank()];
        int j = 0;
        long rows = 1;
        long cols = 1;
        for (int i = 0; i < x.rank(); i++) {
            if (!reduced[i]) {
                order[j++] = i;
                rows *= x.shape[i];
            }
        }
        for (int i = 0; i < x.rank(); i++) {
            if (reduced[i]) {
                order[j++] = i;
                cols *= x.shape[i];
            }
        }
        Tensor block = x.permute(order).contiguous();
        return new Rows(block, (int) rows, (int) cols);
    }
}
