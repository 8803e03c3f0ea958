package org.transformer4j.tensor;

import java.util.Arrays;

/** Strided copies: making views dense and writing into parts of a tensor. */
final class Copies {
    private Copies() {
    }

    /** Writes the values of src into dst (same shape; dst may be any strided view that does not overlap itself). */
    static void copyInto(Tensor src, Tensor dst) {
        if (!Arrays.equals(src.shape, dst.shape)) {
            throw new IllegalArgumentException("copy: shape " + Shapes.str(src.shape) + " into "
                    + Shapes.str(dst.shape));
        }
        if (src.size() == 0) {
            return;
        }
        Layout l = Layout.plan(dst.shape, src.strides, dst.strides);
        int outer = l.outerCount();
        for (int b = 0; b < outer; b++) {
            dst.kernels.copy2d(l.rows(), l.cols(), src.data, src.offset + l.outerOffset(0, b), l.rowStride(0),
                    l.colStride(0), dst.data, dst.offset + l.outerOffset(1, b), l.rowStride(1), l.colStride(1));
        }
    }
}
