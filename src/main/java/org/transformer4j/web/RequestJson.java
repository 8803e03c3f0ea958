package org.transformer4j.web;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.transformer4j.io.Json;

/**
 * A request's JSON object with checked accessors: the body must be one object whose field names are all
 * known to the endpoint, and each accessor turns a wrong type or range into a 400 naming the field and
 * what was sent.
 */
final class RequestJson {
    private final Map<String, Object> fields;

    private RequestJson(Map<String, Object> fields) {
        this.fields = fields;
    }

    /** Parses a body; refuses anything but an object with only the allowed fields. */
    @SuppressWarnings("unchecked")
    static RequestJson parse(String body, List<String> allowed) {
        if (body.isBlank()) {
            throw ApiError.badRequest("the request body is empty; expected a JSON object with " + describe(allowed));
        }
        Object parsed;
        try {
            parsed = Json.parse(body);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("the request body is not valid JSON: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw ApiError.badRequest("the request body must be a JSON object, got " + Json.kind(parsed));
        }
        for (Object key : map.keySet()) {
            if (!allowed.contains((String) key)) {
                throw ApiError.badRequest("unknown field " + Json.quote(abbreviate((String) key)) + "; known fields: "
                        + describe(allowed));
            }
        }
        return new RequestJson((Map<String, Object>) map);
    }

    boolean has(String name) {
        return fields.get(name) != null;
    }

    /** A string field, or null when absent or null. */
    String string(String name) {
        Object v = fields.get(name);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw wrongType(name, "a string", v);
    }

    /** An integer field in [min, max], or the default when absent or null. */
    Integer integer(String name, Integer fallback, long min, long max, String limitNote) {
        Object v = fields.get(name);
        if (v == null) {
            return fallback;
        }
        long n;
        if (v instanceof Long l) {
            n = l;
        } else if (v instanceof BigInteger) {
            throw outOfRange(name, v, min, max, limitNote);
        } else {
            throw wrongType(name, "an integer", v);
        }
        if (n < min || n > max) {
            throw outOfRange(name, v, min, max, limitNote);
        }
        return (int) n;
    }

    /** A number field, or null when absent or null. */
    Double number(String name) {
        Object v = fields.get(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Long l) {
            return l.doubleValue();
        }
        if (v instanceof BigInteger b) {
            return b.doubleValue();
        }
        if (v instanceof BigDecimal d) {
            double x = d.doubleValue();
            if (!Double.isFinite(x)) {
                throw ApiError.badRequest("field \"" + name + "\" is out of range: " + abbreviate(d.toString()));
            }
            return x;
        }
        throw wrongType(name, "a number", v);
    }

    /** A boolean field, or the default when absent or null. */
    boolean bool(String name, boolean fallback) {
        Object v = fields.get(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw wrongType(name, "true or false", v);
    }

    /** A non-empty array of non-negative integer ids below bound, or null when absent or null. */
    int[] ids(String name, int bound) {
        Object v = fields.get(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof List<?> list)) {
            throw wrongType(name, "an array of token ids", v);
        }
        if (list.isEmpty()) {
            throw ApiError.badRequest("field \"" + name + "\" is empty; it needs at least one token id");
        }
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object e = list.get(i);
            if (!(e instanceof Long l) || l < 0 || l >= bound) {
                throw ApiError.badRequest("field \"" + name + "\": element " + i + " is not a token id in 0.."
                        + (bound - 1) + ": " + abbreviate(String.valueOf(e)));
            }
            out[i] = l.intValue();
        }
        return out;
    }

    private static ApiError wrongType(String name, String expected, Object got) {
        return ApiError.badRequest("field \"" + name + "\" must be " + expected + ", got " + Json.kind(got));
    }

    private static ApiError outOfRange(String name, Object v, long min, long max, String limitNote) {
        return ApiError.badRequest("field \"" + name + "\" must be in " + min + ".." + max
                + (limitNote == null ? "" : " (" + limitNote + ")") + ", got " + abbreviate(String.valueOf(v)));
    }

    private static String describe(List<String> allowed) {
        return String.join(", ", allowed.stream().map(s -> "\"" + s + "\"").toList());
    }

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
