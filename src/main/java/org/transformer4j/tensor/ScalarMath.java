package org.transformer4j.tensor;

/**
 * Double-precision reference functions for the scalar kernels. Java has no erf, so it is computed here:
 * a Taylor series near 0 and a continued fraction for erfc in the tails, accurate to about 1e-15.
 */
public final class ScalarMath {
    private ScalarMath() {
    }

    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;
    private static final double SQRT_2 = 1.4142135623730951;
    private static final double INV_SQRT_2PI = 0.3989422804014327;
    private static final double SQRT_2_OVER_PI = 0.7978845608028654;
    private static final double GELU_TANH_C = 0.044715;

    /** The error function. */
    public static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double ax = Math.abs(x);
        if (ax < 2.5) {
            // erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1))
            double x2 = x * x;
            double term = x;
            double sum = x;
            for (int n = 1; n < 100; n++) {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
                    break;
                }
            }
            return TWO_OVER_SQRT_PI * sum;
        }
        double r = ax >= 27 ? 1.0 : 1.0 - erfcTail(ax);
        return x < 0 ? -r : r;
    }

    /** erfc(x) for x >= 2.5 by its continued fraction, evaluated from the bottom up. */
    private static double erfcTail(double x) {
        // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
        double f = x;
        for (int k = 120; k >= 1; k--) {
            f = x + (k / 2.0) / f;
        }
        return StrictMath.exp(-x * x) / Math.sqrt(Math.PI) / f;
    }

    /** GELU with the exact Gaussian CDF. */
    public static double gelu(double x) {
        return 0.5 * x * (1.0 + erf(x / SQRT_2));
    }

    /** Derivative of {@link #gelu}. */
    public static double geluGrad(double x) {
        return 0.5 * (1.0 + erf(x / SQRT_2)) + x * INV_SQRT_2PI * StrictMath.exp(-0.5 * x * x);
    }

    /** GELU, tanh approximation. */
    public static double geluTanh(double x) {
        return 0.5 * x * (1.0 + StrictMath.tanh(SQRT_2_OVER_PI * (x + GELU_TANH_C * x * x * x)));
    }

    /** Derivative of {@link #geluTanh}. */
    public static double geluTanhGrad(double x) {
        double t = StrictMath.tanh(SQRT_2_OVER_PI * (x + GELU_TANH_C * x * x * x));
        return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_TANH_C * x * x);
    }

    /** The logistic sigmoid. */
    public static double sigmoid(double x) {
        return x >= 0 ? 1.0 / (1.0 + StrictMath.exp(-x)) : StrictMath.exp(x) / (1.0 + StrictMath.exp(x));
    }

    /** f(x) for each unary op, in double. */
    public static double unary(UnaryOp op, double x) {
        return switch (op) {
            case NEG -> -x;
            case EXP -> StrictMath.exp(x);
            case LOG -> StrictMath.log(x);
            case SQRT -> StrictMath.sqrt(x);
            case RSQRT -> 1.0 / StrictMath.sqrt(x);
            case TANH -> StrictMath.tanh(x);
            case RELU -> x > 0 ? x : (Double.isNaN(x) ? x : 0.0);
            case GELU -> gelu(x);
            case GELU_TANH -> geluTanh(x);
            case SILU -> x * sigmoid(x);
            case SIGMOID -> sigmoid(x);
            case ABS -> Math.abs(x);
        };
    }

    /** f'(x) for each unary op, in double. */
    public static double unaryGrad(UnaryOp op, double x) {
        return switch (op) {
            case NEG -> -1.0;
            case EXP -> StrictMath.exp(x);
            case LOG -> 1.0 / x;
            case SQRT -> 0.5 / StrictMath.sqrt(x);
            case RSQRT -> -0.5 / (x * StrictMath.sqrt(x));
            case TANH -> {
                double t = StrictMath.tanh(x);
                yield 1.0 - t * t;
            }
            case RELU -> x > 0 ? 1.0 : 0.0;
            case GELU -> geluGrad(x);
            case GELU_TANH -> geluTanhGrad(x);
            case SILU -> {
                double s = sigmoid(x);
                yield s * (1.0 + x * (1.0 - s));
            }
            case SIGMOID -> {
                double s = sigmoid(x);
                yield s * (1.0 - s);
            }
            case ABS -> x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0);
        };
    }

    /** op(a, b) for each binary op, in double. */
    public static double binary(BinaryOp op, double a, double b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case POW -> StrictMath.pow(a, b);
            case MAXIMUM -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b);
            case MINIMUM -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.min(a, b);
            case EQ -> a == b ? 1 : 0;
            case NE -> a != b ? 1 : 0;
            case GT -> a > b ? 1 : 0;
            case GE -> a >= b ? 1 : 0;
            case LT -> a < b ? 1 : 0;
            case LE -> a <= b ? 1 : 0;
        };
    }
}
