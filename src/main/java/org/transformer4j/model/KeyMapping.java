package org.transformer4j.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.transformer4j.nn.Module;
import org.transformer4j.tensor.Tensor;

/**
 * How a foreign checkpoint family's tensor names become ours: a small table of rules, each a pattern
 * over the foreign key, our key as a replacement, and a transform of the value (GPT-2's Conv1D stores
 * weights as (in, out), so they are transposed). Keys a family stores but we derive (buffers, tied
 * copies) are listed as ignored.
 */
public record KeyMapping(String family, List<Rule> rules, List<Pattern> ignored) {

    /** One rename: foreign pattern, our key (with $1-style groups), and how to convert the value. */
    public record Rule(Pattern foreign, String ours, Function<Tensor, Tensor> transform) {
        public static Rule copy(String foreign, String ours) {
            return new Rule(Pattern.compile(foreign), ours, t -> t);
        }

        public static Rule transposed(String foreign, String ours) {
            return new Rule(Pattern.compile(foreign), ours, t -> t.transpose(0, 1).contiguous());
        }
    }

    /** HF transformers' GPT2LMHeadModel (and GPT2Model: the "transformer." prefix is optional). */
    public static final KeyMapping GPT2 = new KeyMapping("gpt2", List.of(
            Rule.copy("(?:transformer\\.)?wte\\.weight", "embed.tokens.weight"),
            Rule.copy("(?:transformer\\.)?wpe\\.weight", "embed.positions.weight"),
            Rule.copy("(?:transformer\\.)?h\\.(\\d+)\\.ln_1\\.(weight|bias)", "decoder.layers.$1.norm1.$2"),
            Rule.transposed("(?:transformer\\.)?h\\.(\\d+)\\.attn\\.c_attn\\.weight", "decoder.layers.$1.self_attn.in_proj_weight"),
            Rule.copy("(?:transformer\\.)?h\\.(\\d+)\\.attn\\.c_attn\\.bias", "decoder.layers.$1.self_attn.in_proj_bias"),
            Rule.transposed("(?:transformer\\.)?h\\.(\\d+)\\.attn\\.c_proj\\.weight", "decoder.layers.$1.self_attn.out_proj.weight"),
            Rule.copy("(?:transformer\\.)?h\\.(\\d+)\\.attn\\.c_proj\\.bias", "decoder.layers.$1.self_attn.out_proj.bias"),
            Rule.copy("(?:transformer\\.)?h\\.(\\d+)\\.ln_2\\.(weight|bias)", "decoder.layers.$1.norm2.$2"),
            Rule.transposed("(?:transformer\\.)?h\\.(\\d+)\\.mlp\\.c_fc\\.weight", "decoder.layers.$1.linear1.weight"),
            Rule.copy("(?:transformer\\.)?h\\.(\\d+)\\.mlp\\.c_fc\\.bias", "decoder.layers.$1.linear1.bias"),
            Rule.transposed("(?:transformer\\.)?h\\.(\\d+)\\.mlp\\.c_proj\\.weight", "decoder.layers.$1.linear2.weight"),
            Rule.copy("(?:transformer\\.)?h\\.(\\d+)\\.mlp\\.c_proj\\.bias", "decoder.layers.$1.linear2.bias"),
            Rule.copy("(?:transformer\\.)?ln_f\\.(weight|bias)", "decoder.norm.$1")),
            List.of(Pattern.compile("(?:transformer\\.)?h\\.\\d+\\.attn\\.(?:masked_)?bias"), Pattern.compile("lm_head\\.weight")));

    /** Our key for a foreign key, or null when the key is ignored; an unknown key is an error. */
    public String ours(String foreign) {
        for (Rule r : rules) {
            Matcher m = r.foreign().matcher(foreign);
            if (m.matches()) {
                return m.replaceAll(r.ours());
            }
        }
        for (Pattern p : ignored) {
            if (p.matcher(foreign).matches()) {
                return null;
            }
        }
        throw new IllegalArgumentException(family + " checkpoint: tensor '" + foreign + "' has no counterpart in the model");
    }

    /**
     * Converts a foreign state dict (names and a loader per name) into ours and loads it into the model;
     * every parameter of the model must be covered (tied ones once).
     */
    public void load(Module model, Iterable<String> foreignKeys, Function<String, Tensor> loader) {
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (String k : foreignKeys) {
            String ours = ours(k);
            if (ours == null) {
                continue;
            }
            Rule rule = rules.stream().filter(r -> r.foreign().matcher(k).matches()).findFirst().orElseThrow();
            state.put(ours, rule.transform().apply(loader.apply(k)));
        }
        TreeSet<String> missing = new TreeSet<>();
        java.util.Set<Object> covered = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        model.namedParameters().forEach((k, v) -> {
            if (state.containsKey(k)) {
                covered.add(v);
            }
        });
        model.namedParameters().forEach((k, v) -> {
            if (!state.containsKey(k) && !covered.contains(v)) {
                missing.add(k);
            }
        });
        if (!missing.isEmpty()) {
            List<String> first = new ArrayList<>(missing).subList(0, Math.min(3, missing.size()));
            throw new IllegalArgumentException(family + " checkpoint lacks " + missing.size() + " tensors the model needs, e.g. "
                    + first);
        }
        model.loadStateDict(state, false);
    }
}
