package org.transformer4j.model;

import java.util.function.Supplier;
import org.transformer4j.autograd.Variable;
import org.transformer4j.nn.Module;

/**
 * The small example forward pass that figures are traced from: a short source and target for an
 * encoder-decoder (ending in the softmax over the vocabulary, as Figure 1 does), a short sequence for the
 * others. Shapes on the figure's arrows are those of this input.
 */
public final class ExampleInputs {
    private ExampleInputs() {
    }

    /** Source length of the example. */
    public static final int SOURCE_LENGTH = 6;
    /** Target (or only) length of the example. */
    public static final int TARGET_LENGTH = 5;

    /** The forward pass of a model built by {@link Models#build} on the example input. */
    public static Supplier<Variable> forward(Module model) {
        return switch (model) {
            case EncoderDecoder m -> () -> m.forward(ids(SOURCE_LENGTH, m.config().sourceVocabSize()),
                    ids(TARGET_LENGTH, m.config().vocabSize())).softmax(-1);
            case DecoderOnly m -> () -> m.forward(ids(TARGET_LENGTH, m.config().vocabSize())).softmax(-1);
            case EncoderOnly m -> () -> m.forward(ids(TARGET_LENGTH, m.config().vocabSize()), null);
            default -> throw new IllegalArgumentException("no example input for " + model.getClass().getSimpleName());
        };
    }

    private static Tokens ids(int n, int vocab) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = (i + 1) % vocab;
        }
        return Tokens.of(ids);
    }
}
