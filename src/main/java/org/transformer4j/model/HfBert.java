package org.transformer4j.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
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
 * A BERT-style encoder (HF transformers' BertModel: BERT, MiniLM, the sentence-transformers encoders) from a
 * Hugging Face folder: config.json plus model.safetensors (or a sharded index), names mapped by
 * {@link KeyMapping#BERT}. BERT is {@link EncoderOnly} with Post-LN layers, learned absolute positions, token
 * types and a norm after the summed embeddings.
 *
 * <pre>{@code
 * EncoderOnly bert = HfBert.load(Path.of("all-MiniLM-L6-v2"));
 * float[][] sentences = SentenceEmbeddings.embed(bert, Tokens.padded(ids, 0));
 * }</pre>
 */
public final class HfBert {
    private HfBert() {
    }

    /** config.json keys read below. */
    private static final Set<String> USED = Set.of("model_type", "architectures", "vocab_size", "hidden_size",
            "num_hidden_layers", "num_attention_heads", "intermediate_size", "hidden_act", "max_position_embeddings",
            "type_vocab_size", "layer_norm_eps", "position_embedding_type", "is_decoder", "add_cross_attention");

    /** config.json keys that change nothing at inference. */
    private static final Set<String> IGNORED = Set.of("hidden_dropout_prob", "attention_probs_dropout_prob",
            "classifier_dropout", "initializer_range", "pad_token_id", "bos_token_id", "eos_token_id", "sep_token_id",
            "gradient_checkpointing", "use_cache", "transformers_version", "_name_or_path", "dtype", "torch_dtype",
            "id2label", "label2id", "num_labels", "problem_type", "tokenizer_class", "return_dict",
            "output_hidden_states", "output_attentions", "torchscript", "pruned_heads", "chunk_size_feed_forward",
            "directionality", "pooler_fc_size", "pooler_num_attention_heads", "pooler_num_fc_layers", "pooler_size_per_head",
            "pooler_type", "_attn_implementation_autoset", "finetuning_task",
            // PretrainedConfig's generic keys, which older or re-saved configs carry and BertModel never reads
            "output_past", "tie_word_embeddings", "is_encoder_decoder", "tie_encoder_decoder", "max_length", "min_length",
            "task_specific_params", "prefix", "decoder_start_token_id", "bad_words_ids", "early_stopping", "num_beams",
            "num_beam_groups", "length_penalty", "no_repeat_ngram_size", "encoder_no_repeat_ngram_size", "do_sample",
            "temperature", "top_k", "top_p", "typical_p", "repetition_penalty", "diversity_penalty",
            "num_return_sequences", "forced_bos_token_id", "forced_eos_token_id", "remove_invalid_values",
            "exponential_decay_length_penalty", "suppress_tokens", "begin_suppress_tokens", "output_scores",
            "return_dict_in_generate", "tf_legacy_loss", "use_bfloat16", "xla_device", "_commit_hash",
            "cross_attention_hidden_size", "_attn_implementation", "keys_to_ignore_at_inference");

    /** Our config for a BertModel config.json. */
    public static TransformerConfig config(Path configJson) throws IOException {
        return config(HfFiles.JsonFile.read(configJson));
    }

    static TransformerConfig config(HfFiles.JsonFile f) {
        String type = HfFiles.modelType(f);
        if (!type.equals("bert")) {
            throw new IllegalArgumentException(f.file() + ": model_type '" + type + "' is not bert");
        }
        Set<String> known = new HashSet<>(USED);
        known.addAll(IGNORED);
        f.onlyKeys(known, "config");
        if (f.bool("is_decoder", false) || f.bool("add_cross_attention", false)) {
            throw new IllegalArgumentException(f.file() + ": a BERT decoder (is_decoder or add_cross_attention) is not "
                    + "supported; transformer4j loads BertModel as an encoder");
        }
        if (f.has("position_embedding_type") && !"absolute".equals(f.json().get("position_embedding_type"))) {
            throw new IllegalArgumentException(f.file() + ": position_embedding_type "
                    + f.describe(f.json().get("position_embedding_type")) + " is not supported (only \"absolute\")");
        }
        String act = f.has("hidden_act") ? f.string("hidden_act") : "gelu";
        Activation activation = switch (act) {
            case "gelu" -> Activation.GELU;
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> Activation.GELU_TANH;
            case "relu" -> Activation.RELU;
            case "silu", "swish" -> Activation.SILU;
            default -> throw new IllegalArgumentException(f.file() + ": hidden_act '" + act
                    + "' is not supported (gelu, gelu_new, relu, silu are)");
        };
        try {
            return config(f.integer("vocab_size", 1), f.integer("hidden_size", 1), f.integer("num_attention_heads", 1),
                    f.integer("num_hidden_layers", 1), f.integer("intermediate_size", 1),
                    f.integer("max_position_embeddings", 1), f.integer("type_vocab_size", 1, 2),
                    (float) f.number("layer_norm_eps", 1e-12), activation);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(f.file() + ": " + e.getMessage(), e);
        }
    }

    /**
     * BERT's architecture as our config: encoder-only, Post-LN with a norm after the embeddings and none after the
     * stack, learned positions, token types, biases everywhere, no dropout (inference).
     */
    public static TransformerConfig config(int vocab, int dModel, int heads, int layers, int dFF, int maxPositions,
                                           int tokenTypes, float eps, Activation activation) {
        return new TransformerConfig(Architecture.ENCODER_ONLY, vocab, 0, dModel, heads, 0, layers, 0, dFF, 0f, activation,
                false, NormLayer.Kind.LAYER_NORM, NormPlacement.POST, false, eps, Positions.LEARNED, maxPositions, 0,
                AttentionKind.SOFTMAX, true, true, false, false, false, true, tokenTypes, InitScheme.NORMAL);
    }

    /** Builds the model and loads the weights; the model is in evaluation mode. */
    public static EncoderOnly load(Path dir) throws IOException {
        TransformerConfig config = config(dir.resolve("config.json"));
        HfFiles.requireWeightsFit(dir, config);
        EncoderOnly model = new EncoderOnly(config, new Rng(0));
        HfFiles.loadWeights(model, dir, KeyMapping.BERT);
        model.eval();
        return model;
    }
}
