package org.transformer4j.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.transformer4j.io.Json;
import org.transformer4j.io.SafeTensorsFile;
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
    @SuppressWarnings("unchecked")
    public static TransformerConfig config(Path configJson) throws IOException {
        Object parsed = Json.parse(Files.readString(configJson, StandardCharsets.UTF_8));
        if (!(parsed instanceof Map)) {
            throw new IllegalArgumentException(configJson + ": not a JSON object");
        }
        Map<String, Object> c = (Map<String, Object>) parsed;
        int d = intField(c, "n_embd", configJson);
        Object inner = c.get("n_inner");
        String act = String.valueOf(c.getOrDefault("activation_function", "gelu_new"));
        Activation activation = switch (act) {
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> Activation.GELU_TANH;
            case "gelu" -> Activation.GELU;
            case "relu" -> Activation.RELU;
            case "silu", "swish" -> Activation.SILU;
            default -> throw new IllegalArgumentException(configJson + ": activation_function '" + act + "' is not supported");
        };
        return TransformerConfig.gpt2().withVocabSize(intField(c, "vocab_size", configJson)).withHeads(1).withDModel(d)
                .withHeads(intField(c, "n_head", configJson)).withDecoderLayers(intField(c, "n_layer", configJson))
                .withMaxPositions(intField(c, "n_positions", configJson))
                .withDFF(inner == null ? 4 * d : ((Number) inner).intValue())
                .withLayerNormEps(((Number) c.getOrDefault("layer_norm_epsilon", 1e-5)).floatValue())
                .withActivation(activation).withDropout(0f)
                .withTieOutput(!Boolean.FALSE.equals(c.get("tie_word_embeddings")));
    }

    /** Builds the model and loads the weights; the model is in evaluation mode. */
    public static DecoderOnly load(Path dir) throws IOException {
        TransformerConfig config = config(require(dir.resolve("config.json")));
        DecoderOnly model = new DecoderOnly(config, new Rng(0));
        List<Path> files = weightFiles(dir);
        List<SafeTensorsFile> open = new ArrayList<>();
        try {
            Map<String, SafeTensorsFile> owner = new LinkedHashMap<>();
            for (Path p : files) {
                SafeTensorsFile f = SafeTensorsFile.open(p);
                open.add(f);
                f.entries().forEach(e -> owner.put(e.name(), f));
            }
            KeyMapping.GPT2.load(model, owner.keySet(), k -> owner.get(k).load(k));
        } finally {
            open.forEach(SafeTensorsFile::close);
        }
        model.eval();
        return model;
    }

    @SuppressWarnings("unchecked")
    private static List<Path> weightFiles(Path dir) throws IOException {
        Path single = dir.resolve("model.safetensors");
        if (Files.isRegularFile(single)) {
            return List.of(single);
        }
        Path index = require(dir.resolve("model.safetensors.index.json"));
        Object parsed = Json.parse(Files.readString(index, StandardCharsets.UTF_8));
        if (!(parsed instanceof Map<?, ?> m) || !(m.get("weight_map") instanceof Map<?, ?> weightMap)) {
            throw new IllegalArgumentException(index + ": no \"weight_map\" object");
        }
        List<Path> files = new ArrayList<>();
        for (Object f : new java.util.LinkedHashSet<>(((Map<String, Object>) weightMap).values())) {
            Path p = dir.resolve(String.valueOf(f)).normalize();
            if (!p.startsWith(dir.normalize())) {
                throw new IllegalArgumentException(index + ": shard '" + f + "' lies outside the model folder");
            }
            files.add(require(p));
        }
        return files;
    }

    private static int intField(Map<String, Object> c, String key, Path file) {
        Object v = c.get(key);
        if (!(v instanceof Long l) || l < 1 || l > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(file + ": field " + key + " must be a positive integer, got " + v);
        }
        return l.intValue();
    }

    private static Path require(Path p) {
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException(p + ": no such file");
        }
        return p;
    }
}
