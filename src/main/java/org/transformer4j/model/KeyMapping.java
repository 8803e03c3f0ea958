package org.transformer4j.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.transformer4j.autograd.Variable;
import org.transformer4j.nn.Module;
import org.transformer4j.tensor.Indexing;
import org.transformer4j.tensor.Shapes;
import org.transformer4j.tensor.Tensor;

/**
 * How a foreign checkpoint family's tensor names become ours: a small table of rules, each a pattern
 * over the foreign key, our key as a replacement, and a transform of the value (GPT-2's Conv1D stores
 * weights as (in, out), so they are transposed). A rule may name one part of our tensor: Marian's separate
 * q/k/v projections are stacked into one {@code in_proj_weight}. Keys a family stores but we derive
 * (buffers, tied copies) are listed as ignored.
 */
public record KeyMapping(String family, List<Rule> rules, List<Pattern> ignored) {

    /** The transform of {@link Rule#transposed}: a (rows, cols) matrix becomes its (cols, rows) transpose. */
    private static final Function<Tensor, Tensor> TRANSPOSE = t -> t.transpose(0, 1).contiguous();

    /** Where a foreign tensor goes: our key, and the rule that says how. */
    public record Target(String ours, Rule rule) {
    }

    /**
     * One rename: foreign pattern, our key (with $1-style groups), how to convert the value, and which part
     * of our tensor it is (part of parts, stacked along axis 0; 0 of 1 for a whole tensor).
     */
    public record Rule(Pattern foreign, String ours, Function<Tensor, Tensor> transform, int part, int parts) {
        public Rule {
            if (parts < 1 || part < 0 || part >= parts) {
                throw new IllegalArgumentException("rule for " + foreign + ": part " + part + " of " + parts);
            }
        }

        public static Rule copy(String foreign, String ours) {
            return new Rule(Pattern.compile(foreign), ours, t -> t, 0, 1);
        }

        public static Rule transposed(String foreign, String ours) {
            return new Rule(Pattern.compile(foreign), ours, TRANSPOSE, 0, 1);
        }

        /** Whether the rule transposes a matrix (and does nothing else to it). */
        public boolean transposes() {
            return transform == TRANSPOSE;
        }

        /** A tensor stored with extra axes of size 1, such as Marian's (1, vocab) logit bias: flattened. */
        public static Rule flattened(String foreign, String ours) {
            return new Rule(Pattern.compile(foreign), ours, t -> t.contiguous().reshape(t.size()), 0, 1);
        }

        /** Rows part*n .. (part+1)*n of our tensor, e.g. W_K (part 1 of 3) of in_proj_weight. */
        public static Rule part(String foreign, String ours, int part, int parts) {
            return new Rule(Pattern.compile(foreign), ours, t -> t, part, parts);
        }
    }

    /**
     * HF transformers' GPT2LMHeadModel (and GPT2Model: the "transformer." prefix is optional) with tied output
     * weights: the output projection is wte, a stored lm_head.weight is its copy. Heads of other GPT-2 classes
     * (sequence classification's score, double heads' multiple_choice_head, trl's v_head) are skipped, as
     * GPT2LMHeadModel.from_pretrained skips them.
     */
    public static final KeyMapping GPT2 = gpt2(false);

    /** GPT-2 with {@code tie_word_embeddings: false}: lm_head.weight is the output projection's own weight. */
    public static final KeyMapping GPT2_UNTIED = gpt2(true);

