package org.transformer4j.autograd;

import java.util.function.Function;
import org.transformer4j.tensor.Kernels;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;

/**
 * Checks a function's analytic gradients against central finite differences. The function runs on
 * the scalar reference kernels (double accumulation inside each op); the output is projected onto a
 * fixed random direction and the projections and difference quotients are computed in double.
 *
 * <pre>{@code
 * GradCheck.Result r = GradCheck.check(v -> v[0].matmul(v[1]).tanh(), a, b);
 * r.assertWithin(1e-2);
 * }</pre>
 */
public final class GradCheck {
    private GradCheck() {
    }

    /** The worst disagreement found: which input, which element, the two values and the relative error. */
    public record Result(int input, int element, double analytic, double numeric, double error) {
        /** Throws an AssertionError naming the worst element when the error exceeds the tolerance. */
        public void assertWithin(double tolerance) {
            if (!(error <= tolerance)) {
                throw new AssertionError(String.format(
                        "gradient check failed: input %d element %d analytic %.8g numeric %.8g (error %.3g > %.3g)",
                        input, element, analytic, numeric, error, tolerance));
            }
        }
    }

    /** Checks with step 1e-2 (relative to each element's magnitude, at least 1e-2). */
    public static Result check(Function<Variable[], Variable> f, Tensor... inputs) {
        return check(f, 1e-2, inputs);
    }

    /**
     * Compares d(sum(f(x) * r))/dx from backward() with (L(x + h) - L(x - h)) / 2h for every element of
     * every input. The error of an element is |analytic - numeric| / max(1, |numeric|, scale), where
     * scale is the largest numeric gradient of that input, so tiny entries are judged against the
     * gradient's magnitude rather than against themselves.
     */
    public static Result check(Function<Variable[], Variable> f, double step, Tensor... inputs) {
        Kernels ref = Kernels.scalar();
        Tensor[] xs = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            xs[i] = Tensor.wrap(ref, inputs[i].toArray(), inputs[i].shape());
        }
        Variable[] vars = new Variable[xs.length];
        for (int i = 0; i < xs.length; i++) {
            vars[i] = Variable.parameter(xs[i]);
        }
        Variable out = f.apply(vars);
        Rng rng = new Rng(1234);
        float[] direction = new float[out.value().size()];
        for (int i = 0; i < direction.length; i++) {
            direction[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        out.backward(Tensor.wrap(ref, direction.clone(), out.shape()));

        Result worst = new Result(-1, -1, 0, 0, 0);
        for (int in = 0; in < xs.length; in++) {
            float[] base = xs[in].toArray();
            Tensor g = vars[in].grad();
            float[] analytic = g == null ? new float[base.length] : g.toArray();
            double[] numeric = new double[base.length];
            double scale = 0;
            for (int e = 0; e < base.length; e++) {
                numeric[e] = difference(f, xs, in, base, e, step, direction, ref);
                scale = Math.max(scale, Math.abs(numeric[e]));
            }
            for (int e = 0; e < base.length; e++) {
                double err = Math.abs(analytic[e] - numeric[e]) / Math.max(1.0, scale);
                if (Double.isNaN(err) || err > worst.error()) {
                    worst = new Result(in, e, analytic[e], numeric[e], Double.isNaN(err) ? Double.POSITIVE_INFINITY : err);
                }
            }
        }
        return worst;
    }

    private static double difference(Function<Variable[], Variable> f, Tensor[] xs, int in, float[] base, int e,
                                     double step, float[] direction, Kernels ref) {
        double h = step * Math.max(1.0, Math.abs(base[e]));
        float plus = (float) (base[e] + h);
        float minus = (float) (base[e] - h);
        double lp = projected(f, xs, in, base, e, plus, direction, ref);
        double lm = projected(f, xs, in, base, e, minus, direction, ref);
        return (lp - lm) / ((double) plus - (double) minus);
    }

    private static double projected(Function<Variable[], Variable> f, Tensor[] xs, int in, float[] base, int e,
                                    float value, float[] direction, Kernels ref) {
        float[] moved = base.clone();
        moved[e] = value;
        Variable[] vars = new Variable[xs.length];
        for (int i = 0; i < xs.length; i++) {
            vars[i] = Variable.constant(i == in ? Tensor.wrap(ref, moved, xs[i].shape()) : xs[i]);
        }
        float[] y;
        try (Grad.Scope ignored = Grad.off()) {
            y = f.apply(vars).value().toArray();
        }
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            s += (double) y[i] * direction[i];
        }
        return s;
    }
}
