package org.transformer4j.tensor;

import java.util.Arrays;

/** Gathering and joining: embedding lookup, concat, split, stack. */
public final class Indexing {
    private Indexing() {
    }

    /** Rows of a (vocab, dim) table picked by ids; the result has shape idShape + (dim). */
    public static Tensor embedding(Tensor weight, int[] ids, int... idShape) {
        checkTable(weight, ids, idShape);
        int dim = weight.dim(1);
        int[] outShape = Arrays.copyOf(idShape, idShape.length + 1);
        outShape[idShape.length] = dim;
        Tensor w = weight.contiguous();
        Tensor out = Tensor.zeros(weight.kernels, outShape);
        weight.kernels.gatherRows(w.data, w.offset, dim, ids, out.data, 0);
        return out;
    }

    /** Backward of {@link #embedding}: the gradient of the table, rows of gy added at their ids. */
    public static Tensor embeddingBackward(int[] tableShape, Tensor gy, int[] ids) {
        int dim = tableShape[1];
        if (gy.size() != ids.length * dim) {
            throw new IllegalArgumentException("embeddingBackward: gradient " + Shapes.str(gy.shape) + " does not match "
                    + ids.length + " ids of dimension " + dim);
        }
        Tensor g = gy.contiguous();
        Tensor out = Tensor.zeros(gy.kernels, tableShape);
        gy.kernels.scatterAddRows(g.data, g.offset, dim, ids, out.data, 0);
        return out;
    }

    private static void checkTable(Tensor weight, int[] ids, int[] idShape) {
        if (weight.rank() != 2) {
            throw new IllegalArgumentException("embedding table must be (vocab, dim), got " + Shapes.str(weight.shape));
        }
        if (Shapes.size(idShape) != ids.length) {
            throw new IllegalArgumentException("embedding: " + ids.length + " ids do not fill shape " + Shapes.str(idShape));
        }
        int vocab = weight.dim(0);
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new IllegalArgumentException("embedding: id " + ids[i] + " at position " + i
                        + " is outside the table's " + vocab + " rows");
            }
        }
    }

    /** Joins tensors along an existing axis; all other dimensions must match. */
    public static Tensor concat(int axis, Tensor... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("concat needs at least one tensor");
        }
        Tensor first = parts[0];
        int a = Shapes.axis(axis, first.rank(), first.shape);
        int[] outShape = first.shape.clone();
        int total = 0;
        for (Tensor p : parts) {
            if (p.rank() != first.rank()) {
                throw new IllegalArgumentException("concat: ranks differ, " + Shapes.str(first.shape) + " and "
                        + Shapes.str(p.shape));
            }
            for (int d = 0; d < p.rank(); d++) {
                if (d != a && p.shape[d] != first.shape[d]) {
                    throw new IllegalArgumentException("concat along axis " + axis + ": shapes " + Shapes.str(first.shape)
                            + " and " + Shapes.str(p.shape) + " differ in dimension " + d);
                }
            }
            total = Math.addExact(total, p.shape[a]);
        }
        outShape[a] = total;
        Tensor out = Tensor.zeros(first.kernels, outShape);
        int start = 0;
        for (Tensor p : parts) {
            Copies.copyInto(p, out.narrow(a, start, p.shape[a]));
            start += p.shape[a];
        }
        return out;
    }

    /** Views of consecutive pieces of the given sizes along an axis (the sizes must add up). */
    public static Tensor[] split(Tensor x, int axis, int... sizes) {
        int a = Shapes.axis(axis, x.rank(), x.shape);
        long sum = 0;
        for (int s : sizes) {
            if (s < 0) {
                throw new IllegalArgumentException("split sizes must be >= 0, got " + Arrays.toString(sizes));
            }
            sum += s;
        }
        if (sum != x.shape[a]) {
            throw new IllegalArgumentException("split sizes " + Arrays.toString(sizes) + " add up to " + sum
                    + " but axis " + axis + " of " + Shapes.str(x.shape) + " has " + x.shape[a]);
        }
        Tensor[] out = new Tensor[sizes.length];
        int start = 0;
        for (int i = 0; i < sizes.length; i++) {
            out[i] = x.narrow(a, start, sizes[i]);
            start += sizes[i];
        }
        return out;
    }

    /** Joins tensors of equal shape along a new axis. */
    public static Tensor stack(int axis, Tensor... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("stack needs at least one tensor");
        }
        int a = Shapes.axis(axis, parts[0].rank() + 1, parts[0].shape);
        Tensor[] un = new Tensor[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (!Arrays.equals(parts[i].shape, parts[0].shape)) {
                throw new IllegalArgumentException("stack: shapes " + Shapes.str(parts[0].shape) + " and "
                        + Shapes.str(parts[i].shape) + " differ");
            }
            un[i] = parts[i].unsqueeze(a);
        }
        return concat(a, un);
    }
}