    private static KeyMapping gpt2(boolean untied) {
        String t = "(?:transformer\\.)?";
        List<Rule> rules = new ArrayList<>(List.of(
                Rule.copy(t + "wte\\.weight", "embed.tokens.weight"),
                Rule.copy(t + "wpe\\.weight", "embed.positions.weight"),
                Rule.copy(t + "h\\.(\\d+)\\.ln_1\\.(weight|bias)", "decoder.layers.$1.norm1.$2"),
                Rule.transposed(t + "h\\.(\\d+)\\.attn\\.c_attn\\.weight", "decoder.layers.$1.self_attn.in_proj_weight"),
                Rule.copy(t + "h\\.(\\d+)\\.attn\\.c_attn\\.bias", "decoder.layers.$1.self_attn.in_proj_bias"),
                Rule.transposed(t + "h\\.(\\d+)\\.attn\\.c_proj\\.weight", "decoder.layers.$1.self_attn.out_proj.weight"),
                Rule.copy(t + "h\\.(\\d+)\\.attn\\.c_proj\\.bias", "decoder.layers.$1.self_attn.out_proj.bias"),
                Rule.copy(t + "h\\.(\\d+)\\.ln_2\\.(weight|bias)", "decoder.layers.$1.norm2.$2"),
                Rule.transposed(t + "h\\.(\\d+)\\.mlp\\.c_fc\\.weight", "decoder.layers.$1.linear1.weight"),
                Rule.copy(t + "h\\.(\\d+)\\.mlp\\.c_fc\\.bias", "decoder.layers.$1.linear1.bias"),
                Rule.transposed(t + "h\\.(\\d+)\\.mlp\\.c_proj\\.weight", "decoder.layers.$1.linear2.weight"),
                Rule.copy(t + "h\\.(\\d+)\\.mlp\\.c_proj\\.bias", "decoder.layers.$1.linear2.bias"),
                Rule.copy(t + "ln_f\\.(weight|bias)", "decoder.norm.$1")));
        List<Pattern> ignored = new ArrayList<>(List.of(Pattern.compile(t + "h\\.\\d+\\.attn\\.(?:masked_)?bias"),
                Pattern.compile("score\\.(?:weight|bias)"), Pattern.compile("multiple_choice_head\\..*"),
                Pattern.compile("v_head\\..*")));
        if (untied) {
            rules.add(Rule.copy("lm_head\\.weight", "lm_head.weight"));
        } else {
            ignored.add(Pattern.compile("lm_head\\.weight"));
        }
        return new KeyMapping(untied ? "gpt2 (untied lm_head)" : "gpt2", rules, ignored);
    }

    /**
     * HF transformers' MarianMTModel (Opus-MT): q/k/v projections stacked into in_proj, the layer norms
     * after each sublayer renamed to torch.nn.Transformer's norm1..3, {@code final_logits_bias} as the
     * output projection's bias. The sinusoidal position tables some checkpoints store are recomputed.
     */
    public static final KeyMapping MARIAN = new KeyMapping("marian", marianRules(),
            List.of(Pattern.compile("(?:model\\.)?(?:encoder|decoder)\\.embed_positions\\.weight")));

    private static List<Rule> marianRules() {
        String m = "(?:model\\.)?";
        List<Rule> rules = new ArrayList<>(List.of(
                Rule.copy(m + "shared\\.weight", "src_embed.tokens.weight"),
                Rule.copy(m + "encoder\\.embed_tokens\\.weight", "src_embed.tokens.weight"),
                Rule.copy(m + "decoder\\.embed_tokens\\.weight", "tgt_embed.tokens.weight"),
                Rule.copy("lm_head\\.weight", "generator.weight"),
                Rule.flattened("final_logits_bias", "generator.bias")));
        // (HF attention module, our attention module, the norm after it) per stack
        String[][] sublayers = {
            {"encoder", "self_attn", "self_attn", "self_attn_layer_norm", "norm1"},
            {"decoder", "self_attn", "self_attn", "self_attn_layer_norm", "norm1"},
            {"decoder", "encoder_attn", "multihead_attn", "encoder_attn_layer_norm", "norm2"}};
        for (String[] s : sublayers) {
            String hf = m + s[0] + "\\.layers\\.(\\d+)\\." + s[1] + "\\.";
            String ours = s[0] + ".layers.$1." + s[2] + ".";
            String[] qkv = {"q", "k", "v"};
            for (int i = 0; i < 3; i++) {
                rules.add(Rule.part(hf + qkv[i] + "_proj\\.weight", ours + "in_proj_weight", i, 3));
                rules.add(Rule.part(hf + qkv[i] + "_proj\\.bias", ours + "in_proj_bias", i, 3));
            }
            rules.add(Rule.copy(hf + "out_proj\\.(weight|bias)", ours + "out_proj.$2"));
            rules.add(Rule.copy(m + s[0] + "\\.layers\\.(\\d+)\\." + s[3] + "\\.(weight|bias)", s[0] + ".layers.$1." + s[4] + ".$2"));
        }
        for (String stack : new String[] {"encoder", "decoder"}) {
            String hf = m + stack + "\\.layers\\.(\\d+)\\.";
            rules.add(Rule.copy(hf + "fc1\\.(weight|bias)", stack + ".layers.$1.linear1.$2"));
            rules.add(Rule.copy(hf + "fc2\\.(weight|bias)", stack + ".layers.$1.linear2.$2"));
            rules.add(Rule.copy(hf + "final_layer_norm\\.(weight|bias)", stack + ".layers.$1."
                    + (stack.equals("encoder") ? "norm2" : "norm3") + ".$2"));
        }
        return List.copyOf(rules);
    }

