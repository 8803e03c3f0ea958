package org.transformer4j.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a benchmark measured: named numbers in a fixed order (the headline first, e.g. {@code gflops} or
 * {@code tokens_per_s}) and a few named strings describing the setup. Prints as one JSON object or as text.
 */
public final class BenchResult {
    private final String kind;
    private final Map<String, Object> values = new LinkedHashMap<>();

    /** An empty result of the given kind ("gemm", "train", ...). */
    public BenchResult(String kind) {
        this.kind = kind;
        values.put("bench", kind);
    }

    /** Adds a number (rounded to 4 significant digits in the output) or a string. */
    public BenchResult put(String key, Object value) {
        values.put(key, value);
        return this;
    }

    /** A number put earlier. */
    public double number(String key) {
        return ((Number) values.get(key)).doubleValue();
    }

    /** The benchmark kind. */
    public String kind() {
        return kind;
    }

    /** One JSON object on one line. */
    public String toJson() {
        StringBuilder sb = new StringBuilder("{");
        values.forEach((k, v) -> {
            sb.append(sb.length() > 1 ? ", " : "").append('"').append(k).append("\": ");
            if (v instanceof Number n) {
                sb.append(format(n));
            } else if (v instanceof double[] a) {
                sb.append('[');
                for (int i = 0; i < a.length; i++) {
                    sb.append(i > 0 ? ", " : "").append(format(a[i]));
                }
                sb.append(']');
            } else {
                sb.append('"').append(String.valueOf(v).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
        });
        return sb.append('}').toString();
    }

    /** One "key: value" line per entry. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        values.forEach((k, v) -> {
            String s = v instanceof Number n ? format(n) : v instanceof double[] a ? java.util.Arrays.toString(a) : String.valueOf(v);
            sb.append(String.format(Locale.ROOT, "%-22s %s%n", k, s));
        });
        return sb.toString();
    }

    private static String format(Number n) {
        if (n instanceof Integer || n instanceof Long) {
            return n.toString();
        }
        double d = n.doubleValue();
        if (!Double.isFinite(d)) {
            return "null";
        }
        return new java.math.BigDecimal(d).round(new java.math.MathContext(5)).stripTrailingZeros().toPlainString();
    }
}
