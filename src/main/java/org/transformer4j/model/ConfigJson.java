package org.transformer4j.model;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.transformer4j.io.Json;

/**
 * {@link TransformerConfig} as JSON: snake_case keys ({@code d_model}, {@code norm_placement}), enums as
 * lower-case names. A file may start from a preset and override fields:
 * {@code {"preset": "tiny-gpt", "d_model": 128}}; without a preset every field must be given. Errors name
 * the file, the field and the value.
 */
public final class ConfigJson {
    private ConfigJson() {
    }

    private static final RecordComponent[] FIELDS = TransformerConfig.class.getRecordComponents();

    /** Fields added after config files were first written (run folders keep theirs): absent means this value. */
    private static final Map<String, Object> ADDED_LATER = Map.of("outputBias", false);

    /** camelCase to snake_case: dModel -> d_model, dFF -> d_ff. */
    static String key(String camel) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0 && !Character.isUpperCase(camel.charAt(i - 1))) {
                    sb.append('_');
                }
                sb.append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** The config as pretty-printed JSON, every field included. */
    public static String write(TransformerConfig config) {
        StringBuilder sb = new StringBuilder("{\n");
        for (int i = 0; i < FIELDS.length; i++) {
            Object v = get(config, FIELDS[i]);
            String text = v instanceof Enum<?> e ? Json.quote(e.name().toLowerCase(Locale.ROOT)) : String.valueOf(v);
            sb.append("  ").append(Json.quote(key(FIELDS[i].getName()))).append(": ").append(text)
                    .append(i + 1 < FIELDS.length ? ",\n" : "\n");
        }
        return sb.append("}\n").toString();
    }

    /** Reads a config file; errors name the file. */
    public static TransformerConfig read(Path file) throws IOException {
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Parses config JSON text. */
    @SuppressWarnings("unchecked")
    public static TransformerConfig parse(String text) {
        Object root = Json.parse(text);
        if (!(root instanceof Map)) {
            throw new IllegalArgumentException("a config must be a JSON object, got " + Json.kind(root));
        }
        Map<String, Object> json = new LinkedHashMap<>((Map<String, Object>) root);
        TransformerConfig base = null;
        if (json.containsKey("preset")) {
            Object p = json.remove("preset");
            if (!(p instanceof String name)) {
                throw new IllegalArgumentException("config field preset: expected a preset name, got " + Json.kind(p));
            }
            base = TransformerConfig.preset(name);
        }
        // The final norm follows a changed placement unless it is given too.
        boolean finalNormDefault = base != null && json.containsKey("norm_placement") && !json.containsKey("final_norm");
        java.util.Set<String> given = new java.util.HashSet<>(json.keySet());
        Object[] values = new Object[FIELDS.length];
        Class<?>[] types = new Class<?>[FIELDS.length];
        for (int i = 0; i < FIELDS.length; i++) {
            RecordComponent f = FIELDS[i];
            types[i] = f.getType();
            String k = key(f.getName());
            if (json.containsKey(k)) {
                values[i] = convert(k, json.remove(k), f.getType());
            } else if (finalNormDefault && f.getName().equals("finalNorm")) {
                values[i] = null;
            } else if (base != null && follows(f.getName(), given, base)) {
                values[i] = 0; // kv_heads / source_vocab_size that equalled the base's heads / vocab follow the new one
            } else if (base != null) {
                values[i] = get(base, f);
            } else if (ADDED_LATER.containsKey(f.getName())) {
                values[i] = ADDED_LATER.get(f.getName());
            } else if (f.getType() == Boolean.class) {
                values[i] = null; // a nullable field: its default applies
            } else {
                throw new IllegalArgumentException("config field " + k + " is missing (give every field or a \"preset\")");
            }
        }
        if (!json.isEmpty()) {
            throw new IllegalArgumentException("unknown config field " + json.keySet().iterator().next()
                    + "; known fields: preset, " + String.join(", ", Arrays.stream(FIELDS).map(f -> key(f.getName())).toList()));
        }
        try {
            return TransformerConfig.class.getDeclaredConstructor(types).newInstance(values);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether a field that defaults to another (0 = "same as") should follow that field's new value. */
    private static boolean follows(String field, java.util.Set<String> json, TransformerConfig base) {
        return switch (field) {
            case "kvHeads" -> json.contains("heads") && !json.contains("kv_heads") && base.kvHeads() == base.heads();
            case "sourceVocabSize" -> json.contains("vocab_size") && !json.contains("source_vocab_size")
                    && base.sourceVocabSize() == base.vocabSize();
            default -> false;
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object convert(String key, Object v, Class<?> type) {
        String where = "config field " + key + ": ";
        if (type == int.class) {
            if (v instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
                return l.intValue();
            }
            throw new IllegalArgumentException(where + "expected an integer, got " + describe(v));
        }
        if (type == float.class) {
            if (v instanceof Number n && Float.isFinite(n.floatValue())) {
                return n.floatValue();
            }
            throw new IllegalArgumentException(where + "expected a number, got " + describe(v));
        }
        if (type == boolean.class || type == Boolean.class) {
            if (v instanceof Boolean b) {
                return b;
            }
            if (v == null && type == Boolean.class) {
                return null;
            }
            throw new IllegalArgumentException(where + "expected true or false, got " + describe(v));
        }
        if (type.isEnum()) {
            if (v instanceof String s) {
                String name = s.trim().toUpperCase(Locale.ROOT).replace('-', '_');
                for (Object c : type.getEnumConstants()) {
                    if (((Enum) c).name().equals(name)) {
                        return c;
                    }
                }
            }
            throw new IllegalArgumentException(where + "unknown value " + describe(v) + "; expected one of "
                    + String.join(", ", Arrays.stream(type.getEnumConstants())
                    .map(c -> ((Enum) c).name().toLowerCase(Locale.ROOT)).toList()));
        }
        throw new IllegalStateException("unsupported config field type " + type);
    }

    private static String describe(Object v) {
        return v instanceof String s ? Json.quote(s) : String.valueOf(v);
    }

    private static Object get(TransformerConfig c, RecordComponent f) {
        try {
            return f.getAccessor().invoke(c);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
