package org.transformer4j.train;

import java.util.Locale;
import org.transformer4j.autograd.Variable;

/**
 * Decides which parameters get weight decay; {@link #standard()} exempts norms, biases and embeddings, as is
 * usual for AdamW (Loshchilov and Hutter 2019; the BERT and GPT-2 training code). Replace it with any lambda.
 */
@FunctionalInterface
public interface DecayRule {

    /** Whether the parameter registered under {@code name} should be decayed. */
    boolean decays(String name, Variable parameter);

    /**
     * Decay only parameters of rank 2 or more whose name (case-insensitive) contains none of "norm", "bias" and
     * "embed": so no decay on LayerNorm/RMSNorm gains and shifts, biases, token and position embeddings.
     */
    static DecayRule standard() {
        return (name, p) -> {
            String n = name.toLowerCase(Locale.ROOT);
            return p.rank() >= 2 && !n.contains("norm") && !n.contains("bias") && !n.contains("embed");
        };
    }

    /** Decay everything (torch's default when one group holds all parameters). */
    static DecayRule all() {
        return (name, p) -> true;
    }
}
