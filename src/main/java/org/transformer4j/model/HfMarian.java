package org.transformer4j.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.transformer4j.model.TransformerConfig.Architecture;
import org.transformer4j.model.TransformerConfig.InitScheme;
import org.transformer4j.nn.Activation;
import org.transformer4j.nn.LayerSpec.AttentionKind;
import org.transformer4j.nn.LayerSpec.Positions;
import org.transformer4j.nn.NormLayer;
import org.transformer4j.nn.NormPlacement;
import org.transformer4j.tensor.Rng;

/**
 * A Marian translation model (HF transformers' MarianMTModel, the architecture of the Opus-MT models) from
 * a Hugging Face folder: config.json, model.safetensors (or a sharded index) and, when present,
 * generation_config.json. Marian is the paper's encoder-decoder as a config of ours, not a class of its own:
 * Post-LN layers (eps 1e-5) without final or embedding norms, sinusoidal positions from 0 with the sines in
 * the first half of the dimensions, embeddings scaled by sqrt(d) when {@code scale_embedding} says so, one
 * embedding for source, target and output (unless the config separates them), and {@code final_logits_bias}.
 *
 * <pre>{@code
 * EncoderDecoder model = HfMarian.load(dir);
 * int[] out = Generation.generate(model, Tokens.of(ids), HfMarian.generationConfig(dir)).get(0);
 * }</pre>
 */
public final class HfMarian {
    private HfMarian() {
    }

    /** config.json keys that define the model, read below. */
    private static final Set<String> USED = Set.of("model_type", "architectures", "vocab_size", "decoder_vocab_size",
            "d_model", "encoder_layers", "decoder_layers", "encoder_attention_heads", "decoder_attention_heads",
            "encoder_ffn_dim", "decoder_ffn_dim", "max_position_embeddings", "activation_function", "scale_embedding",
            "share_encoder_decoder_embeddings", "tie_word_embeddings");

    /**
     * config.json keys that do not change inference: training settings, bookkeeping, token ids (read by
     * {@link #generationConfig}), and settings left over from the BART conversion that HF's MarianMTModel
     * never reads (normalize_before, static_position_embeddings, ...).
     */
    private static final Set<String> IGNORED = Set.of("dropout", "attention_dropout", "activation_dropout",
            "encoder_layerdrop", "decoder_layerdrop", "init_std", "use_cache", "is_encoder_decoder", "is_decoder",
            "num_hidden_layers", "transformers_version", "_name_or_path", "dtype", "torch_dtype", "pad_token_id",
            "bos_token_id", "eos_token_id", "decoder_start_token_id", "sep_token_id", "gradient_checkpointing",
            "output_past", "id2label", "label2id", "_num_labels", "num_labels", "classif_dropout", "classifier_dropout",
            "add_cross_attention", "tie_encoder_decoder", "return_dict", "output_hidden_states", "output_attentions",
            "torchscript", "use_bfloat16", "pruned_heads", "chunk_size_feed_forward", "problem_type", "tokenizer_class",
            "prefix", "task_specific_params", "finetuning_task", "cross_attention_hidden_size", "tf_legacy_loss",
            "_commit_hash", "_attn_implementation_autoset", "normalize_before", "normalize_embedding",
            "add_final_layer_norm", "add_bias_logits", "static_position_embeddings", "extra_pos_embeddings",
            // further leftovers of older conversions and PretrainedConfig's generic keys
            "do_blenderbot_90_layernorm", "force_bos_token_to_be_generated", "unk_token_id", "_attn_implementation",
            "keys_to_ignore_at_inference", "xla_device", "output_scores", "return_dict_in_generate", "layernorm_embedding",
            "scale_attention", "remove_invalid_values", "min_length", "do_sample", "temperature", "top_k", "top_p");

    /** Our config for a Marian config.json. */
    public static TransformerConfig config(Path configJson) throws IOException {
        return config(HfFiles.JsonFile.read(configJson));
    }

