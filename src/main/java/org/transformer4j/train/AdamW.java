package org.transformer4j.train;

import java.util.List;
import java.util.Map;
import org.transformer4j.autograd.Variable;

/**
 * AdamW (Loshchilov and Hutter 2019) exactly as torch.optim.AdamW: weight decay decoupled from the gradient,
 * p *= 1 - lr wd before the Adam update, and by default not applied to norms, biases and embeddings
 * ({@link DecayRule#standard()}).
 *
 * <pre>{@code
 * AdamW opt = AdamW.of(model.namedParameters(), AdamSettings.adamW().withWeightDecay(0.1));
 * }</pre>
 */
public final class AdamW extends AdamFamily {

    /** AdamW over the given groups; groups with {@code decay} off are not decayed. */
    public AdamW(List<ParameterGroup> groups, AdamSettings settings) {
        super(groups, settings, true);
    }

    /** AdamW with the standard rule: no decay on rank-1 parameters and names with "norm", "bias" or "embed". */
    public static AdamW of(Map<String, Variable> named, AdamSettings settings) {
        return of(named, settings, DecayRule.standard());
    }

    /** AdamW with parameters split into a decayed and an undecayed group by {@code rule}. */
    public static AdamW of(Map<String, Variable> named, AdamSettings settings, DecayRule rule) {
        return new AdamW(ParameterGroup.byDecay(named, rule), settings);
    }

    @Override
    String kind() {
        return "AdamW";
    }
}
