package org.transformer4j.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.transformer4j.nn.Module;

/**
 * One entry for Hugging Face model folders: config.json's {@code model_type} picks the loader.
 * Supported families: {@code gpt2} ({@link HfGpt2}), {@code marian} ({@link HfMarian}) and
 * {@code bert} ({@link HfBert}).
 *
 * <pre>{@code
 * Module model = HfModels.load(Path.of("opus-mt-de-en"));   // config.json + model.safetensors
 * }</pre>
 */
public final class HfModels {
    private HfModels() {
    }

    /** The model types this class loads. */
    public static final List<String> SUPPORTED = List.of("gpt2", "marian", "bert");

    /**
     * Whether dir looks like a Hugging Face model folder: a config.json with a model_type. A config.json that is
     * not valid JSON is an IllegalArgumentException naming it, whatever kind of folder it was meant for.
     */
    public static boolean isHfFolder(Path dir) {
        Path config = dir.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            return false;
        }
        try {
            return HfFiles.JsonFile.read(config).has("model_type");
        } catch (IOException e) {
            return false;
        }
    }

    /** config.json's model_type. */
    public static String modelType(Path dir) throws IOException {
        return HfFiles.modelType(HfFiles.JsonFile.read(dir.resolve("config.json")));
    }

    /** Our config for the folder's config.json; an unsupported model_type is an error naming the supported ones. */
    public static TransformerConfig config(Path dir) throws IOException {
        HfFiles.JsonFile f = HfFiles.JsonFile.read(dir.resolve("config.json"));
        String type = HfFiles.modelType(f);
        return switch (type) {
            case "gpt2" -> HfGpt2.config(f);
            case "marian" -> HfMarian.config(f);
            case "bert" -> HfBert.config(f);
            default -> throw unsupported(f.file(), type);
        };
    }

    /** The folder's model with its weights, in evaluation mode. */
    public static Module load(Path dir) throws IOException {
        String type = modelType(dir);
        return switch (type) {
            case "gpt2" -> HfGpt2.load(dir);
            case "marian" -> HfMarian.load(dir);
            case "bert" -> HfBert.load(dir);
            default -> throw unsupported(dir.resolve("config.json"), type);
        };
    }

    private static IllegalArgumentException unsupported(Path file, String type) {
        return new IllegalArgumentException(file + ": model_type '" + type + "' is not supported (supported: "
                + String.join(", ", SUPPORTED) + ")");
    }
}
