package org.transformer4j.train;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.transformer4j.autograd.Variable;
import org.transformer4j.tensor.Shapes;
import org.transformer4j.tensor.Tensor;

/**
 * Gradient-norm clipping as torch.nn.utils.clip_grad_norm_: when the L2 norm of all gradients together exceeds
 * {@code maxNorm}, every gradient is multiplied by maxNorm / (norm + 1e-6) (Pascanu et al. 2013).
 *
 * <pre>{@code
 * double norm = GradientClipping.clip(model.namedParameters(), 1.0); // log it: spikes precede divergence
 * }</pre>
 *
 * The norm is summed in double in the map's order (deterministic; torch sums in float32, so values differ in
 * the last float digits). Scaled gradients replace the old ones through {@link Variable#setGrad}, never by
 * writing into their storage, since autograd may hand one gradient tensor to several leaves. Each distinct
 * parameter counts once, however many names it is tied under.
 */
public final class GradientClipping {
    /** Added to the norm before dividing, as torch does. */
    public static final double EPS = 1e-6;

    private GradientClipping() {
    }

    /** Clips the gradients of named parameters; returns the total norm before clipping. */
    public static double clip(Map<String, Variable> named, double maxNorm) {
        if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("maxNorm must be finite and > 0, got " + maxNorm);
        }
        Map<String, Variable> distinct = distinct(named);
        double total = norm(distinct);
        if (total > maxNorm) {
            float coef = (float) (maxNorm / (total + EPS));
            for (Variable v : distinct.values()) {
                Tensor g = v.grad();
                if (g != null) {
                    float[] a = g.toArray();
                    for (int i = 0; i < a.length; i++) {
                        a[i] *= coef;
                    }
                    v.setGrad(Tensor.wrap(g.kernels(), a, g.shape()));
                }
            }
        }
        return total;
    }

    /** Clips the gradients of a list of parameters, named "#0", "#1", ... in messages. */
    public static double clip(List<Variable> parameters, double maxNorm) {
        return clip(indexed(parameters), maxNorm);
    }

    /**
     * The L2 norm of all gradients together (parameters without a gradient count as zero), in double.
     *
     * @throws IllegalStateException naming the first parameter, in map order, whose gradient holds NaN or Inf
     */
    public static double norm(Map<String, Variable> named) {
        double sum = 0;
        for (Map.Entry<String, Variable> e : distinct(named).entrySet()) {
            Tensor g = e.getValue().grad();
            if (g == null) {
                continue;
            }
            float[] a = g.toArray();
            for (int i = 0; i < a.length; i++) {
                float x = a[i];
                if (!Float.isFinite(x)) {
                    throw new IllegalStateException("gradient of '" + e.getKey() + "' contains "
                            + (Float.isNaN(x) ? "NaN" : x > 0 ? "+Inf" : "-Inf") + " (first at flat index " + i
                            + " of shape " + Shapes.str(g.shape()) + "); nothing was clipped");
                }
                sum += (double) x * x;
            }
        }
        return Math.sqrt(sum);
    }

    /** The L2 norm of the gradients of a list of parameters; see {@link #norm(Map)}. */
    public static double norm(List<Variable> parameters) {
        return norm(indexed(parameters));
    }

    private static Map<String, Variable> indexed(List<Variable> parameters) {
        Map<String, Variable> named = new LinkedHashMap<>();
        for (int i = 0; i < parameters.size(); i++) {
            named.put("#" + i, parameters.get(i));
        }
        return named;
    }

    /** Each variable once, under its first name. */
    private static Map<String, Variable> distinct(Map<String, Variable> named) {
        Map<Variable, Boolean> seen = new IdentityHashMap<>();
        Map<String, Variable> out = new LinkedHashMap<>();
        named.forEach((k, v) -> {
            if (seen.put(v, Boolean.TRUE) == null) {
                out.put(k, v);
            }
        });
        return out;
    }
}
