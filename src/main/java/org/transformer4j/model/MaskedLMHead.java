package org.transformer4j.model;

import org.transformer4j.autograd.Variable;
import org.transformer4j.nn.Activation;
import org.transformer4j.nn.Embedding;
import org.transformer4j.nn.LayerNorm;
import org.transformer4j.nn.Linear;
import org.transformer4j.nn.Module;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;

/**
 * BERT's language-model head: a dense layer, the activation and a norm, then logits over the vocabulary
 * through the (tied) token embedding plus a bias.
 */
public final class MaskedLMHead extends Module {
    private final Linear dense;
    private final LayerNorm norm;
    private final Activation activation;
    private final OutputProjection decoder;
    private final Variable bias;

    public MaskedLMHead(TransformerConfig c, Embedding tokens, Rng rng) {
        this.dense = child("dense", new Linear(c.dModel(), c.dModel(), true, rng));
        this.norm = child("norm", new LayerNorm(c.dModel(), c.layerNormEps()));
        this.activation = c.activation();
        this.decoder = child("decoder", new OutputProjection(c.dModel(), tokens.vocab(), c.tieOutput() ? tokens : null, rng));
        this.bias = parameter("bias", Tensor.zeros(tokens.vocab()));
    }

    /** (batch, length, d) -> (batch, length, vocab). */
    public Variable forward(Variable hidden) {
        return traced(() -> decoder.forward(norm.forward(activation.apply(dense.forward(hidden)))).add(bias));
    }
}
