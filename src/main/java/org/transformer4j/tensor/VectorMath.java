package org.transformer4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Transcendental functions on float vectors, built only from add, multiply, FMA, compare and bit
 * operations. The JDK's own vector EXP/LOG may use a native library when compiled and plain Java in the
 * interpreter, which can differ in the last bit; these give the same bits either way, so kernels stay
 * deterministic from run to run. Accuracy: about 2 ulp for exp and log, 2e-7 absolute for erf.
 */
final class VectorMath {
    private VectorMath() {
    }

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;        // ln 2 split in two for exact n*ln2
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUND_MAGIC = 12582912f;      // 1.5 * 2^23: adding it rounds to an integer
    private static final float EXP_MAX = 88.7228317f;        // above: +inf
    private static final float EXP_MIN = -103.972084f;       // below: 0; above it subnormal results are kept
    private static final float LN2 = 0.693147180559945f;
    private static final float SQRT2 = 1.41421356237f;
    private static final float SQRT_HALF = 0.70710678118654752f;
    private static final float INV_SQRT_2PI = 0.3989422804014327f;
    private static final float SQRT_2_OVER_PI = 0.7978845608028654f;
    private static final float GELU_TANH_C = 0.044715f;

    /** a * b + c with one rounding. */
    static FloatVector fma(FloatVector a, FloatVector b, float c) {
        return a.fma(b, FloatVector.broadcast(S, c));
    }

    /** a * b + c with one rounding. */
    static FloatVector fma(FloatVector a, float b, float c) {
        return a.fma(FloatVector.broadcast(S, b), FloatVector.broadcast(S, c));
    }

    /** a * b + c with one rounding. */
    static FloatVector fma(FloatVector a, float b, FloatVector c) {
        return a.fma(FloatVector.broadcast(S, b), c);
    }

