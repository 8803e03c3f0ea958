package org.transformer4j.tensor;

/**
 * The joint iteration plan of an output shape and operands broadcast to it: size-1 dimensions dropped
 * and neighbouring dimensions merged where every operand allows it, so kernels see as few, as long
 * rows as possible. The last two planned dimensions go to a 2-D kernel; outer ones are looped here.
 */
final class Layout {
    final int[] shape;       // planned shape, rank >= 2 (leading 1s added)
    final int[][] strides;   // per operand, per planned dimension (0 where broadcast)

    private Layout(int[] shape, int[][] strides) {
        this.shape = shape;
        this.strides = strides;
    }

    /** Strides of t broadcast to outShape (0 on broadcast dimensions). */
    static int[] broadcastStrides(Tensor t, int[] outShape) {
        int lead = outShape.length - t.shape.length;
        int[] st = new int[outShape.length];
        for (int i = lead; i < outShape.length; i++) {
            st[i] = t.shape[i - lead] == 1 && outShape[i] != 1 ? 0 : t.strides[i - lead];
        }
        return st;
    }

    /** Plans iteration of outShape with the given per-operand (already broadcast) strides. */
    static Layout plan(int[] outShape, int[]... operandStrides) {
        int n = operandStrides.length;
        int[] shp = new int[outShape.length];
        int[][] st = new int[n][outShape.length];
        int rank = 0;
        for (int d = 0; d < outShape.length; d++) {
            if (outShape[d] == 1) {
                continue; // size-1 dims do not move through memory
            }
            if (rank > 0 && mergeable(st, operandStrides, rank - 1, d, outShape[d])) {
                shp[rank - 1] *= outShape[d];
                for (int o = 0; o < n; o++) {
                    st[o][rank - 1] = operandStrides[o][d];
                }
                continue;
            }
            shp[rank] = outShape[d];
            for (int o = 0; o < n; o++) {
                st[o][rank] = operandStrides[o][d];
            }
            rank++;
        }
        int r = Math.max(rank, 2);
        int pad = r - rank;
        int[] finalShape = new int[r];
        int[][] finalStrides = new int[n][r];
        for (int i = 0; i < pad; i++) {
            finalShape[i] = 1;
        }
        System.arraycopy(shp, 0, finalShape, pad, rank);
        for (int o = 0; o < n; o++) {
            System.arraycopy(st[o], 0, finalStrides[o], pad, rank);
        }
        return new Layout(finalShape, finalStrides);
    }

    /** Dim d can merge into planned dim p when every operand steps through d then p as one run. */
    private static boolean mergeable(int[][] planned, int[][] original, int p, int d, int sizeD) {
        for (int o = 0; o < planned.length; o++) {
            if ((long) planned[o][p] != (long) original[o][d] * sizeD) {
                return false;
            }
        }
        return true;
    }

    int rank() {
        return shape.length;
    }

    int rows() {
        return shape[shape.length - 2];
    }

    int cols() {
        return shape[shape.length - 1];
    }

    /** Number of (rows, cols) blocks looped outside the kernel. */
    int outerCount() {
        int c = 1;
        for (int i = 0; i < shape.length - 2; i++) {
            c *= shape[i];
        }
        return c;
    }

    /** Offset of operand o for outer block index b. */
    int outerOffset(int o, int b) {
        int off = 0;
        for (int i = shape.length - 3; i >= 0; i--) {
            int idx = b % shape[i];
            b /= shape[i];
            off += idx * strides[o][i];
        }
        return off;
    }

    int rowStride(int o) {
        return strides[o][shape.length - 2];
    }

    int colStride(int o) {
        return strides[o][shape.length - 1];
    }
}
