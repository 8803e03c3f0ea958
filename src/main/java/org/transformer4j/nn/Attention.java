package org.transformer4j.nn;

import org.transformer4j.autograd.Variable;
import org.transformer4j.tensor.Tensor;

/** An attention sublayer: softmax {@link MultiHeadAttention} or {@link LinearAttention}. */
public abstract class Attention extends Module {

    /** The output (batch, queries, d_model) and, when asked for, the attention weights (batch, heads, queries, keys). */
    public record Result(Variable output, Tensor weights) {
    }

    /**
     * Attends from query to keyValue (null: self-attention over query). With a cache, query holds only
     * the new positions and earlier ones come from the cache, which is then extended.
     */
    public final Result forward(Variable query, Variable keyValue, AttentionMask mask, AttentionCache cache,
                                boolean needWeights) {
        return traced(() -> attend(query, keyValue, mask, cache, needWeights));
    }

    /** The computation of {@link #forward}, run inside this module's trace scope. */
    protected abstract Result attend(Variable query, Variable keyValue, AttentionMask mask, AttentionCache cache,
                                     boolean needWeights);

    /** Self-attention without cache or weights. */
    public final Variable forward(Variable x, AttentionMask mask) {
        return forward(x, null, mask, null, false).output();
    }
}
