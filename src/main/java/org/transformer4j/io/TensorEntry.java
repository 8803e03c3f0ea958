package org.transformer4j.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor of a safetensors header: its name, dtype, shape and the bytes {@code [begin, end)} it occupies,
 * counted from the start of the data section (after the 8-byte length and the header), as the format does.
 *
 * <p>Entries come from {@link SafeTensorsFile}, which has already checked that the byte span matches the
 * dtype and shape, so {@link #elementCount()} cannot overflow.
 */
public record TensorEntry(String name, DType dtype, long[] shape, long begin, long end) {

    /** Checks the invariants a validated header guarantees. */
    public TensorEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "': negative dimension in shape "
                        + Arrays.toString(shape));
            }
        }
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("tensor '" + name + "': bad data_offsets [" + begin + ", " + end + "]");
        }
    }

    /** The shape (a copy); dimensions may exceed int range, see {@link #intShape()}. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** The number of elements (1 for a scalar). */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** The number of bytes of data, {@code end - begin}. */
    public long byteSize() {
        return end - begin;
    }

    /** The shape as ints, for a {@code Tensor}; throws when a dimension exceeds int range. */
    public int[] intShape() {
        int[] s = new int[shape.length];
        for (int i = 0; i < s.length; i++) {
            if (shape[i] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("tensor " + SafeTensorsException.quoted(name) + ": dimension "
                        + shape[i] + " of shape " + shapeString() + " does not fit in an int");
            }
            s[i] = (int) shape[i];
        }
        return s;
    }

    /** The shape as Python prints it: {@code ()}, {@code (5,)}, {@code (2, 3)}. */
    public String shapeString() {
        return shapeString(shape);
    }

    static String shapeString(long[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return sb.append(shape.length == 1 ? ",)" : ")").toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorEntry e && name.equals(e.name) && dtype == e.dtype
                && Arrays.equals(shape, e.shape) && begin == e.begin && end == e.end;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), begin, end);
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + shapeString() + " [" + begin + ", " + end + ")";
    }
}