    /**
     * HF transformers' BertModel (BERT, MiniLM, sentence-transformers encoders; the "bert." prefix of the task
     * models is optional): query/key/value stacked into in_proj, the norm after attention as norm1, the norm after
     * the feed-forward network as norm2, intermediate/output dense as linear1/linear2. Old checkpoints' LayerNorm
     * gamma/beta read as weight/bias. The pooler (dense + tanh over [CLS]) and task heads ({@code cls.*}) are not
     * part of {@link EncoderOnly} and are skipped, as are the {@code position_ids} and {@code token_type_ids} buffers.
     */
    public static final KeyMapping BERT = new KeyMapping("bert", bertRules(), List.of(
            Pattern.compile("(?:bert\\.)?embeddings\\.(?:position_ids|token_type_ids)"),
            Pattern.compile("(?:bert\\.)?pooler\\..*"), Pattern.compile("cls\\..*")));

    private static List<Rule> bertRules() {
        String e = "(?:bert\\.)?embeddings\\.";
        String l = "(?:bert\\.)?encoder\\.layer\\.(\\d+)\\.";
        String ours = "encoder.layers.$1.";
        List<Rule> rules = new ArrayList<>(List.of(
                Rule.copy(e + "word_embeddings\\.weight", "embed.tokens.weight"),
                Rule.copy(e + "position_embeddings\\.weight", "embed.positions.weight"),
                Rule.copy(e + "token_type_embeddings\\.weight", "embed.types.weight"),
                Rule.copy(e + "LayerNorm\\.(?:weight|gamma)", "embed.norm.weight"),
                Rule.copy(e + "LayerNorm\\.(?:bias|beta)", "embed.norm.bias")));
        String[] qkv = {"query", "key", "value"};
        for (int i = 0; i < 3; i++) {
            rules.add(Rule.part(l + "attention\\.self\\." + qkv[i] + "\\.(weight|bias)", ours + "self_attn.in_proj_$2", i, 3));
        }
        rules.add(Rule.copy(l + "attention\\.output\\.dense\\.(weight|bias)", ours + "self_attn.out_proj.$2"));
        rules.add(Rule.copy(l + "intermediate\\.dense\\.(weight|bias)", ours + "linear1.$2"));
        rules.add(Rule.copy(l + "output\\.dense\\.(weight|bias)", ours + "linear2.$2"));
        String[][] norms = {{"attention\\.output\\.LayerNorm", "norm1"}, {"output\\.LayerNorm", "norm2"}};
        for (String[] n : norms) {
            rules.add(Rule.copy(l + n[0] + "\\.(?:weight|gamma)", ours + n[1] + ".weight"));
            rules.add(Rule.copy(l + n[0] + "\\.(?:bias|beta)", ours + n[1] + ".bias"));
        }
        return List.copyOf(rules);
    }

    /** Our key for a foreign key, or null when the key is ignored; an unknown key is an error. */
    public String ours(String foreign) {
        Rule r = rule(foreign);
        return r == null ? null : r.foreign().matcher(foreign).replaceAll(r.ours());
    }

    /** Our key and the rule for a foreign key, or null when the key is ignored; an unknown key is an error. */
    public Target target(String foreign) {
        Rule r = rule(foreign);
        return r == null ? null : new Target(r.foreign().matcher(foreign).replaceAll(r.ours()), r);
    }

