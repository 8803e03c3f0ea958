package org.transformer4j.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.transformer4j.autograd.Variable;

/**
 * Parameters that share a learning-rate multiplier and a weight-decay switch, like a torch param group;
 * ULMFiT's discriminative fine-tuning (Howard and Ruder 2018) gives each layer its own {@code lrScale}.
 *
 * <pre>{@code
 * List<ParameterGroup> groups = ParameterGroup.byDecay(model.namedParameters(), DecayRule.standard());
 * ParameterGroup head = ParameterGroup.of("head", headParams).withLrScale(2.6);
 * }</pre>
 *
 * @param name       a label for messages and checkpoints
 * @param parameters the parameters by state-dict name; a tied parameter may appear under several names and is
 *                   updated once, under its first name
 * @param lrScale    the group's learning rate is the optimizer's learning rate times this
 * @param decay      whether the optimizer's weight decay applies to this group
 */
public record ParameterGroup(String name, Map<String, Variable> parameters, double lrScale, boolean decay) {

    public ParameterGroup {
        Objects.requireNonNull(name, "name");
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        parameters.forEach((k, v) -> Objects.requireNonNull(v, () -> "parameter '" + k + "' is null"));
        if (!(lrScale >= 0) || Double.isInfinite(lrScale)) {
            throw new IllegalArgumentException("lrScale of group '" + name + "' must be finite and >= 0, got " + lrScale);
        }
    }

    /** A group with multiplier 1 and weight decay on. */
    public static ParameterGroup of(String name, Map<String, Variable> parameters) {
        return new ParameterGroup(name, parameters, 1.0, true);
    }

    /** The same group with another learning-rate multiplier. */
    public ParameterGroup withLrScale(double scale) {
        return new ParameterGroup(name, parameters, scale, decay);
    }

    /** The same group with weight decay switched on or off. */
    public ParameterGroup withDecay(boolean on) {
        return new ParameterGroup(name, parameters, lrScale, on);
    }

    /**
     * Splits parameters into a group "decay" and a group "no_decay" by the rule (empty groups are left out). A
     * tied parameter is decayed only when the rule decays it under every one of its names, so an output
     * projection tied to an embedding is not decayed.
     */
    public static List<ParameterGroup> byDecay(Map<String, Variable> named, DecayRule rule) {
        Map<Variable, Boolean> decays = new IdentityHashMap<>();
        named.forEach((k, v) -> decays.merge(v, rule.decays(k, v), Boolean::logicalAnd));
        Map<String, Variable> on = new LinkedHashMap<>();
        Map<String, Variable> off = new LinkedHashMap<>();
        Map<Variable, Boolean> placed = new IdentityHashMap<>();
        named.forEach((k, v) -> {
            if (placed.put(v, Boolean.TRUE) == null) {
                (decays.get(v) ? on : off).put(k, v);
            }
        });
        List<ParameterGroup> out = new ArrayList<>();
        if (!on.isEmpty()) {
            out.add(of("decay", on));
        }
        if (!off.isEmpty()) {
            out.add(of("no_decay", off).withDecay(false));
        }
        return out;
    }
}
