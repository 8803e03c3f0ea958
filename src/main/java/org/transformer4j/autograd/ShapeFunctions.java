package org.transformer4j.autograd;

import static org.transformer4j.autograd.ElementwiseFunctions.sumTo;
import static org.transformer4j.autograd.Variable.record;

import org.transformer4j.tensor.GradientSums;
import org.transformer4j.tensor.Shapes;
import org.transformer4j.tensor.Tensor;

/** Views (reshape, permute, narrow, select, expand, ...): the backward undoes the view on the gradient. */
final class ShapeFunctions {
    private ShapeFunctions() {
    }

    static Variable reshape(Variable x, int... shape) {
        int[] in = x.shape();
        return record("reshape", x.value().reshape(shape), g -> new Tensor[] {g.reshape(in)}, x);
    }

    static Variable permute(Variable x, int... order) {
        Tensor out = x.value().permute(order);
        int[] inverse = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            inverse[Shapes.axis(order[i], order.length, x.shape())] = i;
        }
        return record("permute", out, g -> new Tensor[] {g.permute(inverse)}, x);
    }

    static Variable transpose(Variable x, int a, int b) {
        return record("transpose", x.value().transpose(a, b), g -> new Tensor[] {g.transpose(a, b)}, x);
    }

    static Variable narrow(Variable x, int axis, int start, int length) {
        Tensor out = x.value().narrow(axis, start, length);
        int[] in = x.shape();
        return record("narrow", out, new NarrowBackward(in, axis, start), x);
    }

    /**
     * The backward of narrow: g padded with zeros to the input's shape. {@link BackwardPass} recognises it and adds g
     * into the input's accumulated gradient in place instead, so the slices of one tensor (a fused q/k/v
     * projection's three) cost one full-size gradient rather than a padded copy each plus their sums.
     */
    record NarrowBackward(int[] inShape, int axis, int start) implements Backward {
        @Override
        public Tensor[] apply(Tensor g) {
            return new Tensor[] {padInto(g, inShape, axis, start)};
        }
    }

    static Variable select(Variable x, int axis, int index) {
        Tensor out = x.value().select(axis, index);
        int[] in = x.shape();
        int a = Shapes.axis(axis, in.length, in);
        return record("select", out, g -> new Tensor[] {padInto(g.unsqueeze(a), in, a, index)}, x);
    }

    static Variable unsqueeze(Variable x, int axis) {
        int[] in = x.shape();
        return record("unsqueeze", x.value().unsqueeze(axis), g -> new Tensor[] {g.reshape(in)}, x);
    }

    static Variable squeeze(Variable x, int axis) {
        int[] in = x.shape();
        return record("squeeze", x.value().squeeze(axis), g -> new Tensor[] {g.reshape(in)}, x);
    }

    static Variable expand(Variable x, int... shape) {
        int[] in = x.shape();
        return record("expand", x.value().expand(shape), g -> new Tensor[] {sumTo(g, in)}, x);
    }

    static Variable contiguous(Variable x) {
        return record("contiguous", x.value().contiguous(), g -> new Tensor[] {g}, x);
    }

    /** A zero tensor of the input's shape with g placed at [start, start + g.dim(axis)) along axis. */
    static Tensor padInto(Tensor g, int[] inShape, int axis, int start) {
        int a = Shapes.axis(axis, inShape.length, inShape);
        int len = g.dim(a);
        int after = inShape[a] - start - len;
        if (start == 0 && after == 0) {
            return g;
        }
        Tensor out = Tensor.zeros(g.kernels(), inShape);
        GradientSums.addIntoSlice(out, a, start, g);
        return out;
    }
}