    static TransformerConfig config(HfFiles.JsonFile f) {
        String type = HfFiles.modelType(f);
        if (!type.equals("marian")) {
            throw new IllegalArgumentException(f.file() + ": model_type '" + type + "' is not marian");
        }
        if (f.has("architectures")) {
            Object arch = f.json().get("architectures");
            if (!(arch instanceof List<?> l) || !l.contains("MarianMTModel")) {
                throw new IllegalArgumentException(f.file() + ": architectures " + f.describe(arch) + " is not supported; "
                        + "transformer4j runs MarianMTModel (the translation model with its LM head)");
            }
        }
        java.util.HashSet<String> known = new java.util.HashSet<>(USED);
        known.addAll(IGNORED);
        known.addAll(GENERATION_KEYS);
        f.onlyKeys(known, "config");
        // Absent keys take MarianConfig's defaults (transformers 5.17), as from_pretrained does.
        int heads = f.integer("encoder_attention_heads", 1, 16);
        int ffn = f.integer("encoder_ffn_dim", 1, 4096);
        same(f, "decoder_attention_heads", heads, "encoder_attention_heads", 16);
        same(f, "decoder_ffn_dim", ffn, "encoder_ffn_dim", 4096);
        int vocab = f.integer("vocab_size", 1, 58101);
        boolean share = f.bool("share_encoder_decoder_embeddings", true);
        // As MarianMTModel: with shared embeddings the target vocabulary is vocab_size, else decoder_vocab_size.
        int target = share ? vocab : f.integer("decoder_vocab_size", 1, vocab);
        String act = f.has("activation_function") ? f.string("activation_function") : "gelu";
        Activation activation = switch (act) {
            case "swish", "silu" -> Activation.SILU;
            case "gelu" -> Activation.GELU;
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> Activation.GELU_TANH;
            case "relu" -> Activation.RELU;
            default -> throw new IllegalArgumentException(f.file() + ": activation_function '" + act
                    + "' is not supported (swish, silu, gelu, gelu_new, relu are)");
        };
        try {
            return new TransformerConfig(Architecture.ENCODER_DECODER, target, vocab, f.integer("d_model", 1, 1024), heads, 0,
                    f.integer("encoder_layers", 1, 12), f.integer("decoder_layers", 1, 12), ffn, 0f, activation, false,
                    NormLayer.Kind.LAYER_NORM, NormPlacement.POST, false, 1e-5f, Positions.SINUSOIDAL_HALVES,
                    f.integer("max_position_embeddings", 1, 1024), 0, AttentionKind.SOFTMAX, true,
                    f.bool("tie_word_embeddings", true), true, share, f.bool("scale_embedding", false), false, 0,
                    InitScheme.XAVIER);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(f.file() + ": " + e.getMessage(), e);
        }
    }

    private static void same(HfFiles.JsonFile f, String key, int expected, String other, int absent) {
        int v = f.integer(key, 1, absent);
        if (v != expected) {
            throw new IllegalArgumentException(f.file() + ": " + key + " " + v + " differs from " + other + " " + expected
                    + "; transformer4j builds encoder and decoder layers of one shape");
        }
    }

    /** Builds the model and loads the weights; the model is in evaluation mode. */
    public static EncoderDecoder load(Path dir) throws IOException {
        return load(dir, config(dir.resolve("config.json")));
    }

    static EncoderDecoder load(Path dir, TransformerConfig config) throws IOException {
        HfFiles.requireWeightsFit(dir, config);
        EncoderDecoder model = new EncoderDecoder(config, new Rng(0));
        HfFiles.loadWeights(model, dir, KeyMapping.MARIAN);
        model.eval();
        return model;
    }

    // ---------------------------------------------------------------- generation settings

    /** Generation keys read below. */
    private static final Set<String> GENERATION_USED = Set.of("decoder_start_token_id", "eos_token_id", "max_length",
            "max_new_tokens", "num_beams", "length_penalty", "early_stopping", "bad_words_ids", "forced_eos_token_id",
            "renormalize_logits");

    /** Generation keys that change nothing here (sampling only, output options, bookkeeping). */
    private static final Set<String> GENERATION_IGNORED = Set.of("pad_token_id", "bos_token_id", "_from_model_config",
            "transformers_version", "use_cache", "output_attentions", "output_hidden_states", "output_scores",
            "output_logits", "return_dict_in_generate", "num_return_sequences", "temperature", "top_k", "top_p",
            "typical_p", "min_p", "epsilon_cutoff", "eta_cutoff", "cache_implementation", "remove_invalid_values");

    /** Generation keys whose default value is all we implement: value when a file sets them anyway. */
    private static final Map<String, Object> GENERATION_DEFAULT_ONLY = Map.ofEntries(
            Map.entry("do_sample", false), Map.entry("num_beam_groups", 1L), Map.entry("diversity_penalty", 0.0),
            Map.entry("repetition_penalty", 1.0), Map.entry("encoder_repetition_penalty", 1.0),
            Map.entry("no_repeat_ngram_size", 0L), Map.entry("encoder_no_repeat_ngram_size", 0L),
            Map.entry("min_length", 0L), Map.entry("min_new_tokens", 0L), Map.entry("suppress_tokens", List.of()),
            Map.entry("begin_suppress_tokens", List.of()), Map.entry("forced_bos_token_id", -1L),
            Map.entry("exponential_decay_length_penalty", List.of()), Map.entry("sequence_bias", List.of()),
            Map.entry("force_words_ids", List.of()), Map.entry("constraints", List.of()), Map.entry("guidance_scale", 1.0),
            Map.entry("penalty_alpha", 0.0), Map.entry("max_time", 0.0), Map.entry("stop_strings", List.of()));

    private static final Set<String> GENERATION_KEYS;

