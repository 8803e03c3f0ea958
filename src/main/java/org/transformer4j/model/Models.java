package org.transformer4j.model;

import org.transformer4j.nn.LayerSpec.Positions;
import org.transformer4j.nn.Module;
import org.transformer4j.nn.NormLayer;
import org.transformer4j.tensor.Rng;

/** Builds the model a config describes, and counts its parameters without building it. */
public final class Models {
    private Models() {
    }

    /** A new, initialised model of the config's architecture. */
    public static Module build(TransformerConfig c, Rng rng) {
        return switch (c.architecture()) {
            case ENCODER_DECODER -> new EncoderDecoder(c, rng);
            case DECODER_ONLY -> new DecoderOnly(c, rng);
            case ENCODER_ONLY -> new EncoderOnly(c, rng);
        };
    }

    /** The number of trainable values the built model has (tied matrices counted once). */
    public static long parameterCount(TransformerConfig c) {
        long d = c.dModel();
        long b = c.bias() ? 1 : 0;
        long norm = c.norm() == NormLayer.Kind.LAYER_NORM ? 2 * d : d;
        long headDim = d / c.heads();
        long attention = switch (c.attention()) {
            case SOFTMAX -> (c.heads() + 2L * c.kvHeads()) * headDim * (d + b) + d * d + b * d;
            case LINEAR -> 3 * d * (d + b) + d * d + b * d;
            case LINEAR_DELTA -> 3 * d * (d + b) + d * d + b * d + d * c.heads() + c.heads();
        };
        long ff = (c.gatedFeedForward() ? 2L : 1L) * (d * c.dFF() + b * c.dFF()) + c.dFF() * d + b * d;
        long finalNorm = c.finalNorm() ? norm : 0;
        long encoder = c.encoderLayers() * (attention + ff + 2 * norm) + (c.encoderLayers() > 0 ? finalNorm : 0);
        boolean cross = c.architecture() == TransformerConfig.Architecture.ENCODER_DECODER;
        long decoderLayer = cross ? 2 * attention + ff + 3 * norm : attention + ff + 2 * norm;
        long decoder = c.decoderLayers() * decoderLayer + (c.decoderLayers() > 0 ? finalNorm : 0);
        long tokenDim = c.positions() == Positions.SINUSOIDAL_CONCAT ? d - c.positionalDim() : d;
        long embedExtras = (c.positions() == Positions.LEARNED ? (long) c.maxPositions() * d : 0)
                + (long) c.tokenTypes() * d + (c.embeddingNorm() ? 2 * d : 0);
        long vocab = c.vocabSize();
        long output = (c.tieOutput() ? 0 : vocab * d) + (c.outputBias() ? vocab : 0);
        return switch (c.architecture()) {
            case ENCODER_DECODER -> c.sourceVocabSize() * tokenDim + (c.shareSourceTarget() ? 0 : vocab * tokenDim)
                    + 2 * embedExtras + encoder + decoder + output;
            case DECODER_ONLY -> vocab * tokenDim + embedExtras + decoder + output;
            case ENCODER_ONLY -> vocab * tokenDim + embedExtras + encoder;
        };
    }
}
