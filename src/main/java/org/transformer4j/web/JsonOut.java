package org.transformer4j.web;

import java.util.Locale;
import org.transformer4j.io.Json;

/**
 * A small streaming JSON writer for responses: commas and nesting are tracked, strings are quoted by
 * {@link Json#quote}, non-finite numbers are written as null.
 *
 * <pre>{@code
 * String s = new JsonOut().beginObject().name("status").value("ok").name("n").value(3).endObject().toString();
 * }</pre>
 */
public final class JsonOut {
    private final StringBuilder sb = new StringBuilder(256);
    /** Whether the current container already holds a value (one entry per nesting level). */
    private boolean[] filled = new boolean[16];
    private int depth;
    private boolean afterName;

    /** Starts an object. */
    public JsonOut beginObject() {
        return open('{');
    }

    /** Ends an object. */
    public JsonOut endObject() {
        return close('}');
    }

    /** Starts an array. */
    public JsonOut beginArray() {
        return open('[');
    }

    /** Ends an array. */
    public JsonOut endArray() {
        return close(']');
    }

    /** The next member's name (inside an object). */
    public JsonOut name(String name) {
        comma();
        sb.append(Json.quote(name)).append(':');
        afterName = true;
        return this;
    }

    /** A string value, or null. */
    public JsonOut value(String s) {
        comma();
        sb.append(s == null ? "null" : Json.quote(s));
        return this;
    }

    /** An integer value. */
    public JsonOut value(long v) {
        comma();
        sb.append(v);
        return this;
    }

    /** A number; NaN and infinities become null. */
    public JsonOut value(double v) {
        comma();
        sb.append(Double.isFinite(v) ? number(v) : "null");
        return this;
    }

    /** A boolean value. */
    public JsonOut value(boolean v) {
        comma();
        sb.append(v);
        return this;
    }

    /** A null value. */
    public JsonOut nullValue() {
        comma();
        sb.append("null");
        return this;
    }

    /** Text that is already JSON (e.g. a figure's JSON), inserted as one value. */
    public JsonOut raw(String json) {
        comma();
        sb.append(json.strip());
        return this;
    }

    /** An array of integers. */
    public JsonOut ints(int[] values) {
        beginArray();
        for (int v : values) {
            value(v);
        }
        return endArray();
    }

    /** An array of strings. */
    public JsonOut strings(Iterable<String> values) {
        beginArray();
        for (String v : values) {
            value(v);
        }
        return endArray();
    }

    /** A float rounded to 4 decimals without trailing zeros (attention weights): 0.25, 1, 0.0003. */
    public JsonOut rounded(float v) {
        comma();
        if (!Float.isFinite(v)) {
            sb.append("null");
            return this;
        }
        long r = Math.round(v * 10000.0);
        if (r == 0) {
            sb.append('0');
            return this;
        }
        if (r < 0) {
            sb.append('-');
            r = -r;
        }
        sb.append(r / 10000);
        long frac = r % 10000;
        if (frac != 0) {
            String f = String.format(Locale.ROOT, "%04d", frac);
            int end = f.length();
            while (f.charAt(end - 1) == '0') {
                end--;
            }
            sb.append('.').append(f, 0, end);
        }
        return this;
    }

    @Override
    public String toString() {
        if (depth != 0) {
            throw new IllegalStateException("unclosed JSON: depth " + depth);
        }
        return sb.toString();
    }

    private JsonOut open(char c) {
        comma();
        sb.append(c);
        if (++depth == filled.length) {
            filled = java.util.Arrays.copyOf(filled, depth * 2);
        }
        filled[depth] = false;
        return this;
    }

    private JsonOut close(char c) {
        if (depth == 0) {
            throw new IllegalStateException("nothing to close");
        }
        depth--;
        sb.append(c);
        return this;
    }

    private void comma() {
        if (afterName) {
            afterName = false;
            return;
        }
        if (filled[depth]) {
            sb.append(',');
        }
        filled[depth] = true;
    }

    private static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }
}