    /** Whether the family has this key: a rule maps it or it is one of the ignored ones. */
    public boolean knows(String foreign) {
        return rules.stream().anyMatch(r -> r.foreign().matcher(foreign).matches())
                || ignored.stream().anyMatch(p -> p.matcher(foreign).matches());
    }

    /** The rule for a foreign key, or null when the key is ignored; an unknown key is an error. */
    private Rule rule(String foreign) {
        for (Rule r : rules) {
            if (r.foreign().matcher(foreign).matches()) {
                return r;
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
     * Converts a foreign state dict (names and a loader per name) into ours and loads it into the model.
     * Every foreign tensor must fit the parameter it maps to (a mismatch names the foreign tensor, both
     * shapes and the config that implied ours), and every parameter of the model must be covered (tied
     * ones once; a stacked tensor by all its parts).
     */
    public void load(Module model, Iterable<String> foreignKeys, Function<String, Tensor> loader) {
        Map<String, Variable> params = model.namedParameters();
        Map<String, Tensor> state = new LinkedHashMap<>();
        Map<String, Tensor[]> stacked = new LinkedHashMap<>();
        Map<String, List<String>> stackedFrom = new LinkedHashMap<>();
        Map<String, String> from = new LinkedHashMap<>();                   // our key (and part) -> the foreign key
        for (String k : foreignKeys) {
            Rule rule = rule(k);
            if (rule == null) {
                continue;
            }
            String ours = rule.foreign().matcher(k).replaceAll(rule.ours());
            Variable p = params.get(ours);
            if (p == null) {
                throw new IllegalArgumentException(family + " checkpoint: tensor '" + k + "' maps to " + ours
                        + ", which the model built from the config does not have");
            }
            Tensor raw = loader.apply(k);
            Tensor t = rule.transform().apply(raw);
            int[] want = p.shape();
            want[0] /= rule.parts();
            if (!Arrays.equals(want, t.shape()) || p.shape()[0] % rule.parts() != 0) {
                throw new IllegalArgumentException(family + " checkpoint: tensor '" + k + "' has shape "
                        + Shapes.str(raw.shape()) + ", which does not fit " + ours + " of shape " + Shapes.str(p.shape())
                        + (rule.parts() > 1 ? " (part " + (rule.part() + 1) + " of " + rule.parts() + ")" : "")
                        + " as the config implies");
            }
            String earlier = from.putIfAbsent(ours + (rule.parts() == 1 ? "" : "#" + rule.part()), k);
            if (earlier != null) {
                // A state dict of tied weights stores each name (Marian's model.shared and encoder.embed_tokens):
                // equal copies are one weight; different ones cannot both be it.
                Tensor first = rule.parts() == 1 ? state.get(ours) : stacked.get(ours)[rule.part()];
                if (first != null && Arrays.equals(first.toArray(), t.toArray())) {
                    continue;
                }
                throw new IllegalArgumentException(family + " checkpoint: tensors '" + earlier + "' and '" + k
                        + "' both map to " + ours + (rule.parts() > 1 ? " (part " + (rule.part() + 1) + ")" : "")
                        + " but differ");
            }
            if (rule.parts() == 1) {
                state.put(ours, t);
            } else {
                stacked.computeIfAbsent(ours, x -> new Tensor[rule.parts()])[rule.part()] = t;
                stackedFrom.computeIfAbsent(ours, x -> new ArrayList<>()).add(k);
            }
        }
        stacked.forEach((ours, parts) -> {
            for (int i = 0; i < parts.length; i++) {
                if (parts[i] == null) {
                    throw new IllegalArgumentException(family + " checkpoint lacks part " + (i + 1) + " of " + parts.length
                            + " of " + ours + " (it has " + stackedFrom.get(ours) + ")");
                }
            }
            state.put(ours, Indexing.concat(0, parts));                      // (parts rows, ...)
        });
        TreeSet<String> missing = new TreeSet<>();
        Set<Object> covered = Collections.newSetFromMap(new IdentityHashMap<>());
        params.forEach((k, v) -> {
            if (state.containsKey(k)) {
                covered.add(v);
            }
        });
        params.forEach((k, v) -> {
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
