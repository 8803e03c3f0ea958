package org.transformer4j.autograd;

import static org.transformer4j.autograd.Variable.record;

import org.transformer4j.tensor.BinaryOp;
import org.transformer4j.tensor.Shapes;
import org.transformer4j.tensor.Tensor;

/** Reductions over axes and their backward passes (the gradient is broadcast back over the reduced axes). */
final class ReductionFunctions {
    private ReductionFunctions() {
    }

    static Variable sum(Variable x, boolean keepDim, int... axes) {
        Tensor xv = x.value();
        Tensor out = xv.sum(keepDim, axes);
        int[] kept = Shapes.reduced(xv.shape(), true, axes);
        return record("sum", out, g -> new Tensor[] {g.reshape(kept).expand(xv.shape())}, x);
    }

    static Variable mean(Variable x, boolean keepDim, int... axes) {
        Tensor xv = x.value();
        Tensor out = xv.mean(keepDim, axes);
        int[] kept = Shapes.reduced(xv.shape(), true, axes);
        int count = xv.size() / Math.max(1, Shapes.size(kept));
        return record("mean", out, g -> new Tensor[] {g.reshape(kept).mul(1f / count).expand(xv.shape())}, x);
    }

    static Variable extreme(Variable x, boolean max, boolean keepDim, int... axes) {
        Tensor xv = x.value();
        Tensor kept = max ? xv.max(true, axes) : xv.min(true, axes);
        Tensor out = keepDim ? kept : (max ? xv.max(false, axes) : xv.min(false, axes));
        return record(max ? "amax" : "amin", out, g -> {
            Tensor hits = xv.apply(BinaryOp.EQ, kept);
            Tensor share = g.reshape(kept.shape()).div(hits.sum(true, axes));
            return new Tensor[] {hits.mul(share)};
        }, x);
    }

    static Variable var(Variable x, int correction, boolean keepDim, int... axes) {
        Tensor xv = x.value();
        Tensor out = xv.var(correction, keepDim, axes);
        int[] kept = Shapes.reduced(xv.shape(), true, axes);
        int count = xv.size() / Math.max(1, Shapes.size(kept));
        return record("var", out, g -> {
            Tensor centred = xv.sub(xv.mean(true, axes));
            float scale = 2f / Math.max(0, count - correction);
            return new Tensor[] {centred.mul(g.reshape(kept)).mul(scale)};
        }, x);
    }
}
