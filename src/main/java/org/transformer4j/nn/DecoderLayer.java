package org.transformer4j.nn;

import org.transformer4j.autograd.Variable;
import org.transformer4j.tensor.Rng;

/**
 * One decoder layer: masked self-attention, cross-attention over the encoder output (absent in
 * decoder-only models), then the feed-forward network. Names follow torch.nn.TransformerDecoderLayer
 * ({@code self_attn}, {@code multihead_attn}, {@code linear1}, {@code linear2}, {@code norm1..3}).
 */
public final class DecoderLayer extends Module {
    private final Attention selfAttn;
    private final Attention crossAttn;  // null in decoder-only models
    private final FeedForward feedForward;
    private final NormLayer norm1;
    private final NormLayer norm2;
    private final NormLayer norm3;      // null in decoder-only models (norm2 serves the feed-forward)
    private final Dropout dropout1;
    private final Dropout dropout2;
    private final Dropout dropout3;
    private final NormPlacement placement;

    /** Per-layer caches for incremental decoding. */
    public record Cache(AttentionCache self, AttentionCache cross) {
        public Cache() {
            this(new AttentionCache(), new AttentionCache());
        }
    }

    public DecoderLayer(LayerSpec spec, boolean crossAttention, Rng rng) {
        this.selfAttn = child("self_attn", spec.newAttention(true, rng));
        this.crossAttn = crossAttention ? child("multihead_attn", spec.newAttention(false, rng)) : null;
        this.feedForward = inline("feed_forward",
                new FeedForward(spec.dModel(), spec.dFF(), spec.activation(), spec.gated(), spec.bias(), spec.dropout(), rng));
        this.norm1 = child("norm1", NormLayer.create(spec.norm(), spec.dModel(), spec.eps()));
        this.norm2 = child("norm2", NormLayer.create(spec.norm(), spec.dModel(), spec.eps()));
        this.norm3 = crossAttention ? child("norm3", NormLayer.create(spec.norm(), spec.dModel(), spec.eps())) : null;
        this.dropout1 = child("dropout1", new Dropout(spec.dropout(), rng));
        this.dropout2 = child("dropout2", new Dropout(spec.dropout(), rng));
        this.dropout3 = crossAttention ? child("dropout3", new Dropout(spec.dropout(), rng)) : null;
        this.placement = spec.placement();
    }

    public Attention selfAttention() {
        return selfAttn;
    }

    public Attention crossAttention() {
        return crossAttn;
    }

    /**
     * (B, T, d) -> (B, T, d). selfMask is usually causal (plus target padding); memory and memoryMask are
     * the encoder output and its padding (unused without cross-attention); cache may be null.
     */
    public Variable forward(Variable x, AttentionMask selfMask, Variable memory, AttentionMask memoryMask, Cache cache) {
        return traced(() -> {
            Variable h = placement.residual(x, norm1, dropout1,
                    y -> selfAttn.forward(y, null, selfMask, cache == null ? null : cache.self(), false).output());
            if (crossAttn == null) {
                return placement.residual(h, norm2, dropout2, feedForward::forward);
            }
            h = placement.residual(h, norm2, dropout2,
                    y -> crossAttn.forward(y, memory, memoryMask, cache == null ? null : cache.cross(), false).output());
            return placement.residual(h, norm3, dropout3, feedForward::forward);
        });
    }
}
