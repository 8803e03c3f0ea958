package org.transformer4j.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.transformer4j.io.Json;

/** Writes and reads {@code state.json} of a checkpoint: a {@link TrainingState} plus format fields. */
final class StateJson {
    static final String FORMAT = "transformer4j-checkpoint";
    static final int VERSION = 1;

    private StateJson() {
    }

    static String write(TrainingState s, boolean hasOptimizer) {
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"format\": ").append(Json.quote(FORMAT)).append(",\n");
        sb.append("  \"format_version\": ").append(VERSION).append(",\n");
        sb.append("  \"step\": ").append(s.step()).append(",\n");
        sb.append("  \"schedule\": ").append(Json.quote(s.schedule())).append(",\n");
        sb.append("  \"rng\": ");
        longs(sb, s.rngStates());
        sb.append(",\n  \"data\": ");
        longs(sb, s.dataPosition());
        sb.append(",\n  \"extra\": {");
        String sep = "";
        for (Map.Entry<String, String> e : s.extra().entrySet()) {
            sb.append(sep).append(Json.quote(e.getKey())).append(": ").append(Json.quote(e.getValue()));
            sep = ", ";
        }
        sb.append("},\n  \"optimizer\": ").append(hasOptimizer);
        sb.append(",\n  \"config\": ").append(s.configJson() == null ? "null" : Json.quote(s.configJson()));
        return sb.append("\n}\n").toString();
    }

    private static void longs(StringBuilder sb, Map<String, Long> map) {
        sb.append('{');
        String sep = "";
        for (Map.Entry<String, Long> e : map.entrySet()) {
            sb.append(sep).append(Json.quote(e.getKey())).append(": ").append(e.getValue().longValue());
            sep = ", ";
        }
        sb.append('}');
    }

    /** The parsed state and whether the checkpoint has optimizer state; the message names the bad field. */
    record Parsed(TrainingState state, boolean hasOptimizer) {
    }

    static Parsed read(String text, String where) {
        Object root;
        try {
            root = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " is not valid JSON: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(where + " must hold a JSON object, got " + Json.kind(root));
        }
        if (!FORMAT.equals(m.get("format"))) {
            throw new IllegalArgumentException(where + " has format " + m.get("format") + ", expected " + FORMAT);
        }
        long version = number(m, "format_version", where);
        if (version != VERSION) {
            throw new IllegalArgumentException(where + " has format_version " + version + " but this transformer4j"
                    + " reads version " + VERSION);
        }
        Object config = m.get("config");
        if (config != null && !(config instanceof String)) {
            throw new IllegalArgumentException(where + ": \"config\" must be a string or null, got " + Json.kind(config));
        }
        Object opt = m.get("optimizer");
        if (!(opt instanceof Boolean hasOptimizer)) {
            throw new IllegalArgumentException(where + ": \"optimizer\" must be a boolean, got " + Json.kind(opt));
        }
        Map<String, String> extra = new LinkedHashMap<>();
        object(m, "extra", where).forEach((k, v) -> {
            if (!(v instanceof String s)) {
                throw new IllegalArgumentException(where + ": extra \"" + k + "\" must be a string, got " + Json.kind(v));
            }
            extra.put(k, s);
        });
        TrainingState state = new TrainingState(number(m, "step", where), string(m, "schedule", where),
                longs(m, "rng", where), longs(m, "data", where), extra, (String) config);
        return new Parsed(state, hasOptimizer);
    }

    private static Map<String, Long> longs(Map<?, ?> m, String key, String where) {
        Map<String, Long> out = new LinkedHashMap<>();
        object(m, key, where).forEach((k, v) -> {
            if (!(v instanceof Long l)) {
                throw new IllegalArgumentException(where + ": " + key + " \"" + k + "\" must be a 64-bit integer, got "
                        + v);
            }
            out.put(k, l);
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<?, ?> m, String key, String where) {
        Object v = m.get(key);
        if (!(v instanceof Map<?, ?>)) {
            throw new IllegalArgumentException(where + ": \"" + key + "\" must be an object, got " + Json.kind(v));
        }
        return (Map<String, Object>) v;
    }

    private static long number(Map<?, ?> m, String key, String where) {
        Object v = m.get(key);
        if (!(v instanceof Long l)) {
            throw new IllegalArgumentException(where + ": \"" + key + "\" must be a 64-bit integer, got "
                    + (v instanceof List<?> || v instanceof Map<?, ?> ? Json.kind(v) : String.valueOf(v)));
        }
        return l;
    }

    private static String string(Map<?, ?> m, String key, String where) {
        Object v = m.get(key);
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException(where + ": \"" + key + "\" must be a string, got " + Json.kind(v));
        }
        return s;
    }
}
