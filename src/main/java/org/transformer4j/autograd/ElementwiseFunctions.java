package org.transformer4j.autograd;

import static org.transformer4j.autograd.Variable.record;

import java.util.Arrays;
import org.transformer4j.tensor.BinaryOp;
import org.transformer4j.tensor.Elementwise;
import org.transformer4j.tensor.Losses;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;
import org.transformer4j.tensor.UnaryOp;

/** Elementwise ops with broadcasting, each forward beside its backward. */
final class ElementwiseFunctions {
    private ElementwiseFunctions() {
    }

    static Variable add(Variable a, Variable b) {
        int[] sa = a.shape();
        int[] sb = b.shape();
        return record("add", a.value().add(b.value()), g -> new Tensor[] {sumTo(g, sa), sumTo(g, sb)}, a, b);
    }

    static Variable sub(Variable a, Variable b) {
        int[] sa = a.shape();
        int[] sb = b.shape();
        return record("sub", a.value().sub(b.value()),
                g -> new Tensor[] {sumTo(g, sa), b.requiresGrad() ? sumTo(g.neg(), sb) : null}, a, b);
    }

    static Variable mul(Variable a, Variable b) {
        Tensor av = a.value();
        Tensor bv = b.value();
        return record("mul", av.mul(bv), g -> new Tensor[] {
            a.requiresGrad() ? sumTo(g.mul(bv), av.shape()) : null,
            b.requiresGrad() ? sumTo(g.mul(av), bv.shape()) : null}, a, b);
    }

    static Variable div(Variable a, Variable b) {
        Tensor av = a.value();
        Tensor bv = b.value();
        return record("div", av.div(bv), g -> new Tensor[] {
            a.requiresGrad() ? sumTo(g.div(bv), av.shape()) : null,
            b.requiresGrad() ? sumTo(g.mul(av).div(bv.mul(bv)).neg(), bv.shape()) : null}, a, b);
    }

    /** a^b; d/da = b a^(b-1), d/db = a^b log a (taken as 0 where a == 0 and b >= 0, as PyTorch). */
    static Variable pow(Variable a, Variable b) {
        Tensor av = a.value();
        Tensor bv = b.value();
        Tensor out = av.pow(bv);
        return record("pow", out, g -> {
            Tensor ga = null;
            Tensor gb = null;
            if (a.requiresGrad()) {
                ga = sumTo(g.mul(bv).mul(av.pow(bv.add(-1f))), av.shape());
            }
            if (b.requiresGrad()) {
                Tensor zeroBase = av.apply(BinaryOp.EQ, av.constant(0f)).mul(bv.apply(BinaryOp.GE, bv.constant(0f)));
                Tensor raw = g.mul(out).mul(av.log());
                gb = sumTo(Tensor.where(zeroBase, raw.constant(0f), raw), bv.shape());
            }
            return new Tensor[] {ga, gb};
        }, a, b);
    }

    static Variable unary(UnaryOp op, Variable x) {
        Tensor xv = x.value();
        return record(op.name().toLowerCase(java.util.Locale.ROOT), xv.apply(op),
                g -> new Tensor[] {Elementwise.unaryBackward(op, xv, g)}, x);
    }

    static Variable maskedFill(Variable x, Tensor mask, float fill) {
        Tensor out = x.value().maskedFill(mask, fill);
        return record("masked_fill", out,
                g -> new Tensor[] {Tensor.where(mask, g.constant(0f), g)}, x);
    }

    static Variable where(Tensor cond, Variable a, Variable b) {
        int[] sa = a.shape();
        int[] sb = b.shape();
        Tensor out = Tensor.where(cond, a.value(), b.value());
        return record("where", out, g -> new Tensor[] {
            a.requiresGrad() ? sumTo(Tensor.where(cond, g, g.constant(0f)), sa) : null,
            b.requiresGrad() ? sumTo(Tensor.where(cond, g.constant(0f), g), sb) : null}, a, b);
    }

    static Variable dropout(Variable x, float p, Rng rng) {
        if (p == 0f) {
            return x;
        }
        Tensor mask = Losses.dropoutMask(x.value().kernels(), rng.nextLong(), p, x.shape());
        return record("dropout", x.value().mul(mask), g -> new Tensor[] {g.mul(mask)}, x);
    }

    /** Sums a broadcast gradient back to the shape of the input it came from. */
    static Tensor sumTo(Tensor g, int[] shape) {
        int[] gs = g.shape();
        if (Arrays.equals(gs, shape)) {
            return g;
        }
        int lead = gs.length - shape.length;
        int[] axes = new int[gs.length];
        int n = 0;
        for (int i = 0; i < gs.length; i++) {
            if (i < lead || (shape[i - lead] == 1 && gs[i] != 1)) {
                axes[n++] = i;
            }
        }
        Tensor s = n == 0 ? g : g.sum(true, Arrays.copyOf(axes, n));
        return s.reshape(shape);
    }
}
