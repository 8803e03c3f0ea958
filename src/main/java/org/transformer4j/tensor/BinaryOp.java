package org.transformer4j.tensor;

/** Elementwise functions of two arguments. Comparisons return 1 for true and 0 for false. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM, EQ, NE, GT, GE, LT, LE;

    /** Whether the result is 0/1 rather than a differentiable value. */
    public boolean isComparison() {
        return ordinal() >= EQ.ordinal();
    }
}
