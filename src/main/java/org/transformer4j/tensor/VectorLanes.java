package org.transformer4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Small helpers shared by the Vector API kernels: tail masks, strided loads and horizontal sums and
 * maxima in a fixed lane order (not {@code reduceLanes}, whose order may differ between the
 * interpreter and compiled code), so results are bit-identical from run to run.
 */
final class VectorLanes {
    private VectorLanes() {
    }

    static final VectorSpecies<Float> S = VectorMath.S;
    static final int L = S.length();
    private static final VectorShuffle<Float>[] HALVES = halves();

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] halves() {
        int steps = Integer.numberOfTrailingZeros(L);
        VectorShuffle<Float>[] out = new VectorShuffle[steps];
        for (int s = 0; s < steps; s++) {
            int half = L >> (s + 1);
            out[s] = VectorShuffle.fromOp(S, i -> (i + half) % L);
        }
        return out;
    }

    /** Mask of the lanes i..n-1 of a vector starting at i. */
    static VectorMask<Float> tail(int i, int n) {
        return S.indexInRange(i, n);
    }

    /** Loads lanes from a[off + i ...] (stride 1) or broadcasts a[off] (stride 0). */
    static FloatVector load(float[] a, int off, int stride, int i, VectorMask<Float> m) {
        return stride == 0 ? FloatVector.broadcast(S, a[off]) : FloatVector.fromArray(S, a, off + i, m);
    }

    /** Sum of all lanes, adding halves in a fixed order. */
    static float sum(FloatVector v) {
        for (VectorShuffle<Float> h : HALVES) {
            v = v.add(v.rearrange(h));
        }
        return v.lane(0);
    }

    /** Maximum of all lanes (NaN if any lane is NaN). */
    static float max(FloatVector v) {
        for (VectorShuffle<Float> h : HALVES) {
            v = v.max(v.rearrange(h));
        }
        return v.lane(0);
    }

    /** Minimum of all lanes (NaN if any lane is NaN). */
    static float min(FloatVector v) {
        for (VectorShuffle<Float> h : HALVES) {
            v = v.min(v.rearrange(h));
        }
        return v.lane(0);
    }

    /** Sum of x[off .. off+n). */
    static float sum(float[] x, int off, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            acc = acc.add(FloatVector.fromArray(S, x, off + i));
        }
        if (i < n) {
            acc = acc.add(FloatVector.fromArray(S, x, off + i, tail(i, n)));
        }
        return sum(acc);
    }

    /** Maximum of x[off .. off+n), n >= 1. */
    static float max(float[] x, int off, int n) {
        FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            acc = acc.max(FloatVector.fromArray(S, x, off + i));
        }
        if (i < n) {
            acc = acc.max(FloatVector.fromArray(S, x, off + i, tail(i, n))
                    .blend(Float.NEGATIVE_INFINITY, tail(i, n).not()));
        }
        return max(acc);
    }

    /** Minimum of x[off .. off+n), n >= 1. */
    static float min(float[] x, int off, int n) {
        FloatVector acc = FloatVector.broadcast(S, Float.POSITIVE_INFINITY);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            acc = acc.min(FloatVector.fromArray(S, x, off + i));
        }
        if (i < n) {
            acc = acc.min(FloatVector.fromArray(S, x, off + i, tail(i, n))
                    .blend(Float.POSITIVE_INFINITY, tail(i, n).not()));
        }
        return min(acc);
    }

    /** Index of the first lane equal to target (or the first NaN when target is NaN) in x[off .. off+n). */
    static int indexOf(float[] x, int off, int n, float target) {
        boolean nan = Float.isNaN(target);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = tail(i, n);
            FloatVector v = FloatVector.fromArray(S, x, off + i, m);
            VectorMask<Float> hit = (nan ? v.test(VectorOperators.IS_NAN) : v.eq(target)).and(m);
            if (hit.anyTrue()) {
                return i + hit.firstTrue();
            }
        }
        return -1;
    }

    /** Sum of (x - mean)^2 over x[off .. off+n). */
    static float sumSquaredDeviation(float[] x, int off, int n, float mean) {
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = tail(i, n);
            FloatVector d = FloatVector.fromArray(S, x, off + i, m).sub(mean).blend(0f, m.not());
            acc = d.fma(d, acc);
        }
        return sum(acc);
    }
}