    static {
        java.util.HashSet<String> all = new java.util.HashSet<>(GENERATION_USED);
        all.addAll(GENERATION_IGNORED);
        all.addAll(GENERATION_DEFAULT_ONLY.keySet());
        GENERATION_KEYS = Set.copyOf(all);
    }

    /**
     * The generation settings HF's generate would use: generation_config.json when the folder has one, else
     * the generation keys of config.json (older checkpoints); HF's defaults (greedy, max_length 20) for
     * what neither sets. Settings we do not implement (sampling, repetition penalties, ...) are rejected
     * when they are set to anything but their default.
     */
    public static GenerationConfig generationConfig(Path dir) throws IOException {
        HfFiles.JsonFile model = HfFiles.JsonFile.read(dir.resolve("config.json"));
        Path genFile = dir.resolve("generation_config.json");
        HfFiles.JsonFile gen = Files.isRegularFile(genFile) ? HfFiles.JsonFile.read(genFile) : null;
        if (gen != null) {
            gen.onlyKeys(GENERATION_KEYS, "generation");
        }
        HfFiles.JsonFile g = gen != null ? gen : model;
        GENERATION_DEFAULT_ONLY.forEach((key, def) -> {
            Object v = g.json().get(key);
            if (!isDefault(v, def)) {
                throw new IllegalArgumentException(g.file() + ": " + key + " = " + g.describe(v)
                        + " is not supported (transformer4j decodes greedily or with beam search, without penalties)");
            }
        });
        TransformerConfig config = config(model);
        int vocab = config.vocabSize();
        int start = tokenId(g, model, "decoder_start_token_id", vocab);
        int eos = tokenId(g, model, "eos_token_id", vocab);
        // HF generate without max_length anywhere: 20 new tokens after the start token, within the positions.
        int maxLength = g.has("max_new_tokens") ? 1 + g.integer("max_new_tokens", 1)
                : g.integer("max_length", 2, Math.max(2, Math.min(21, config.maxPositions())));
        Object es = g.json().get("early_stopping");
        GenerationConfig.EarlyStopping early = switch (es) {
            case null -> GenerationConfig.EarlyStopping.HEURISTIC;
            case Boolean b -> b ? GenerationConfig.EarlyStopping.ON : GenerationConfig.EarlyStopping.HEURISTIC;
            case String s when s.equals("never") -> GenerationConfig.EarlyStopping.NEVER;
            default -> throw new IllegalArgumentException(g.file() + ": early_stopping must be true, false or \"never\", got "
                    + g.describe(es));
        };
        int forcedEos = g.has("forced_eos_token_id") ? tokenId(g, g, "forced_eos_token_id", vocab) : -1;
        try {
            return new GenerationConfig(start, eos, maxLength, g.integer("num_beams", 1, 1), g.number("length_penalty", 1.0),
                    early, badTokens(g, vocab), forcedEos, g.bool("renormalize_logits", false));
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith(g.file().toString()) ? e : new IllegalArgumentException(g.file() + ": " + e.getMessage(), e);
        }
    }

    /** A token id from the generation settings, falling back on config.json; HF allows a list of eos ids, we one. */
    private static int tokenId(HfFiles.JsonFile g, HfFiles.JsonFile model, String key, int vocab) {
        HfFiles.JsonFile from = g.has(key) ? g : model;
        Object v = from.json().get(key);
        if (v instanceof List<?> l && l.size() == 1) {
            v = l.get(0);
        }
        if (!(v instanceof Long id) || id < 0 || id >= vocab) {
            throw new IllegalArgumentException(from.file() + ": " + (v == null ? "required field " + key + " is missing"
                    : key + " must be one token id below the vocabulary size " + vocab + ", got " + from.describe(v)));
        }
        return id.intValue();
    }

    /** HF's bad_words_ids, single tokens only (Opus-MT bans the pad token this way). */
    private static List<Integer> badTokens(HfFiles.JsonFile g, int vocab) {
        Object v = g.json().get("bad_words_ids");
        List<Integer> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (v instanceof List<?> words) {
            for (Object w : words) {
                if (w instanceof List<?> seq && seq.size() == 1 && seq.get(0) instanceof Long id && id >= 0 && id < vocab) {
                    out.add(id.intValue());
                    continue;
                }
                throw new IllegalArgumentException(g.file() + ": bad_words_ids entry " + g.describe(w)
                        + " is not supported (only single token ids below " + vocab + ")");
            }
            return out;
        }
        throw new IllegalArgumentException(g.file() + ": bad_words_ids must be a list of token id lists, got " + g.describe(v));
    }

    private static boolean isDefault(Object v, Object def) {
        if (v == null || v.equals(def)) {
            return true;
        }
        if (v instanceof List<?> l) {
            return l.isEmpty() && def instanceof List<?>;
        }
        if (v instanceof Number n && def instanceof Number d) {
            return n.doubleValue() == d.doubleValue();
        }
        return false;
    }
}
