package org.transformer4j.nn;

/**
 * Everything an encoder or decoder layer needs to know, decided by the model's config.
 *
 * @param dModel     width of the residual stream
 * @param heads      attention heads
 * @param kvHeads    key/value heads (= heads for standard attention, fewer for grouped-query)
 * @param dFF        inner width of the feed-forward network
 * @param activation feed-forward non-linearity
 * @param gated      gated feed-forward (GLU family)
 * @param dropout    dropout on sublayer outputs, attention weights and the feed-forward hidden layer
 * @param norm       LayerNorm or RMSNorm
 * @param eps        norm epsilon
 * @param placement  Post-LN or Pre-LN
 * @param bias       biases in linear layers
 * @param attention  softmax or linear (fast weight) attention
 * @param positions  the positional scheme (RoPE and ALiBi act inside attention)
 * @param maxPositions the longest sequence the scheme supports
 */
public record LayerSpec(int dModel, int heads, int kvHeads, int dFF, Activation activation, boolean gated, float dropout,
                        NormLayer.Kind norm, float eps, NormPlacement placement, boolean bias, AttentionKind attention,
                        Positions positions, int maxPositions) {

    /** Softmax attention or one of the linear (fast weight) variants. */
    public enum AttentionKind { SOFTMAX, LINEAR, LINEAR_DELTA }

    /**
     * Positional schemes: added or concatenated sinusoids, learned table, rotary, linear biases, none.
     * SINUSOIDAL interleaves sin and cos as the paper writes it; SINUSOIDAL_HALVES has the same frequencies
     * with every sine in the first half of the dimensions and every cosine in the second (HF Marian).
     */
    public enum Positions { SINUSOIDAL, SINUSOIDAL_CONCAT, LEARNED, ROPE, ALIBI, NONE, SINUSOIDAL_HALVES }

    /** A new self- or cross-attention sublayer of the configured kind. */
    public Attention newAttention(boolean selfAttention, org.transformer4j.tensor.Rng rng) {
        return switch (attention) {
            case SOFTMAX -> new MultiHeadAttention(dModel, heads, kvHeads, bias, dropout, rng,
                    selfAttention && positions == Positions.ROPE ? new RotaryEmbedding(dModel / heads, 10000) : null,
                    selfAttention && positions == Positions.ALIBI ? new AlibiBias(heads) : null);
            case LINEAR -> new LinearAttention(dModel, heads, LinearAttention.Update.SUM, bias, rng);
            case LINEAR_DELTA -> new LinearAttention(dModel, heads, LinearAttention.Update.DELTA, bias, rng);
        };
    }
}
