package org.transformer4j.nn;

import org.transformer4j.autograd.Variable;

/** A normalisation layer over the last dimension: {@link LayerNorm} or {@link RMSNorm}. */
public abstract class NormLayer extends Module {

    /** Which normalisation a config asks for. */
    public enum Kind { LAYER_NORM, RMS_NORM }

    public abstract Variable forward(Variable x);

    /** A new norm of the given kind. */
    public static NormLayer create(Kind kind, int dim, float eps) {
        return switch (kind) {
            case LAYER_NORM -> new LayerNorm(dim, eps);
            case RMS_NORM -> new RMSNorm(dim, eps);
        };
    }
}
