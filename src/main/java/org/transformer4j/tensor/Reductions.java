package org.transformer4j.tensor;

/** Reductions over axes: the reduced axes are moved last, and each remaining index is one kernel row. */
final class Reductions {
    private Reductions() {
    }

    static Tensor reduce(ReduceOp op, Tensor x, boolean keepDim, int... axes) {
        boolean[] reduced = reducedAxes(x, axes);
        if (op == ReduceOp.SUM && x.isContiguous() && leadingPrefix(reduced)) {
            Tensor cs = columnSums(x, reduced, keepDim, axes);
            if (cs != null) {
                return cs;
            }
        }
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

    /** Whether the reduced axes are exactly the first few (a bias gradient: sum over batch and time). */
    private static boolean leadingPrefix(boolean[] reduced) {
        int i = 0;
        while (i < reduced.length && reduced[i]) {
            i++;
        }
        for (int j = i; j < reduced.length; j++) {
            if (reduced[j]) {
                return false;
            }
        }
        return i > 0 && i < reduced.length;
    }

    /**
     * Sums over leading axes of a contiguous tensor as ones(1, n) x (n, m): the rows are streamed once in order
     * instead of being transposed first. Null when a dimension is too small for that to pay.
     */
    private static Tensor columnSums(Tensor x, boolean[] reduced, boolean keepDim, int[] axes) {
        long n = 1;
        long m = 1;
        for (int i = 0; i < x.rank(); i++) {
            if (reduced[i]) {
                n *= x.shape[i];
            } else {
                m *= x.shape[i];
            }
        }
        if (n < 2 || m < 16 || n > Integer.MAX_VALUE) {
            return null;
        }
        float[] ones = new float[(int) n];
        java.util.Arrays.fill(ones, 1f);
        Tensor out = Tensor.zeros(x.kernels, Shapes.reduced(x.shape, keepDim, axes));
        x.kernels.gemm(false, false, 1, (int) m, (int) n, ones, new int[] {0}, (int) n, x.data, new int[] {x.offset},
                (int) m, 0f, out.data, new int[] {0}, (int) m);
        return out;
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
