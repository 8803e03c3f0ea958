package org.transformer4j.tensor;

/** Elementwise functions of one argument; each kernel implements the function and its derivative. */
public enum UnaryOp {
    NEG, EXP, LOG, SQRT, RSQRT, TANH, RELU,
    /** GELU with the exact Gaussian CDF: x * (1 + erf(x / sqrt 2)) / 2 (Hendrycks and Gimpel 2016). */
    GELU,
    /** GELU with the tanh approximation used by GPT-2 and BERT. */
    GELU_TANH,
    SILU, SIGMOID, ABS
}
