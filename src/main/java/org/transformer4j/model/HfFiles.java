package org.transformer4j.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.transformer4j.io.Json;
import org.transformer4j.io.SafeTensorsFile;
import org.transformer4j.nn.Module;

/**
 * What every Hugging Face model folder shares: config.json read as a JSON object with typed field access
 * (errors name the file, the key and the value), and model.safetensors or a sharded
 * model.safetensors.index.json loaded through a {@link KeyMapping}.
 */
final class HfFiles {
    private HfFiles() {
    }

    /** A JSON object file (config.json, generation_config.json) with its path for messages. */
    record JsonFile(Path file, Map<String, Object> json) {

        @SuppressWarnings("unchecked")
        static JsonFile read(Path file) throws IOException {
            requireFile(file);
            Object parsed;
            try {
                parsed = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": not valid JSON: " + e.getMessage(), e);
            }
            if (!(parsed instanceof Map)) {
                throw new IllegalArgumentException(file + ": not a JSON object");
            }
            return new JsonFile(file, (Map<String, Object>) parsed);
        }

        boolean has(String key) {
            return json.get(key) != null;
        }

        /** A required integer >= min. */
        int integer(String key, int min) {
            Object v = json.get(key);
            if (v == null) {
                throw new IllegalArgumentException(file + ": required field " + key + " is missing");
            }
            if (!(v instanceof Long l) || l < min || l > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(file + ": field " + key + " must be an integer >= " + min + ", got "
                        + describe(v));
            }
            return l.intValue();
        }

        /** An optional integer >= min, or the default when absent or null. */
        int integer(String key, int min, int absent) {
            return has(key) ? integer(key, min) : absent;
        }

        /** A required boolean. */
        boolean bool(String key) {
            Object v = json.get(key);
            if (!(v instanceof Boolean b)) {
                throw new IllegalArgumentException(file + ": " + (v == null ? "required field " + key + " is missing"
                        : "field " + key + " must be true or false, got " + describe(v)));
            }
            return b;
        }

        /** An optional boolean, or the default when absent or null. */
        boolean bool(String key, boolean absent) {
            return has(key) ? bool(key) : absent;
        }

        /** A required string. */
        String string(String key) {
            Object v = json.get(key);
            if (!(v instanceof String s)) {
                throw new IllegalArgumentException(file + ": " + (v == null ? "required field " + key + " is missing"
                        : "field " + key + " must be a string, got " + describe(v)));
            }
            return s;
        }

        /** An optional finite number, or the default when absent or null. */
        double number(String key, double absent) {
            Object v = json.get(key);
            if (v == null) {
                return absent;
            }
            if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                throw new IllegalArgumentException(file + ": field " + key + " must be a number, got " + describe(v));
            }
            return n.doubleValue();
        }

        /** An error unless every key is one of the known ones. */
        void onlyKeys(java.util.Set<String> known, String what) {
            for (String k : json.keySet()) {
                if (!known.contains(k)) {
                    throw new IllegalArgumentException(file + ": unknown " + what + " key '" + k
                            + "' (transformer4j does not know whether it changes the model; remove it if it does not)");
                }
            }
        }

        String describe(Object v) {
            String s = v instanceof String str ? Json.quote(str) : String.valueOf(v);
            return s.length() > 60 ? s.substring(0, 57) + "..." : s;
        }
    }

    /** config.json's model_type, e.g. "gpt2" or "marian". */
    static String modelType(JsonFile config) {
        return config.string("model_type");
    }

    /** The weight files of a folder: model.safetensors, or the shards a model.safetensors.index.json lists. */
    @SuppressWarnings("unchecked")
    static List<Path> weightFiles(Path dir) throws IOException {
        Path single = dir.resolve("model.safetensors");
        if (Files.isRegularFile(single)) {
            return List.of(single);
        }
        Path index = dir.resolve("model.safetensors.index.json");
        if (!Files.isRegularFile(index)) {
            throw new IllegalArgumentException(dir + ": no model.safetensors or model.safetensors.index.json (only the "
                    + "safetensors format is read; pytorch_model.bin is not)");
        }
        JsonFile idx = JsonFile.read(index);
        if (!(idx.json().get("weight_map") instanceof Map<?, ?> weightMap)) {
            throw new IllegalArgumentException(index + ": no \"weight_map\" object");
        }
        List<Path> files = new ArrayList<>();
        for (Object f : new LinkedHashSet<>(((Map<String, Object>) weightMap).values())) {
            Path p = dir.resolve(String.valueOf(f)).normalize();
            if (!p.startsWith(dir.normalize())) {
                throw new IllegalArgumentException(index + ": shard '" + f + "' lies outside the model folder");
            }
            files.add(requireFile(p));
        }
        return files;
    }

    /**
     * Refuses a config that describes far more than the folder's weights hold, before the model is built:
     * a wrong vocab_size or layer count in config.json must be an error, not an OutOfMemoryError. Reads only
     * the safetensors headers.
     */
    static void requireWeightsFit(Path dir, TransformerConfig config) throws IOException {
        long stored = 0;
        for (Path p : weightFiles(dir)) {
            try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
                for (var e : f.entries()) {
                    stored += e.elementCount();
                }
            }
        }
        requireFits(config, stored, dir.resolve("config.json").toString());
    }

    /** The check of {@link #requireWeightsFit} for weights of stored values in total. */
    static void requireFits(TransformerConfig config, long stored, String where) {
        long wanted = Models.parameterCount(config);
        long positions = (long) config.maxPositions() * config.dModel();   // position tables computed, not stored
        if (wanted > stored + stored / 10 + 1_000_000 || positions > Math.max(stored, 1L << 24)) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "%s: describes a model of %,d parameters and %,d positions of width %d, but the weights hold %,d values "
                    + "(a wrong vocab_size, layer count or max_position_embeddings?)", where, wanted, config.maxPositions(),
                    config.dModel(), stored));
        }
    }

    /** Loads every tensor of the folder's weight files into the model through the mapping. */
    static void loadWeights(Module model, Path dir, KeyMapping mapping) throws IOException {
        List<SafeTensorsFile> open = new ArrayList<>();
        try {
            Map<String, SafeTensorsFile> owner = new LinkedHashMap<>();
            for (Path p : weightFiles(dir)) {
                SafeTensorsFile f = SafeTensorsFile.open(p);
                open.add(f);
                f.entries().forEach(e -> owner.put(e.name(), f));
            }
            mapping.load(model, owner.keySet(), k -> owner.get(k).load(k));
        } finally {
            open.forEach(SafeTensorsFile::close);
        }
    }

    static Path requireFile(Path p) {
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException(p + ": no such file");
        }
        return p;
    }
}
