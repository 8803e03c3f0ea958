package org.transformer4j.io;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small strict JSON helpers of our own, so that io needs no dependency: a tree parser on top of
 * {@link JsonReader}, a strict UTF-8 decoder and a string quoter for writers.
 *
 * <p>{@link #parse} maps an object to a {@code LinkedHashMap<String, Object>} (document order, duplicate keys
 * rejected), an array to an {@code ArrayList<Object>}, a string to {@link String}, {@code true}/{@code false}
 * to {@link Boolean}, {@code null} to {@code null}, and numbers as {@link JsonReader#readNumber()} does
 * ({@link Long}, {@link BigInteger} or {@link BigDecimal}). A tree costs up to about twenty times the text in
 * heap; for untrusted input of unknown shape prefer a schema-directed {@link JsonReader}, which stops at the
 * first unexpected value.
 */
public final class Json {
    private Json() {
    }

    /** Parses one JSON value that spans the whole text (surrounding whitespace allowed). */
    public static Object parse(String text) {
        JsonReader r = new JsonReader(text);
        Object v = value(r);
        r.end();
        return v;
    }

    private static Object value(JsonReader r) {
        return switch (r.peek()) {
            case OBJECT -> {
                r.beginObject();
                Map<String, Object> map = new LinkedHashMap<>();
                for (String key; (key = r.nextKey()) != null; ) {
                    if (map.containsKey(key)) {
                        throw r.duplicateKey(key);
                    }
                    map.put(key, value(r)); // recursion depth is bounded by JsonReader.MAX_DEPTH
                }
                yield map;
            }
            case ARRAY -> {
                r.beginArray();
                List<Object> list = new ArrayList<>();
                while (r.hasNext()) {
                    list.add(value(r));
                }
                yield list;
            }
            case STRING -> r.readString();
            case NUMBER -> r.readNumber();
            case BOOLEAN -> r.readBoolean();
            case NULL -> {
                r.readNull();
                yield null;
            }
        };
    }

    /** Decodes strict UTF-8 (no malformed or overlong sequences, no encoded surrogates). */
    public static String decodeUtf8(byte[] bytes, int offset, int length) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
        CharBuffer out = CharBuffer.allocate(length); // UTF-8 never yields more chars than bytes
        CoderResult r = decoder.decode(in, out, true);
        if (!r.isError()) {
            r = decoder.flush(out);
        }
        if (r.isError() || r.isOverflow()) {
            int at = in.position() - offset;
            throw new IllegalArgumentException("not valid UTF-8 at byte " + at + " (0x"
                    + String.format("%02x", bytes[offset + Math.min(at, length - 1)] & 0xff) + ")");
        }
        return out.flip().toString();
    }

    /**
     * The JSON string literal for {@code s}: quoted, with quotes, backslashes, control characters and lone
     * surrogates escaped, so the result is one line of valid UTF-16 whatever {@code s} holds.
     */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        sb.append(c).append(s.charAt(++i));
                    } else if (c < 0x20 || c == 0x7f || Character.isSurrogate(c)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** "an object", "an array", "a string", "a number", "a boolean" or "null": the kind of a parsed value. */
    public static String kind(Object value) {
        return switch (value) {
            case null -> "null";
            case Map<?, ?> _ -> "an object";
            case List<?> _ -> "an array";
            case String _ -> "a string";
            case Number _ -> "a number";
            case Boolean _ -> "a boolean";
            default -> value.getClass().getSimpleName();
        };
    }

    /** Long keys and literals are cut in messages so that an error stays one readable line. */
    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
