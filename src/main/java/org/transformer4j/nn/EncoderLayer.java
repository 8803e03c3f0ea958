package org.transformer4j.nn;

import org.transformer4j.autograd.Variable;
import org.transformer4j.tensor.Rng;

/**
 * One encoder layer: self-attention, then the feed-forward network, each a residual sublayer with its
 * norm placed by {@link NormPlacement}. Parameter names follow torch.nn.TransformerEncoderLayer
 * ({@code self_attn}, {@code linear1}, {@code linear2}, {@code norm1}, {@code norm2}).
 */
public final class EncoderLayer extends Module {
    private final Attention selfAttn;
    private final FeedForward feedForward;
    private final NormLayer norm1;
    private final NormLayer norm2;
    private final Dropout dropout1;
    private final Dropout dropout2;
    private final NormPlacement placement;

    public EncoderLayer(LayerSpec spec, Rng rng) {
        this.selfAttn = child("self_attn", spec.newAttention(true, rng));
        this.feedForward = inline("feed_forward",
                new FeedForward(spec.dModel(), spec.dFF(), spec.activation(), spec.gated(), spec.bias(), spec.dropout(), rng));
        this.norm1 = child("norm1", NormLayer.create(spec.norm(), spec.dModel(), spec.eps()));
        this.norm2 = child("norm2", NormLayer.create(spec.norm(), spec.dModel(), spec.eps()));
        this.dropout1 = child("dropout1", new Dropout(spec.dropout(), rng));
        this.dropout2 = child("dropout2", new Dropout(spec.dropout(), rng));
        this.placement = spec.placement();
    }

    public Attention selfAttention() {
        return selfAttn;
    }

    /** (B, T, d) -> (B, T, d). */
    public Variable forward(Variable x, AttentionMask mask) {
        return traced(() -> {
            Variable h = placement.residual(x, norm1, dropout1, y -> selfAttn.forward(y, mask));
            return placement.residual(h, norm2, dropout2, feedForward::forward);
        });
    }
}
