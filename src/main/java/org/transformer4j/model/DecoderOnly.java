package org.transformer4j.model;

import java.util.List;
import org.transformer4j.autograd.Variable;
import org.transformer4j.nn.AttentionMask;
import org.transformer4j.nn.Decoder;
import org.transformer4j.nn.DecoderLayer;
import org.transformer4j.nn.Module;
import org.transformer4j.tensor.Rng;

/** A GPT-style language model (Radford et al. 2018, 2019): embeddings, causal decoder layers, LM head. */
public final class DecoderOnly extends Module {
    private final TransformerConfig config;
    private final Embeddings embed;
    private final Decoder decoder;
    private final OutputProjection lmHead;

    public DecoderOnly(TransformerConfig c, Rng rng) {
        if (c.architecture() != TransformerConfig.Architecture.DECODER_ONLY) {
            throw new IllegalArgumentException("DecoderOnly needs architecture decoder_only, got " + c.architecture());
        }
        this.config = c;
        this.embed = child("embed", new Embeddings(c, c.vocabSize(), null, rng));
        this.decoder = child("decoder", new Decoder(c.layerSpec(), c.decoderLayers(), false, c.finalNorm(), rng));
        this.lmHead = child("lm_head", new OutputProjection(c.dModel(), c.vocabSize(), c.tieOutput() ? embed.tokens() : null,
                c.outputBias(), rng));
        Initializer.apply(this, c, rng);
    }

    public TransformerConfig config() {
        return config;
    }

    public Decoder decoder() {
        return decoder;
    }

    /** Hidden states (batch, length, d) after the final norm; with a cache, tokens are the new positions. */
    public Variable hidden(Tokens x, List<DecoderLayer.Cache> cache) {
        return traced(() -> {
            int offset = cache == null ? 0 : cache.get(0).self().length();
            Variable h = embed.forward(x.ids(), x.batch(), x.length(), offset, null);
            return decoder.forward(h, new AttentionMask(cache == null ? x.padding() : null, true), null, null, cache);
        });
    }

    /** Next-token logits (batch, length, vocab). */
    public Variable forward(Tokens x, List<DecoderLayer.Cache> cache) {
        return traced(() -> lmHead.forward(hidden(x, cache)));
    }

    /** Logits without a cache. */
    public Variable forward(Tokens x) {
        return forward(x, null);
    }

    /** A fresh cache for incremental decoding. */
    public List<DecoderLayer.Cache> newCache() {
        return decoder.newCache();
    }
}
