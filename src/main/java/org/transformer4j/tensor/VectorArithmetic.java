package org.transformer4j.tensor;

import static org.transformer4j.tensor.VectorLanes.L;
import static org.transformer4j.tensor.VectorLanes.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * The element-wise arithmetic of training's hot paths (residual and bias adds, gradient sums, scaling) as one plain
 * loop per operation and operand layout. The generic {@link VectorKernels#binary} loop chooses the operation and
 * the load (contiguous or broadcast) per vector; C2 could not inline that whole and boxed every vector there (a
 * heap object per 16 floats, gigabytes per training step, seen with JFR allocation samples). Each loop here is
 * small and monomorphic, so its vectors stay in registers. Same IEEE operations per element as the generic loop,
 * so the same results.
 */
final class VectorArithmetic {
    private VectorArithmetic() {
    }

    /** Whether {@link #rows} handles op with these column strides (a contiguous, b contiguous or one value). */
    static boolean handles(BinaryOp op, int aColStride, int bColStride) {
        boolean arithmetic = switch (op) {
            case ADD, SUB, MUL, DIV -> true;
            default -> false;
        };
        return arithmetic && aColStride == 1 && (bColStride == 1 || bColStride == 0);
    }

    /** out row r = a row r (op) b row r for r in [r0, r1); b is a row (bColStride 1) or one value per row (0). */
    static void rows(BinaryOp op, int r0, int r1, int cols, float[] a, int aOff, int aRowStride, float[] b, int bOff,
                     int bRowStride, int bColStride, float[] out, int outOff) {
        for (int r = r0; r < r1; r++) {
            int ia = aOff + r * aRowStride;
            int ib = bOff + r * bRowStride;
            int o = outOff + r * cols;
            if (bColStride == 1) {
                switch (op) {
                    case ADD -> add(a, ia, b, ib, out, o, cols);
                    case SUB -> sub(a, ia, b, ib, out, o, cols);
                    case MUL -> mul(a, ia, b, ib, out, o, cols);
                    case DIV -> div(a, ia, b, ib, out, o, cols);
                    default -> throw new IllegalArgumentException("not an arithmetic op: " + op);
                }
            } else {
                float s = b[ib];
                switch (op) {
                    case ADD -> addScalar(a, ia, s, out, o, cols);
                    case SUB -> subScalar(a, ia, s, out, o, cols);
                    case MUL -> mulScalar(a, ia, s, out, o, cols);
                    case DIV -> divScalar(a, ia, s, out, o, cols);
                    default -> throw new IllegalArgumentException("not an arithmetic op: " + op);
                }
            }
        }
    }

    private static void add(float[] a, int ia, float[] b, int ib, float[] out, int o, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, a, ia + i).add(FloatVector.fromArray(S, b, ib + i)).intoArray(out, o + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, a, ia + i, m).add(FloatVector.fromArray(S, b, ib + i, m)).intoArray(out, o + i, m);
        }
    }

    private static void sub(float[] a, int ia, float[] b, int ib, float[] out, int o, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, a, ia + i).sub(FloatVector.fromArray(S, b, ib + i)).intoArray(out, o + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, a, ia + i, m).sub(FloatVector.fromArray(S, b, ib + i, m)).intoArray(out, o + i, m);
        }
    }

    private static void mul(float[] a, int ia, float[] b, int ib, float[] out, int o, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, a, ia + i).mul(FloatVector.fromArray(S, b, ib + i)).intoArray(out, o + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, a, ia + i, m).mul(FloatVector.fromArray(S, b, ib + i, m)).intoArray(out, o + i, m);
        }
    }

    private static void div(float[] a, int ia, float[] b, int ib, float[] out, int o, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, a, ia + i).div(FloatVector.fromArray(S, b, ib + i)).intoArray(out, o + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, a, ia + i, m).div(FloatVector.fromArray(S, b, ib + i, m)).intoArray(out, o + i, m);
        }
    }


    private static void addScalar(float[] a, int ia, float s, float[] out, int o, int n) {
        FloatVector v = FloatVector.broadcast(S, s);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, a, ia + i).add(v).intoArray(out, o + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, a, ia + i, m).add(v).intoArray(out, o + i, m);
        }
    }

    private static void subScalar(float[] a, int ia, float s, float[] out, int o, int n) {
        FloatVector v = FloatVector.broadcast(S, s);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, a, ia + i).sub(v).intoArray(out, o + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, a, ia + i, m).sub(v).intoArray(out, o + i, m);
        }
    }

    private static void mulScalar(float[] a, int ia, float s, float[] out, int o, int n) {
        FloatVector v = FloatVector.broadcast(S, s);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, a, ia + i).mul(v).intoArray(out, o + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, a, ia + i, m).mul(v).intoArray(out, o + i, m);
        }
    }

    private static void divScalar(float[] a, int ia, float s, float[] out, int o, int n) {
        FloatVector v = FloatVector.broadcast(S, s);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, a, ia + i).div(v).intoArray(out, o + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, a, ia + i, m).div(v).intoArray(out, o + i, m);
        }
    }

}
