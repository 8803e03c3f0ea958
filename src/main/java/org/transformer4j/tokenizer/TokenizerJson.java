package org.transformer4j.tokenizer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON for tokenizer files, written and read by hand because this package imports the JDK only. This
 * project's own files use a strict subset (objects, arrays, strings and integers; no floats, nulls,
 * duplicate keys or trailing text); {@link #readStandardObject} reads any JSON (HF tokenizer.json files,
 * GPT-2's vocab.json), with {@link #NULL}, {@link Boolean} and {@link Double} for the rest. Either way the
 * first problem is reported with its line and column.
 */
final class TokenizerJson {
    /** Deeper nesting than any tokenizer file has; bounds the reader's recursion on hostile input. */
    private static final int MAX_DEPTH = 16;

    /** The value of a JSON null in {@link #readStandardObject}'s maps and lists. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    private final String text;
    private final boolean standard;
    private int pos;

    private TokenizerJson(String text, boolean standard) {
        this.text = text;
        this.standard = standard;
    }

    // ---- writing ----

    /** The JSON string literal of s; surrogates and control characters are escaped so lone ones survive. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7F || Character.isSurrogate(c)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** The opening of every tokenizer file: type, version and specials, ending with a comma and newline. */
    static String header(String type) {
        StringBuilder sb = new StringBuilder("{\n  \"type\": ").append(quote(type))
                .append(",\n  \"version\": ").append(Tokenizer.FORMAT_VERSION).append(",\n  \"specials\": [");
        for (int i = 0; i < Tokenizer.SPECIALS.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(quote(Tokenizer.SPECIALS.get(i)));
        }
        return sb.append("],\n").toString();
    }

    /** Writes text to path as UTF-8 through a temporary file, so a crash never leaves half a file. */
    static void write(Path path, String text) throws IOException {
        Path abs = path.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = Files.createTempFile(dir, abs.getFileName().toString(), ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, abs, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    // ---- reading ----

    /** The top-level object of the file; a problem is an IllegalArgumentException saying what and where. */
    static Map<String, Object> readObject(Path path) throws IOException {
        return parseObject(Files.readAllBytes(path), false);
    }

    /**
     * The top-level object of a file in any JSON (nulls, booleans and floats too); a problem is an
     * IllegalArgumentException saying what and where.
     */
    static Map<String, Object> readStandardObject(Path path) throws IOException {
        return parseObject(Files.readAllBytes(path), true);
    }

    /** The top-level object of UTF-8 JSON bytes, strict or standard. */
    static Map<String, Object> parseObject(byte[] bytes, boolean standard) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("not UTF-8 text");
        }
        TokenizerJson r = new TokenizerJson(text, standard);
        r.skipSpace();
        if (r.pos == text.length()) {
            throw new IllegalArgumentException("empty file");
        }
        if (text.charAt(r.pos) != '{') {
            throw r.error("expected a JSON object");
        }
        Object value = r.value(0);
        r.skipSpace();
        if (r.pos != text.length()) {
            throw r.error("unexpected text after the JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) value;
        return map;
    }

    /** The string field key of obj, or an error naming it. */
    static String string(Map<String, Object> obj, String key) {
        if (!(field(obj, key) instanceof String s)) {
            throw new IllegalArgumentException("\"" + key + "\" is not a string");
        }
        return s;
    }

    /** The array field key of obj, or an error naming it. */
    static List<?> array(Map<String, Object> obj, String key) {
        if (!(field(obj, key) instanceof List<?> list)) {
            throw new IllegalArgumentException("\"" + key + "\" is not an array");
        }
        return list;
    }

    /** The int field key of obj, or an error naming it. */
    static int integer(Map<String, Object> obj, String key) {
        return integer(field(obj, key), "\"" + key + "\"");
    }

    /** value as an int, or an error calling it what. */
    static int integer(Object value, String what) {
        if (!(value instanceof Long l) || l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " is not an int: " + describe(value));
        }
        return (int) (long) l;
    }

    /** The strings of an array field, each checked. */
    static List<String> strings(Map<String, Object> obj, String key) {
        List<String> out = new ArrayList<>();
        List<?> list = array(obj, key);
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof String s)) {
                throw new IllegalArgumentException("\"" + key + "\"[" + i + "] is not a string: "
                        + describe(list.get(i)));
            }
            out.add(s);
        }
        return out;
    }

    private static Object field(Map<String, Object> obj, String key) {
        Object v = obj.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing field \"" + key + "\"");
        }
        return v;
    }

    private static String describe(Object v) {
        return v instanceof String s ? quote(s) : v instanceof List<?> ? "an array"
                : v instanceof Map<?, ?> ? "an object" : String.valueOf(v);
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH);
        }
        skipSpace();
        if (pos >= text.length()) {
            throw error("unexpected end of file");
        }
        char c = text.charAt(pos);
        if (c == '{') {
            return object(depth);
        } else if (c == '[') {
            return array(depth);
        } else if (c == '"') {
            return string();
        } else if (c == '-' || c >= '0' && c <= '9') {
            return standard ? standardNumber() : number();
        } else if (standard && c == 'n') {
            return keyword("null", NULL);
        } else if (standard && c == 't') {
            return keyword("true", Boolean.TRUE);
        } else if (standard && c == 'f') {
            return keyword("false", Boolean.FALSE);
        }
        throw error("unexpected " + show(c));
    }

    private Map<String, Object> object(int depth) {
        Map<String, Object> map = new LinkedHashMap<>();
        pos++; // '{'
        skipSpace();
        if (peekIs('}')) {
            pos++;
            return map;
        }
        while (true) {
            skipSpace();
            if (!peekIs('"')) {
                throw error(pos >= text.length() ? "unexpected end of file" : "expected a key");
            }
            int keyPos = pos;
            String key = string();
            skipSpace();
            expect(':');
            Object v = value(depth + 1);
            if (map.put(key, v) != null) {
                pos = keyPos;
                throw error("duplicate key " + quote(key));
            }
            skipSpace();
            if (peekIs(',')) {
                pos++;
            } else {
                expect('}');
                return map;
            }
        }
    }

    private List<Object> array(int depth) {
        List<Object> list = new ArrayList<>();
        pos++; // '['
        skipSpace();
        if (peekIs(']')) {
            pos++;
            return list;
        }
        while (true) {
            list.add(value(depth + 1));
            skipSpace();
            if (peekIs(',')) {
                pos++;
            } else {
                expect(']');
                return list;
            }
        }
    }

    private String string() {
        pos++; // '"'
        int start = pos;
        while (pos < text.length()) { // fast path: no escapes
            char c = text.charAt(pos);
            if (c == '"') {
                return text.substring(start, pos++);
            } else if (c == '\\' || c < 0x20) {
                break;
            }
            pos++;
        }
        StringBuilder sb = new StringBuilder().append(text, start, pos);
        while (true) {
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            } else if (c < 0x20) {
                pos--;
                throw error("raw control character " + show(c) + " in a string");
            } else if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw error("unterminated string");
                    }
                    int v = 0;
                    for (int k = 0; k < 4; k++) {
                        int d = Character.digit(text.charAt(pos + k), 16);
                        if (d < 0) {
                            throw error("bad \\u escape");
                        }
                        v = v * 16 + d;
                    }
                    pos += 4;
                    sb.append((char) v); // lone surrogates allowed: tokens may hold them
                }
                default -> {
                    pos--;
                    throw error("bad escape \\" + e);
                }
            }
        }
    }

    private Long number() {
        int start = pos;
        if (peekIs('-')) {
            pos++;
        }
        int digits = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
        if (pos == digits || pos - digits > 1 && text.charAt(digits) == '0') {
            pos = start;
            throw error("malformed number");
        }
        if (pos < text.length() && (text.charAt(pos) == '.' || text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            pos = start;
            throw error("only integers are expected here");
        }
        if (pos - digits > 18) {
            pos = start;
            throw error("integer too large");
        }
        return Long.parseLong(text, start, pos, 10);
    }

    /** A number of standard JSON: a Long when it is an integer of at most 18 digits, else a Double. */
    private Object standardNumber() {
        int start = pos;
        if (peekIs('-')) {
            pos++;
        }
        int digits = pos;
        skipDigits();
        int intDigits = pos - digits;
        if (intDigits == 0 || intDigits > 1 && text.charAt(digits) == '0') {
            pos = start;
            throw error("malformed number");
        }
        boolean integer = true;
        if (peekIs('.')) {
            integer = false;
            pos++;
            requireDigits(start);
        }
        if (peekIs('e') || peekIs('E')) {
            integer = false;
            pos++;
            if (peekIs('+') || peekIs('-')) {
                pos++;
            }
            requireDigits(start);
        }
        if (integer && intDigits <= 18) {
            return Long.parseLong(text, start, pos, 10);
        }
        return Double.parseDouble(text.substring(start, pos));
    }

    private void requireDigits(int numberStart) {
        int from = pos;
        skipDigits();
        if (pos == from) {
            pos = numberStart;
            throw error("malformed number");
        }
    }

    private void skipDigits() {
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
    }

    private Object keyword(String word, Object value) {
        if (!text.startsWith(word, pos)) {
            throw error("unexpected " + show(text.charAt(pos)));
        }
        pos += word.length();
        return value;
    }

    private void expect(char c) {
        if (pos >= text.length()) {
            throw error("unexpected end of file, expected '" + c + "'");
        }
        if (text.charAt(pos) != c) {
            throw error("expected '" + c + "' but found " + show(text.charAt(pos)));
        }
        pos++;
    }

    private boolean peekIs(char c) {
        return pos < text.length() && text.charAt(pos) == c;
    }

    private void skipSpace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            pos++;
        }
    }

    private static String show(char c) {
        return c >= 0x20 && c < 0x7F ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    private IllegalArgumentException error(String what) {
        int line = 1;
        int col = 1;
        for (int i = 0; i < Math.min(pos, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return new IllegalArgumentException(what + " at line " + line + ", column " + col);
    }
}
