package org.transformer4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.transformer4j.io.SafeTensorsFile;
import org.transformer4j.model.ConfigJson;
import org.transformer4j.model.Models;
import org.transformer4j.model.TransformerConfig;
import org.transformer4j.nn.Module;
import org.transformer4j.tensor.Rng;

/** Turns --preset / --config / --model (a run folder, a weights folder or a Hugging Face folder) into a built model. */
final class ModelSource {
    private ModelSource() {
    }

    /** A model with a display name. */
    record Loaded(String name, TransformerConfig config, Module model) {
    }

    static Loaded load(String preset, Path config, Path modelDir) throws IOException {
        if (preset != null) {
            return build(preset, TransformerConfig.preset(preset));
        }
        if (config != null) {
            requireFile(config);
            return build(config.getFileName().toString(), ConfigJson.read(config));
        }
        if (org.transformer4j.model.HfModels.isHfFolder(modelDir)) {
            // A Hugging Face folder (GPT-2, Marian): its own config names and weight names, mapped on load.
            return new Loaded(modelDir.getFileName().toString(), org.transformer4j.model.HfModels.config(modelDir),
                    org.transformer4j.model.HfModels.load(modelDir));
        }
        Path cfg = modelDir.resolve("config.json");
        requireFile(cfg);
        Loaded l = build(modelDir.getFileName().toString(), ConfigJson.read(cfg));
        Path weights = modelDir.resolve("model.safetensors");
        java.util.Optional<Path> checkpoint = org.transformer4j.train.Checkpoint.latest(modelDir);
        if (!Files.isRegularFile(weights) && checkpoint.isPresent()) {
            // A training run folder: the weights are in its latest checkpoint (tied matrices stored once).
            org.transformer4j.train.Checkpoint.load(checkpoint.get(), l.model(), null);
            return l;
        }
        requireFile(weights);
        try (SafeTensorsFile f = SafeTensorsFile.open(weights)) {
            java.util.Map<String, org.transformer4j.tensor.Tensor> state = new java.util.LinkedHashMap<>();
            f.entries().forEach(e -> state.put(e.name(), f.load(e.name())));
            l.model().loadStateDict(state, true);
        }
        return l;
    }

    /** A preset name, or a config file when a file of that name exists. */
    static Loaded byNameOrFile(String nameOrFile) throws IOException {
        Path p = Path.of(nameOrFile);
        return Files.isRegularFile(p) ? load(null, p, null) : load(nameOrFile, null, null);
    }

    private static Loaded build(String name, TransformerConfig c) {
        Module m = Models.build(c, new Rng(0));
        m.eval();
        return new Loaded(name, c, m);
    }

    private static void requireFile(Path p) {
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException(p + ": no such file");
        }
    }
}
