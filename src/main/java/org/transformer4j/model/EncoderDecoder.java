package org.transformer4j.model;

import java.util.List;
import org.transformer4j.autograd.Variable;
import org.transformer4j.nn.AttentionMask;
import org.transformer4j.nn.Decoder;
import org.transformer4j.nn.DecoderLayer;
import org.transformer4j.nn.Encoder;
import org.transformer4j.nn.Module;
import org.transformer4j.tensor.Rng;

/**
 * The paper's model (Vaswani et al. 2017, Figure 1): an encoder over the source, a decoder over the
 * shifted target that attends to the encoder output, and a projection to target-vocabulary logits.
 * The stacks are named {@code encoder} and {@code decoder} with torch.nn.Transformer's keys inside, so
 * a torch.nn.Transformer state dict loads into them directly.
 */
public final class EncoderDecoder extends Module {
    private final TransformerConfig config;
    private final Embeddings srcEmbed;
    private final Embeddings tgtEmbed;
    private final Encoder encoder;
    private final Decoder decoder;
    private final OutputProjection generator;

    public EncoderDecoder(TransformerConfig c, Rng rng) {
        if (c.architecture() != TransformerConfig.Architecture.ENCODER_DECODER) {
            throw new IllegalArgumentException("EncoderDecoder needs architecture encoder_decoder, got " + c.architecture());
        }
        this.config = c;
        this.srcEmbed = child("src_embed", new Embeddings(c, c.sourceVocabSize(), null, rng));
        this.tgtEmbed = child("tgt_embed", new Embeddings(c, c.vocabSize(), c.shareSourceTarget() ? srcEmbed.tokens() : null, rng));
        this.encoder = child("encoder", new Encoder(c.layerSpec(), c.encoderLayers(), c.finalNorm(), rng));
        this.decoder = child("decoder", new Decoder(c.layerSpec(), c.decoderLayers(), true, c.finalNorm(), rng));
        this.generator = child("generator", new OutputProjection(c.dModel(), c.vocabSize(),
                c.tieOutput() ? tgtEmbed.tokens() : null, c.outputBias(), rng));
        Initializer.apply(this, c, rng);
    }

    public TransformerConfig config() {
        return config;
    }

    public Encoder encoder() {
        return encoder;
    }

    public Decoder decoder() {
        return decoder;
    }

    /** Source tokens -> encoder output (batch, source length, d). */
    public Variable encode(Tokens src) {
        return traced(() -> encoder.forward(srcEmbed.forward(src.ids(), src.batch(), src.length(), 0, null),
                new AttentionMask(src.padding(), false)));
    }

    /**
     * Target tokens (the shifted-right decoder input) -> logits (batch, target length, vocab). With a
     * cache the target holds only new positions; earlier ones come from the cache.
     */
    public Variable decode(Tokens tgt, Variable memory, Tokens src, List<DecoderLayer.Cache> cache) {
        return traced(() -> {
            int offset = cache == null ? 0 : cache.get(0).self().length();
            Variable y = tgtEmbed.forward(tgt.ids(), tgt.batch(), tgt.length(), offset, null);
            Variable h = decoder.forward(y, new AttentionMask(cache == null ? tgt.padding() : null, true), memory,
                    new AttentionMask(src.padding(), false), cache);
            return generator.forward(h);
        });
    }

    /** Teacher-forced logits for a batch: encode the source, decode the whole target at once. */
    public Variable forward(Tokens src, Tokens tgt) {
        return decode(tgt, encode(src), src, null);
    }

    /** A fresh cache for incremental decoding. */
    public List<DecoderLayer.Cache> newCache() {
        return decoder.newCache();
    }
}
