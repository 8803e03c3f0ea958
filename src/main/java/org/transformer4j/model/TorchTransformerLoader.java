package org.transformer4j.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.transformer4j.io.SafeTensorsFile;
import org.transformer4j.tensor.Tensor;

/**
 * Loads a torch.nn.Transformer state dict (saved as safetensors) into an {@link EncoderDecoder}: the
 * encoder and decoder keys are the same, so this is a copy by key. torch.nn.Transformer always ends
 * each stack with a LayerNorm, even with norm_first=False (pytorch issue 74092), so the model must be
 * built with {@code final_norm = true}; {@link #configFor} sets it.
 */
public final class TorchTransformerLoader {
    private TorchTransformerLoader() {
    }

    /** The config with the final norm torch.nn.Transformer always has. */
    public static TransformerConfig configFor(TransformerConfig c) {
        return c.withFinalNorm(true);
    }

    /** Copies every encoder.* and decoder.* tensor of the file into the model; all of them must be present. */
    public static void load(EncoderDecoder model, Path file) throws IOException {
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            Map<String, Tensor> state = new LinkedHashMap<>();
            f.entries().forEach(e -> {
                if (e.name().startsWith("encoder.") || e.name().startsWith("decoder.")) {
                    state.put(e.name(), f.load(e.name()));
                }
            });
            TreeSet<String> missing = new TreeSet<>();
            model.namedParameters().keySet().forEach(k -> {
                if ((k.startsWith("encoder.") || k.startsWith("decoder.")) && !state.containsKey(k)) {
                    missing.add(k);
                }
            });
            TreeSet<String> unexpected = new TreeSet<>(state.keySet());
            unexpected.removeAll(model.namedParameters().keySet());
            if (!missing.isEmpty() || !unexpected.isEmpty()) {
                throw new IllegalArgumentException(file + ": not a torch.nn.Transformer state dict for this config (missing "
                        + (missing.isEmpty() ? "none" : missing.first() + (missing.size() > 1 ? " and " + (missing.size() - 1) + " more" : ""))
                        + ", unexpected " + (unexpected.isEmpty() ? "none" : unexpected.first()
                        + (unexpected.size() > 1 ? " and " + (unexpected.size() - 1) + " more" : "")) + ")");
            }
            model.loadStateDict(state, false);
        }
    }
}
