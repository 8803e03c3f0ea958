package org.transformer4j.tensor;

import java.util.Arrays;

/**
 * A float32 N-dimensional array: flat storage with an offset and strides, so reshape, permute, narrow
 * and expand are views that copy nothing. Tensors are immutable values from the outside: every op
 * returns a new tensor (a view or fresh storage). No gradients here; see the autograd package.
 *
 * <pre>{@code
 * Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3); // (2, 3)
 * Tensor y = x.transpose(0, 1).matmul(x);                      // (3, 3), no copy for the transpose
 * }</pre>
 *
 * Each tensor carries the {@link Kernels} that compute on it (like a device); results inherit the
 * kernels of their first operand.
 */
public final class Tensor {
    final Kernels kernels;
    final float[] data;
    final int offset;
    final int[] shape;
    final int[] strides;
    private final int size;

    Tensor(Kernels kernels, float[] data, int offset, int[] shape, int[] strides) {
        this.kernels = kernels;
        this.data = data;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
        this.size = Shapes.size(shape);
    }

    // ---------------------------------------------------------------- factories

    /** A tensor over a copy of {@code values} with the given shape (default kernels). */
    public static Tensor of(float[] values, int... shape) {
        return wrap(Kernels.defaults(), values.clone(), shape);
    }

    /** A tensor that uses {@code storage} itself (no copy) as its dense row-major storage. */
    public static Tensor wrap(Kernels kernels, float[] storage, int... shape) {
        int[] s = shape.clone();
        int n = Shapes.size(s);
        if (storage.length != n) {
            throw new IllegalArgumentException("storage has " + storage.length + " values but shape "
                    + Shapes.str(s) + " needs " + n);
        }
        return new Tensor(kernels, storage, 0, s, Shapes.contiguousStrides(s));
    }

    /** A rank-0 tensor holding one value. */
    public static Tensor scalar(float value) {
        return wrap(Kernels.defaults(), new float[] {value});
    }

    /** Zeros of the given shape. */
    public static Tensor zeros(int... shape) {
        return zeros(Kernels.defaults(), shape);
    }

    /** Zeros of the given shape on the given kernels. */
    public static Tensor zeros(Kernels kernels, int... shape) {
        return wrap(kernels, new float[Shapes.size(shape)], shape);
    }

    /** Ones of the given shape. */
    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    /** A tensor filled with {@code value}. */
    public static Tensor full(float value, int... shape) {
        Tensor t = zeros(shape);
        t.kernels.fill(t.data, 0, t.size, value);
        return t;
    }

    /** 0, 1, ..., n-1. */
    public static Tensor arange(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        return wrap(Kernels.defaults(), v, n);
    }

    /** Uniform in [low, high). */
    public static Tensor rand(Rng rng, float low, float high, int... shape) {
        float[] v = new float[Shapes.size(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = low + (high - low) * rng.nextFloat();
        }
        return wrap(Kernels.defaults(), v, shape);
    }

    /** Normal with the given mean and standard deviation. */
    public static Tensor randn(Rng rng, float mean, float std, int... shape) {
        float[] v = new float[Shapes.size(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (mean + std * rng.nextGaussian());
        }
        return wrap(Kernels.defaults(), v, shape);
    }

    /** The same values computed by other kernels (shares storage). */
    public Tensor withKernels(Kernels k) {
        return new Tensor(k, data, offset, shape, strides);
    }

    // ---------------------------------------------------------------- accessors

    /** The kernels that compute on this tensor. */
    public Kernels kernels() {
        return kernels;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** The size of one dimension; negative axes count from the end. */
    public int dim(int axis) {
        return shape[Shapes.axis(axis, shape.length, shape)];
    }

    /** The number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** The number of elements. */
    public int size() {
        return size;
    }

    /** A copy of the strides (in elements). */
    public int[] strides() {
        return strides.clone();
    }

    /** Whether the elements are dense and in row-major order, starting at the offset. */
    public boolean isContiguous() {
        int expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    /** The value at the given index. */
    public float get(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index " + Arrays.toString(index) + " has " + index.length
                    + " coordinates but the tensor has shape " + Shapes.str(shape));
        }
        int pos = offset;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IllegalArgumentException("index " + Arrays.toString(index) + " out of bounds for shape "
                        + Shapes.str(shape));
            }
            pos += index[i] * strides[i];
        }
        return data[pos];
    }

