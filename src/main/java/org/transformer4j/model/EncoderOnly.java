package org.transformer4j.model;

import org.transformer4j.autograd.Variable;
import org.transformer4j.nn.AttentionMask;
import org.transformer4j.nn.Encoder;
import org.transformer4j.nn.Module;
import org.transformer4j.tensor.Rng;

/** A BERT-style encoder (Devlin et al. 2019): embeddings and bidirectional encoder layers; heads go on top. */
public final class EncoderOnly extends Module {
    private final TransformerConfig config;
    private final Embeddings embed;
    private final Encoder encoder;

    public EncoderOnly(TransformerConfig c, Rng rng) {
        if (c.architecture() != TransformerConfig.Architecture.ENCODER_ONLY) {
            throw new IllegalArgumentException("EncoderOnly needs architecture encoder_only, got " + c.architecture());
        }
        this.config = c;
        this.embed = child("embed", new Embeddings(c, c.vocabSize(), null, rng));
        this.encoder = child("encoder", new Encoder(c.layerSpec(), c.encoderLayers(), c.finalNorm(), rng));
        Initializer.apply(this, c, rng);
    }

    public TransformerConfig config() {
        return config;
    }

    public Embeddings embeddings() {
        return embed;
    }

    /** Contextual states (batch, length, d); tokenTypes may be null (all type 0). */
    public Variable forward(Tokens x, int[] tokenTypes) {
        return traced(() -> encoder.forward(embed.forward(x.ids(), x.batch(), x.length(), 0, tokenTypes),
                new AttentionMask(x.padding(), false)));
    }
}