    /** exp(x): x = n ln2 + r with |r| <= ln2/2, exp(r) by its Taylor polynomial of degree 7, times 2^n. */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(EXP_MIN).min(EXP_MAX);
        FloatVector n = xc.mul(LOG2E).add(ROUND_MAGIC).sub(ROUND_MAGIC);
        FloatVector r = fma(n, -LN2_HI, xc).add(n.mul(-LN2_LO));
        FloatVector p = fma(r, 1f / 5040f, 1f / 720f);
        p = fma(p, r, 1f / 120f);
        p = fma(p, r, 1f / 24f);
        p = fma(p, r, 1f / 6f);
        p = fma(p, r, 0.5f);
        p = fma(p, r, 1f);
        p = fma(p, r, 1f);
        // 2^n as two factors 2^h * 2^(n-h), each a normal float for every n in [-150, 128].
        IntVector ni = (IntVector) n.convert(VectorOperators.F2I, 0);
        IntVector h = ni.lanewise(VectorOperators.ASHR, 1);
        FloatVector s1 = (FloatVector) h.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = (FloatVector) ni.sub(h).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector y = p.mul(s1).mul(s2);
        y = y.blend(0f, x.lt(EXP_MIN));
        y = y.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, EXP_MAX));
        return y.blend(x, x.test(VectorOperators.IS_NAN));
    }

    /** log(x): x = m 2^e with m in [sqrt(1/2), sqrt 2), log m = 2 atanh(s), s = (m-1)/(m+1), by its series. */
    static FloatVector log(FloatVector x) {
        // Subnormal inputs are scaled into the normal range first.
        VectorMask<Float> tiny = x.lt(Float.MIN_NORMAL);
        FloatVector xs = x.blend(x.mul(8388608f), tiny);  // 2^23
        IntVector bits = (IntVector) xs.reinterpretAsInts();
        IntVector e = bits.lanewise(VectorOperators.LSHR, 23).and(0xff).sub(127);
        FloatVector m = (FloatVector) bits.and(0x007fffff).or(0x3f800000).reinterpretAsFloats();
        VectorMask<Float> big = m.compare(VectorOperators.GT, SQRT2);
        m = m.blend(m.mul(0.5f), big);
        FloatVector ef = (FloatVector) e.convert(VectorOperators.I2F, 0);
        ef = ef.blend(ef.add(1f), big);
        ef = ef.blend(ef.sub(23f), tiny);
        FloatVector s = m.sub(1f).div(m.add(1f));
        FloatVector s2 = s.mul(s);
        FloatVector p = fma(s2, 1f / 9f, 1f / 7f);
        p = fma(p, s2, 1f / 5f);
        p = fma(p, s2, 1f / 3f);
        p = fma(p, s2, 1f);
        FloatVector y = fma(ef, LN2, s.mul(p).mul(2f));
        y = y.blend(Float.NEGATIVE_INFINITY, x.eq(0f));
        y = y.blend(Float.NaN, x.lt(0f));
        y = y.blend(Float.POSITIVE_INFINITY, x.eq(Float.POSITIVE_INFINITY));
        return y.blend(x, x.test(VectorOperators.IS_NAN));
    }

    /** tanh: an odd Taylor polynomial for |x| < 0.35 (no cancellation), (1 - e)/(1 + e) with e = exp(-2|x|) above. */
    static FloatVector tanh(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector e = exp(ax.mul(-2f));
        FloatVector big = FloatVector.broadcast(S, 1f).sub(e).div(e.add(1f));
        big = big.blend(big.neg(), x.lt(0f));
        FloatVector x2 = x.mul(x);
        FloatVector p = fma(x2, -1382f / 155925f, 62f / 2835f);
        p = fma(p, x2, -17f / 315f);
        p = fma(p, x2, 2f / 15f);
        p = fma(p, x2, -1f / 3f);
        p = fma(p, x2, 1f);
        FloatVector small = p.mul(x);
        return big.blend(small, ax.lt(0.35f));
    }

    /** The logistic sigmoid 1/(1 + exp(-x)). */
    static FloatVector sigmoid(FloatVector x) {
        return FloatVector.broadcast(S, 1f).div(exp(x.neg()).add(1f));
    }

    /**
     * erf by Abramowitz and Stegun 7.1.26: 1 - (a1 t + ... + a5 t^5) exp(-x^2), t = 1/(1 + p|x|),
     * absolute error below 1.5e-7.
     */
    static FloatVector erf(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector t = FloatVector.broadcast(S, 1f).div(fma(ax, 0.3275911f, 1f));
        FloatVector poly = fma(t, 1.061405429f, -1.453152027f);
        poly = fma(poly, t, 1.421413741f);
        poly = fma(poly, t, -0.284496736f);
        poly = fma(poly, t, 0.254829592f);
        poly = poly.mul(t);
        FloatVector y = FloatVector.broadcast(S, 1f).sub(poly.mul(exp(ax.mul(ax).neg())));
        y = y.blend(y.neg(), x.lt(0f));
        return y.blend(x, x.test(VectorOperators.IS_NAN));
    }

    /** f(x) of each unary op. */
    static FloatVector unary(UnaryOp op, FloatVector x) {
        return switch (op) {
            case NEG -> x.neg();
            case EXP -> exp(x);
            case LOG -> log(x);
            case SQRT -> x.sqrt();
            case RSQRT -> FloatVector.broadcast(S, 1f).div(x.sqrt());
            case TANH -> tanh(x);
            case RELU -> x.blend(0f, x.compare(VectorOperators.LE, 0f)); // keeps NaN, as max(x, 0) in PyTorch
            case GELU -> x.mul(0.5f).mul(erf(x.mul(SQRT_HALF)).add(1f));
            case GELU_TANH -> geluTanh(x);
            case SILU -> x.mul(sigmoid(x));
            case SIGMOID -> sigmoid(x);
            case ABS -> x.abs();
        };
    }

    /** f'(x) of each unary op. */
    static FloatVector unaryGrad(UnaryOp op, FloatVector x) {
        return switch (op) {
            case NEG -> FloatVector.broadcast(S, -1f);
            case EXP -> exp(x);
            case LOG -> FloatVector.broadcast(S, 1f).div(x);
            case SQRT -> FloatVector.broadcast(S, 0.5f).div(x.sqrt());
            case RSQRT -> FloatVector.broadcast(S, -0.5f).div(x.mul(x.sqrt()));
            case TANH -> {
                FloatVector t = tanh(x);
                yield fma(t.neg(), t, 1f);
            }
            case RELU -> FloatVector.zero(S).blend(1f, x.compare(VectorOperators.GT, 0f));
            case GELU -> {
                FloatVector cdf = erf(x.mul(SQRT_HALF)).add(1f).mul(0.5f);
                FloatVector pdf = exp(x.mul(x).mul(-0.5f)).mul(INV_SQRT_2PI);
                yield x.fma(pdf, cdf);
            }
            case GELU_TANH -> geluTanhGrad(x);
            case SILU -> {
                FloatVector s = sigmoid(x);
                yield s.mul(x.mul(FloatVector.broadcast(S, 1f).sub(s)).add(1f));
            }
            case SIGMOID -> {
                FloatVector s = sigmoid(x);
                yield s.mul(FloatVector.broadcast(S, 1f).sub(s));
            }
            case ABS -> FloatVector.zero(S).blend(1f, x.compare(VectorOperators.GT, 0f))
                    .blend(-1f, x.lt(0f));
        };
    }

    /**
     * GELU with the tanh approximation (GPT-2's activation), as x sigmoid(2u) with u = sqrt(2/pi) (x + 0.044715 x^3),
     * which equals 0.5 x (1 + tanh u) and needs one exp and one division: small enough for C2 to keep the whole
     * loop in registers (the tanh form exceeds its inlining node limit).
     */
    static FloatVector geluTanh(FloatVector x) {
        return x.div(exp(geluTanhArg(x).mul(-2f)).add(1f));
    }

    /** The derivative of {@link #geluTanh}: s + 2 x s (1 - s) u' with s = sigmoid(2u). */
    static FloatVector geluTanhGrad(FloatVector x) {
        return geluTanhGrad(x, geluTanhExp(x));
    }

    /** exp(-2u), the costly half of {@link #geluTanhGrad}. */
    static FloatVector geluTanhExp(FloatVector x) {
        return exp(geluTanhArg(x).mul(-2f));
    }

    /** {@link #geluTanhGrad} given e = {@link #geluTanhExp}(x) (the training kernel runs the two halves as two loops). */
    static FloatVector geluTanhGrad(FloatVector x, FloatVector e) {
        FloatVector s = FloatVector.broadcast(S, 1f).div(e.add(1f));
        FloatVector du = fma(x.mul(x), 3f * GELU_TANH_C, 1f).mul(2f * SQRT_2_OVER_PI);
        return x.mul(du).mul(s.mul(FloatVector.broadcast(S, 1f).sub(s))).add(s);
    }

    private static FloatVector geluTanhArg(FloatVector x) {
        return fma(x.mul(x).mul(x), GELU_TANH_C, x).mul(SQRT_2_OVER_PI);
    }

    /** a^b: exp(b log a) for a > 0; lanes with a <= 0 or NaN fall back to StrictMath.pow per lane. */
    static FloatVector pow(FloatVector a, FloatVector b) {
        VectorMask<Float> simple = a.compare(VectorOperators.GT, 0f).and(a.lt(Float.POSITIVE_INFINITY));
        FloatVector y = exp(b.mul(log(a)));
        y = y.blend(1f, b.eq(0f));
        if (simple.allTrue()) {
            return y;
        }
        float[] av = a.toArray();
        float[] bv = b.toArray();
        float[] yv = y.toArray();
        for (int i = 0; i < av.length; i++) {
            if (!simple.laneIsSet(i)) {
                yv[i] = (float) StrictMath.pow(av[i], bv[i]);
            }
        }
        return FloatVector.fromArray(S, yv, 0);
    }
}