    /** The single value of a one-element tensor. */
    public float item() {
        if (size != 1) {
            throw new IllegalArgumentException("item() needs exactly one element, shape is " + Shapes.str(shape));
        }
        return data[offset];
    }

    /** The elements in row-major order, as a new array. */
    public float[] toArray() {
        Tensor c = contiguous();
        return Arrays.copyOfRange(c.data, c.offset, c.offset + size);
    }

    /** The elements rounded to ints, in row-major order (for index tensors such as argmax). */
    public int[] toIntArray() {
        float[] v = toArray();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.round(v[i]);
        }
        return out;
    }

    @Override
    public String toString() {
        float[] v = toArray();
        int shown = Math.min(v.length, 8);
        StringBuilder sb = new StringBuilder("Tensor").append(Shapes.str(shape)).append(" [");
        for (int i = 0; i < shown; i++) {
            sb.append(i == 0 ? "" : ", ").append(v[i]);
        }
        return sb.append(v.length > shown ? ", ...]" : "]").toString();
    }

    // ---------------------------------------------------------------- views

    /** A dense copy unless the tensor already is dense and row-major. */
    public Tensor contiguous() {
        if (isContiguous()) {
            return this;
        }
        Tensor out = zeros(kernels, shape);
        Copies.copyInto(this, out);
        return out;
    }

    /**
     * Writes the values of src into this tensor's storage, in place (loading weights, optimizer
     * steps). Shapes must match; every view that shares the storage sees the new values.
     */
    public Tensor assign(Tensor src) {
        if (!Arrays.equals(shape, src.shape)) {
            throw new IllegalArgumentException("assign: source shape " + Shapes.str(src.shape)
                    + " does not match " + Shapes.str(shape));
        }
        for (int s : strides) {
            if (s == 0 && size > 1) {
                throw new IllegalArgumentException("assign: cannot write into a broadcast (expanded) view "
                        + Shapes.str(shape));
            }
        }
        Copies.copyInto(src, this);
        return this;
    }

    /** The same elements with a new shape (one entry may be -1); a view when the tensor is contiguous. */
    public Tensor reshape(int... newShape) {
        int[] s = inferShape(newShape);
        Tensor c = contiguous();
        return new Tensor(kernels, c.data, c.offset, s, Shapes.contiguousStrides(s));
    }

    private int[] inferShape(int[] newShape) {
        int[] s = newShape.clone();
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (unknown >= 0) {
                    throw new IllegalArgumentException("reshape " + Arrays.toString(newShape) + ": only one -1 allowed");
                }
                unknown = i;
            } else if (s[i] < 0) {
                throw new IllegalArgumentException("reshape " + Arrays.toString(newShape) + ": negative size " + s[i]);
            } else {
                known *= s[i];
            }
        }
        if (unknown >= 0) {
            if (known == 0 || size % known != 0) {
                throw new IllegalArgumentException("cannot reshape " + Shapes.str(shape) + " (" + size
                        + " elements) to " + Arrays.toString(newShape));
            }
            s[unknown] = (int) (size / known);
        } else if (known != size) {
            throw new IllegalArgumentException("cannot reshape " + Shapes.str(shape) + " (" + size
                    + " elements) to " + Shapes.str(s) + " (" + known + " elements)");
        }
        return s;
    }

    /** Reorders the dimensions (a view). */
    public Tensor permute(int... order) {
        if (order.length != shape.length) {
            throw new IllegalArgumentException("permute " + Arrays.toString(order) + " needs " + shape.length
                    + " axes for shape " + Shapes.str(shape));
        }
        int[] s = new int[order.length];
        int[] st = new int[order.length];
        boolean[] seen = new boolean[order.length];
        for (int i = 0; i < order.length; i++) {
            int a = Shapes.axis(order[i], shape.length, shape);
            if (seen[a]) {
                throw new IllegalArgumentException("permute " + Arrays.toString(order) + " repeats axis " + a);
            }
            seen[a] = true;
            s[i] = shape[a];
            st[i] = strides[a];
        }
        return new Tensor(kernels, data, offset, s, st);
    }

    /** Swaps two dimensions (a view). */
    public Tensor transpose(int axis0, int axis1) {
        int a = Shapes.axis(axis0, shape.length, shape);
        int b = Shapes.axis(axis1, shape.length, shape);
        int[] order = new int[shape.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        order[a] = b;
        order[b] = a;
        return permute(order);
    }

    /** Elements start .. start+length-1 along an axis (a view). */
    public Tensor narrow(int axis, int start, int length) {
        int a = Shapes.axis(axis, shape.length, shape);
        if (start < 0 || length < 0 || (long) start + length > shape[a]) {
            throw new IllegalArgumentException("narrow(axis " + axis + ", start " + start + ", length " + length
                    + ") out of range for shape " + Shapes.str(shape));
        }
        int[] s = shape.clone();
        s[a] = length;
        return new Tensor(kernels, data, offset + start * strides[a], s, strides);
    }

    /** Elements start (inclusive) to end (exclusive) along an axis; negative bounds count from the end. */
    public Tensor slice(int axis, int start, int end) {
        int a = Shapes.axis(axis, shape.length, shape);
        int n = shape[a];
        int s0 = start < 0 ? start + n : start;
        int e0 = end < 0 ? end + n : end;
        if (s0 < 0 || e0 > n || s0 > e0) {
            throw new IllegalArgumentException("slice(axis " + axis + ", " + start + ", " + end
                    + ") out of range for shape " + Shapes.str(shape));
        }
        return narrow(a, s0, e0 - s0);
    }

    /** The sub-tensor at one index of an axis, with that axis removed (a view). */
    public Tensor select(int axis, int index) {
        int a = Shapes.axis(axis, shape.length, shape);
        if (index < 0 || index >= shape[a]) {
            throw new IllegalArgumentException("select(axis " + axis + ", index " + index
                    + ") out of range for shape " + Shapes.str(shape));
        }
        return new Tensor(kernels, data, offset + index * strides[a], remove(shape, a), remove(strides, a));
    }

    /** Inserts a dimension of size 1 (a view). */
    public Tensor unsqueeze(int axis) {
        int a = Shapes.axis(axis, shape.length + 1, shape);
        int[] s = new int[shape.length + 1];
        int[] st = new int[shape.length + 1];
        for (int i = 0, j = 0; i < s.length; i++) {
            if (i == a) {
                s[i] = 1;
                st[i] = j < shape.length ? strides[j] * shape[j] : 1;
            } else {
                s[i] = shape[j];
                st[i] = strides[j];
                j++;
            }
        }
        return new Tensor(kernels, data, offset, s, st);
    }

    /** Removes a dimension of size 1 (a view). */
    public Tensor squeeze(int axis) {
        int a = Shapes.axis(axis, shape.length, shape);
        if (shape[a] != 1) {
            throw new IllegalArgumentException("squeeze(axis " + axis + "): size is " + shape[a]
                    + ", not 1, in shape " + Shapes.str(shape));
        }
        return new Tensor(kernels, data, offset, remove(shape, a), remove(strides, a));
    }

    /** Broadcasts to a larger shape by giving size-1 (or new leading) dimensions stride 0 (a view). */
    public Tensor expand(int... newShape) {
        if (newShape.length < shape.length) {
            throw new IllegalArgumentException("cannot expand " + Shapes.str(shape) + " to fewer dimensions "
                    + Shapes.str(newShape));
        }
        int lead = newShape.length - shape.length;
        int[] st = new int[newShape.length];
        for (int i = 0; i < newShape.length; i++) {
            if (i < lead) {
                st[i] = 0;
                continue;
            }
            int d = shape[i - lead];
            if (d == newShape[i]) {
                st[i] = strides[i - lead];
            } else if (d == 1) {
                st[i] = 0;
            } else {
                throw new IllegalArgumentException("cannot expand " + Shapes.str(shape) + " to "
                        + Shapes.str(newShape) + " (dimension " + i + ": " + d + " vs " + newShape[i] + ")");
            }
        }
        Shapes.size(newShape);
        return new Tensor(kernels, data, offset, newShape.clone(), st);
    }

    private static int[] remove(int[] a, int i) {
        int[] r = new int[a.length - 1];
        System.arraycopy(a, 0, r, 0, i);
        System.arraycopy(a, i + 1, r, i, a.length - i - 1);
        return r;
    }

    // ---------------------------------------------------------------- elementwise

    /** this + other with broadcasting. */
    public Tensor add(Tensor other) {
        return Elementwise.binary(BinaryOp.ADD, this, other);
    }

    /** this - other with broadcasting. */
    public Tensor sub(Tensor other) {
        return Elementwise.binary(BinaryOp.SUB, this, other);
    }

    /** this * other with broadcasting. */
    public Tensor mul(Tensor other) {
        return Elementwise.binary(BinaryOp.MUL, this, other);
    }

    /** this / other with broadcasting. */
    public Tensor div(Tensor other) {
        return Elementwise.binary(BinaryOp.DIV, this, other);
    }

    /** this ^ other with broadcasting. */
    public Tensor pow(Tensor other) {
        return Elementwise.binary(BinaryOp.POW, this, other);
    }

    /** Any binary op with broadcasting. */
    public Tensor apply(BinaryOp op, Tensor other) {
        return Elementwise.binary(op, this, other);
    }

    /** this + c. */
    public Tensor add(float c) {
        return add(constant(c));
    }

    /** this * c. */
    public Tensor mul(float c) {
        return mul(constant(c));
    }

    /** this ^ c. */
    public Tensor pow(float c) {
        return pow(constant(c));
    }

    /** A rank-0 tensor on the same kernels. */
    public Tensor constant(float c) {
        return wrap(kernels, new float[] {c});
    }

    /** Any unary op. */
    public Tensor apply(UnaryOp op) {
        return Elementwise.unary(op, this);
    }

    public Tensor neg() {
        return apply(UnaryOp.NEG);
    }

    public Tensor exp() {
        return apply(UnaryOp.EXP);
    }

    public Tensor log() {
        return apply(UnaryOp.LOG);
    }

    public Tensor sqrt() {
        return apply(UnaryOp.SQRT);
    }

    public Tensor rsqrt() {
        return apply(UnaryOp.RSQRT);
    }

    public Tensor tanh() {
        return apply(UnaryOp.TANH);
    }

    public Tensor relu() {
        return apply(UnaryOp.RELU);
    }

    /** GELU with the exact erf. */
    public Tensor gelu() {
        return apply(UnaryOp.GELU);
    }

    /** GELU with the tanh approximation. */
    public Tensor geluTanh() {
        return apply(UnaryOp.GELU_TANH);
    }

    public Tensor silu() {
        return apply(UnaryOp.SILU);
    }

    public Tensor sigmoid() {
        return apply(UnaryOp.SIGMOID);
    }

    /** cond != 0 ? a : b, broadcasting all three. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        return Elementwise.where(cond, a, b);
    }

    /** value where mask != 0, else this; the mask broadcasts to this shape. */
    public Tensor maskedFill(Tensor mask, float value) {
        Tensor out = Elementwise.where(mask, constant(value), this);
        if (!Arrays.equals(out.shape, shape)) {
            throw new IllegalArgumentException("maskedFill: mask " + Shapes.str(mask.shape)
                    + " must broadcast to the tensor's shape " + Shapes.str(shape));
        }
        return out;
    }

    // ---------------------------------------------------------------- reductions

    /** Sum over the given axes (all when none given). */
    public Tensor sum(boolean keepDim, int... axes) {
        return Reductions.reduce(ReduceOp.SUM, this, keepDim, axes);
    }

    /** Sum of all elements, as a rank-0 tensor. */
    public Tensor sum() {
        return sum(false);
    }

    /** Mean over the given axes (all when none given). */
    public Tensor mean(boolean keepDim, int... axes) {
        return Reductions.reduce(ReduceOp.MEAN, this, keepDim, axes);
    }

    /** Maximum over the given axes (all when none given). */
    public Tensor max(boolean keepDim, int... axes) {
        return Reductions.reduce(ReduceOp.MAX, this, keepDim, axes);
    }

    /** Minimum over the given axes (all when none given). */
    public Tensor min(boolean keepDim, int... axes) {
        return Reductions.reduce(ReduceOp.MIN, this, keepDim, axes);
    }

    /** Index of the first maximum along one axis, as float values. */
    public Tensor argmax(int axis, boolean keepDim) {
        return Reductions.reduce(ReduceOp.ARGMAX, this, keepDim, axis);
    }

    /** Variance over the given axes with a correction (1 = unbiased, as torch.var's default). */
    public Tensor var(int correction, boolean keepDim, int... axes) {
        return Reductions.variance(this, correction, keepDim, axes);
    }

    // ---------------------------------------------------------------- matrix and row ops

    /** Matrix product with torch.matmul semantics: batched, broadcasting batch dims, 1-D operands. */
    public Tensor matmul(Tensor other) {
        return MatMul.matmul(this, other);
    }

    /** Softmax along an axis. */
    public Tensor softmax(int axis) {
        return RowOps.softmax(this, axis, false);
    }

    /** Log-softmax along an axis. */
    public Tensor logSoftmax(int axis) {
        return RowOps.softmax(this, axis, true);
    }
}
