package org.transformer4j.tensor;

import java.util.Arrays;

/**
 * In-place gradient accumulation for the backward pass, on tensors the caller owns alone (fresh sums it allocated
 * itself, never a tensor a backward function returned, which may be an activation or share storage with one).
 * Tensors are otherwise immutable; these exist because summing the gradients that fan into one variable (the
 * residual stream, the three slices of a fused q/k/v projection) allocated a fresh full-size tensor per addend.
 */
public final class GradientSums {
    private GradientSums() {
    }

    /** A fresh contiguous tensor holding g's values (g's layout may be strided), for accumulating into. */
    public static Tensor ownedCopy(Tensor g) {
        Tensor out = Tensor.zeros(g.kernels, g.shape);
        Copies.copyInto(g, out);
        return out;
    }

    /** acc += g, element by element; acc must be contiguous and owned by the caller, g of the same shape. */
    public static void addInto(Tensor acc, Tensor g) {
        requireOwnable(acc);
        if (!Arrays.equals(acc.shape, g.shape)) {
            throw new IllegalArgumentException("addInto: shapes " + Shapes.str(acc.shape) + " and "
                    + Shapes.str(g.shape) + " differ");
        }
        int n = acc.size();
        if (n == 0) {
            return;
        }
        Tensor gc = g.contiguous();
        int cols = acc.shape.length == 0 ? 1 : acc.shape[acc.shape.length - 1];
        int rows = cols == 0 ? 0 : n / cols;
        acc.kernels.binary(BinaryOp.ADD, rows, cols, acc.data, acc.offset, cols, 1, gc.data, gc.offset, cols, 1,
                acc.data, acc.offset);
    }

    /**
     * acc[..., start:start+len, ...] += g along axis (len = g's size along it), in place; acc must be contiguous and
     * owned by the caller, g of acc's shape except along axis.
     */
    public static void addIntoSlice(Tensor acc, int axis, int start, Tensor g) {
        requireOwnable(acc);
        int rank = acc.shape.length;
        int a = Shapes.axis(axis, rank, acc.shape);
        int len = g.rank() == rank ? g.shape[a] : -1;
        for (int i = 0; i < rank && len >= 0; i++) {
            if (i != a && g.shape[i] != acc.shape[i]) {
                len = -1;
            }
        }
        if (len < 0 || start < 0 || start + len > acc.shape[a]) {
            throw new IllegalArgumentException("addIntoSlice: " + Shapes.str(g.shape) + " does not fit " + Shapes.str(
                    acc.shape) + " at " + start + " along axis " + a);
        }
        int inner = 1;
        for (int i = a + 1; i < rank; i++) {
            inner *= acc.shape[i];
        }
        int outer = 1;
        for (int i = 0; i < a; i++) {
            outer *= acc.shape[i];
        }
        int seg = len * inner;
        if (seg == 0 || outer == 0) {
            return;
        }
        Tensor gc = g.contiguous();
        // One contiguous segment per outer index; acc's starts at r * (size along axis) * inner + start * inner.
        int stride = acc.shape[a] * inner;
        for (int r = 0; r < outer; r++) {
            int o = acc.offset + r * stride + start * inner;
            acc.kernels.binary(BinaryOp.ADD, 1, seg, acc.data, o, seg, 1, gc.data, gc.offset + r * seg, seg, 1,
                    acc.data, o);
        }
    }

    private static void requireOwnable(Tensor acc) {
        if (!acc.isContiguous()) {
            throw new IllegalArgumentException("gradient accumulator must be contiguous, got strides "
                    + Arrays.toString(acc.strides));
        }
    }
}
