package org.transformer4j.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.transformer4j.tensor.Tensor;

/**
 * A snapshot of an optimizer: its kind, its buffers keyed {@code <parameter name>/<buffer>} (for example
 * {@code decoder.norm.weight/exp_avg}) and string metadata (settings and per-parameter step counts, which
 * may exceed what a float holds exactly).
 */
public record OptimizerState(String kind, Map<String, Tensor> tensors, Map<String, String> metadata) {
    /** The metadata key that holds the kind, as written to {@code optimizer.safetensors}. */
    public static final String KIND_KEY = "optimizer";

    public OptimizerState {
        Objects.requireNonNull(kind, "kind");
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** The metadata with the kind included, as stored in a safetensors file. */
    public Map<String, String> fileMetadata() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put(KIND_KEY, kind);
        out.putAll(metadata);
        return out;
    }

    /** The inverse of {@link #fileMetadata()}: splits the kind off a file's metadata. */
    public static OptimizerState fromFile(Map<String, Tensor> tensors, Map<String, String> fileMetadata) {
        String kind = fileMetadata.get(KIND_KEY);
        if (kind == null) {
            throw new IllegalArgumentException("optimizer state has no '" + KIND_KEY + "' metadata entry; keys are "
                    + fileMetadata.keySet());
        }
        Map<String, String> rest = new LinkedHashMap<>(fileMetadata);
        rest.remove(KIND_KEY);
        return new OptimizerState(kind, tensors, rest);
    }
}
