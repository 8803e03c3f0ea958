package org.transformer4j.nn;

import org.transformer4j.autograd.Variable;

/** The feed-forward non-linearities. */
public enum Activation {
    /** max(0, x), as the paper. */
    RELU,
    /** GELU with the exact erf (Hendrycks and Gimpel 2016), as BERT and torch's "gelu". */
    GELU,
    /** GELU with the tanh approximation, as GPT-2. */
    GELU_TANH,
    /** x * sigmoid(x) (SiLU/Swish), as in SwiGLU feed-forwards (Shazeer 2020). */
    SILU;

    public Variable apply(Variable x) {
        return switch (this) {
            case RELU -> x.relu();
            case GELU -> x.gelu();
            case GELU_TANH -> x.geluTanh();
            case SILU -> x.silu();
        };
    }
}
