package org.transformer4j.autograd;

import java.util.List;
import java.util.Map;
import org.transformer4j.tensor.UnaryOp;

/** Maps the op names and arguments of tools/make_op_fixtures.py to transformer4j calls. */
final class FixtureOps {
    private FixtureOps() {
    }

    static Variable[] apply(String op, List<Variable> x, List<int[]> ints, List<int[]> intShapes, Map<String, Object> args) {
        return switch (op) {
            case "add" -> one(x.get(0).add(x.get(1)));
            case "sub" -> one(x.get(0).sub(x.get(1)));
            case "mul" -> one(x.get(0).mul(x.get(1)));
            case "div" -> one(x.get(0).div(x.get(1)));
            case "pow" -> one(x.get(0).pow(x.get(1)));
            case "pow_scalar" -> one(x.get(0).pow(f(args, "exponent")));
            case "neg", "exp", "log", "sqrt", "rsqrt", "tanh", "relu", "gelu", "gelu_tanh", "silu", "sigmoid" ->
                    one(ElementwiseFunctions.unary(UnaryOp.valueOf(op.toUpperCase(java.util.Locale.ROOT)), x.get(0)));
            case "sum" -> one(x.get(0).sum(bool(args, "keepdim"), dims(args)));
            case "mean" -> one(x.get(0).mean(bool(args, "keepdim"), dims(args)));
            case "amax" -> one(x.get(0).max(bool(args, "keepdim"), dims(args)));
            case "amin" -> one(x.get(0).min(bool(args, "keepdim"), dims(args)));
            case "argmax" -> one(Variable.constant(x.get(0).argmax(i(args, "dim"), bool(args, "keepdim"))));
            case "var" -> one(x.get(0).var(i(args, "correction"), bool(args, "keepdim"), dims(args)));
            case "matmul" -> one(x.get(0).matmul(x.get(1)));
            case "softmax" -> one(x.get(0).softmax(i(args, "dim")));
            case "log_softmax" -> one(x.get(0).logSoftmax(i(args, "dim")));
            case "layer_norm" -> one(Functions.layerNorm(x.get(0), i(args, "normalized_dims"),
                    x.size() > 1 ? x.get(1) : null, x.size() > 2 ? x.get(2) : null, f(args, "eps")));
            case "rms_norm" -> one(Functions.rmsNorm(x.get(0), i(args, "normalized_dims"),
                    x.size() > 1 ? x.get(1) : null, f(args, "eps")));
            case "embedding" -> one(Functions.embedding(x.get(0), ints.get(0), intShapes.get(0)));
            case "concat" -> one(Functions.concat(i(args, "dim"), x.toArray(Variable[]::new)));
            case "split" -> Functions.split(x.get(0), i(args, "dim"), intList(args, "sizes"));
            case "stack" -> one(Functions.stack(i(args, "dim"), x.toArray(Variable[]::new)));
            case "where" -> one(Variable.where(x.get(0).value(), x.get(1), x.get(2)));
            case "masked_fill" -> one(x.get(0).maskedFill(x.get(1).value(), f(args, "value")));
            case "cross_entropy" -> one(Functions.crossEntropy(x.get(0), ints.get(0), i(args, "ignore_index"),
                    f(args, "label_smoothing")));
            default -> throw new IllegalArgumentException("fixture op '" + op + "' is not mapped");
        };
    }

    private static Variable[] one(Variable v) {
        return new Variable[] {v};
    }

    private static boolean bool(Map<String, Object> args, String key) {
        return Boolean.TRUE.equals(args.get(key));
    }

    private static int i(Map<String, Object> args, String key) {
        return ((Number) args.get(key)).intValue();
    }

    /** A float argument; the script writes non-finite values as the strings "inf", "-inf" and "nan". */
    private static float f(Map<String, Object> args, String key) {
        Object v = args.get(key);
        if (v instanceof String s) {
            return switch (s) {
                case "inf" -> Float.POSITIVE_INFINITY;
                case "-inf" -> Float.NEGATIVE_INFINITY;
                case "nan" -> Float.NaN;
                default -> throw new IllegalArgumentException("argument " + key + " = '" + s + "'");
            };
        }
        return ((Number) v).floatValue();
    }

    /** The "dims" argument: null means all dimensions (an empty axis list). */
    private static int[] dims(Map<String, Object> args) {
        return args.get("dims") == null ? new int[0] : intList(args, "dims");
    }

    @SuppressWarnings("unchecked")
    private static int[] intList(Map<String, Object> args, String key) {
        return ((List<Object>) args.get(key)).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
    }
}
