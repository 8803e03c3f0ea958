package org.transformer4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import org.transformer4j.tensor.Tensor;

/**
 * The comparison used against every outside reference: |got - expected| <= tol * max |expected| over the
 * tensor (finite entries), and non-finite entries (inf, NaN) must agree exactly.
 */
public final class Approx {
    private Approx() {
    }

    /** Compares two tensors: shapes exactly, values within tol relative to the reference's magnitude. */
    public static void assertMatches(String what, Tensor expected, Tensor got, double tol) {
        assertEquals(Arrays.toString(expected.shape()), Arrays.toString(got.shape()), what + ": shape");
        assertClose(what, expected.toArray(), got.toArray(), tol, 0);
    }

    /**
     * Compares arrays with |got - expected| <= tol * max(floor, max |expected|); a floor of 1 judges small
     * references absolutely (scalar-vs-vector), a floor of 0 purely relatively (PyTorch fixtures).
     */
    public static void assertClose(String what, float[] expected, float[] got, double tol, double floor) {
        assertEquals(expected.length, got.length, what + ": length");
        double scale = floor;
        for (float v : expected) {
            if (Float.isFinite(v)) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        double bound = tol * Math.max(scale, 1e-30);
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i];
            boolean ok = Float.isFinite(e) ? Math.abs(e - got[i]) <= bound
                    : Float.compare(e, got[i]) == 0 || (Float.isNaN(e) && Float.isNaN(got[i]));
            if (!ok) {
                fail(what + ": element " + i + " expected " + e + " got " + got[i] + " (bound " + bound + ")");
            }
        }
    }
}
