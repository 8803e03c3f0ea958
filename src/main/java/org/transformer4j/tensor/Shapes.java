package org.transformer4j.tensor;

import java.util.Arrays;

/** Shape arithmetic: sizes with overflow checks, axis normalisation, broadcasting. */
public final class Shapes {
    private Shapes() {
    }

    /** The number of elements of a shape; rejects negative sizes and totals beyond int range. */
    public static int size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape)
                        + " has more than " + Integer.MAX_VALUE + " elements");
            }
        }
        return (int) n;
    }

    /** Row-major (C order) strides of a shape. */
    public static int[] contiguousStrides(int[] shape) {
        int[] strides = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return strides;
    }

    /** Turns a possibly negative axis into 0..rank-1, or throws naming the axis and the shape. */
    public static int axis(int axis, int rank, int[] shapeForMessage) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException("axis " + axis + " out of range for shape "
                    + str(shapeForMessage) + " (rank " + rank + ")");
        }
        return a;
    }

    /** NumPy broadcasting of two shapes. */
    public static int[] broadcast(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i - (rank - a.length) >= 0 ? a[i - (rank - a.length)] : 1;
            int db = i - (rank - b.length) >= 0 ? b[i - (rank - b.length)] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + str(a) + " and "
                        + str(b) + " cannot be broadcast (dimension " + i + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** The shape left after reducing the given axes (all when none given), with or without keepdim. */
    public static int[] reduced(int[] shape, boolean keepDim, int... axes) {
        boolean[] r = new boolean[shape.length];
        if (axes.length == 0) {
            Arrays.fill(r, true);
        }
        for (int a : axes) {
            int n = axis(a, shape.length, shape);
            if (r[n]) {
                throw new IllegalArgumentException("axis " + a + " given twice for shape " + str(shape));
            }
            r[n] = true;
        }
        int count = 0;
        for (int i = 0; i < shape.length; i++) {
            count += keepDim || !r[i] ? 1 : 0;
        }
        int[] out = new int[count];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (!r[i]) {
                out[j++] = shape[i];
            } else if (keepDim) {
                out[j++] = 1;
            }
        }
        return out;
    }

    /** Formats a shape as (2, 3, 4). */
    public static String str(int[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return sb.append(shape.length == 1 ? ",)" : ")").toString();
    }
}
