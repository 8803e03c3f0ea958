package org.transformer4j.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.transformer4j.nn.Activation;
import org.transformer4j.tensor.Rng;

/**
 * A GPT-2 model from a Hugging Face folder: config.json plus model.safetensors (or a sharded
 * model.safetensors.index.json), names mapped by {@link KeyMapping#GPT2}.
 */
public final class HfGpt2 {
    private HfGpt2() {
    }

    /** Our config for an HF GPT-2 config.json. */
    public static TransformerConfig config(Path configJson) throws IOException {
        return config(HfFiles.JsonFile.read(configJson));
    }

    static TransformerConfig config(HfFiles.JsonFile file) {
        Map<String, Object> c = file.json();
        if (file.has("model_type") && !"gpt2".equals(c.get("model_type"))) {
            throw new IllegalArgumentException(file.file() + ": model_type " + file.describe(c.get("model_type"))
                    + " is not gpt2");
        }
        int d = file.integer("n_embd", 1);
        String act = String.valueOf(c.getOrDefault("activation_function", "gelu_new"));
        Activation activation = switch (act) {
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> Activation.GELU_TANH;
            case "gelu" -> Activation.GELU;
            case "relu" -> Activation.RELU;
            case "silu", "swish" -> Activation.SILU;
            default -> throw new IllegalArgumentException(file.file() + ": activation_function '" + act + "' is not supported");
        };
        return TransformerConfig.gpt2().withVocabSize(file.integer("vocab_size", 1)).withHeads(1).withDModel(d)
                .withHeads(file.integer("n_head", 1)).withDecoderLayers(file.integer("n_layer", 1))
                .withMaxPositions(file.integer("n_positions", 1))
                .withDFF(file.integer("n_inner", 1, 4 * d))
                .withLayerNormEps((float) file.number("layer_norm_epsilon", 1e-5))
                .withActivation(activation).withDropout(0f)
                .withTieOutput(file.bool("tie_word_embeddings", true));
    }

    /** Builds the model and loads the weights; the model is in evaluation mode. */
    public static DecoderOnly load(Path dir) throws IOException {
        TransformerConfig config = config(dir.resolve("config.json"));
        DecoderOnly model = new DecoderOnly(config, new Rng(0));
        HfFiles.loadWeights(model, dir, KeyMapping.GPT2);
        model.eval();
        return model;
    }
}
