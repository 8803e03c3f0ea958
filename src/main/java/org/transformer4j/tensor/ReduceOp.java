package org.transformer4j.tensor;

/** Row reductions: each row of a (rows, cols) block becomes one number. */
public enum ReduceOp {
    SUM, MEAN, MAX, MIN,
    /** Index of the first maximum, stored as a float (exact up to 2^24). */
    ARGMAX
}
