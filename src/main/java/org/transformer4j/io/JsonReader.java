package org.transformer4j.io;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * A strict pull reader over one JSON text (RFC 8259), for schema-directed parsing that stops at the first
 * value of the wrong kind instead of building a tree of whatever a hostile file holds.
 *
 * <pre>{@code
 * JsonReader r = new JsonReader("{\"shape\": [2, 3]}");
 * r.beginObject();
 * String key = r.nextKey();                        // "shape", or null at '}'
 * if (r.peek() != JsonReader.Kind.ARRAY) throw r.error(key + " is not an array");
 * r.beginArray();
 * while (r.hasNext()) System.out.println(r.readNumber());
 * }</pre>
 *
 * After {@link #nextKey()} returns a key or {@link #hasNext()} returns true, exactly one value must be read
 * ({@code read...}, {@code begin...} or {@link #skipValue()}). Numbers come back as {@link Long} for integer
 * literals (no fraction, no exponent) that fit, {@link BigInteger} for larger ones and {@link BigDecimal} for
 * the rest, so {@code 2} and {@code 2.0} stay apart. Stricter than the RFC, because inputs are untrusted files:
 * lone surrogates (raw or escaped), nesting deeper than {@value #MAX_DEPTH} levels and number literals longer
 * than {@value #MAX_NUMBER_LENGTH} characters are rejected; the depth bound keeps {@code [[[[...} from
 * overflowing the stack and the length bound keeps number parsing linear. Every error is an
 * {@link IllegalArgumentException} ending in "at line L, column C".
 */
public final class JsonReader {
    /** The deepest nesting of arrays and objects accepted. */
    public static final int MAX_DEPTH = 64;
    /** The longest number literal accepted, in characters. */
    public static final int MAX_NUMBER_LENGTH = 1000;

    /** The kinds of JSON values. */
    public enum Kind {
        OBJECT, ARRAY, STRING, NUMBER, BOOLEAN, NULL;

        /** "an object", "a number", ... for messages. */
        public String description() {
            String article = this == OBJECT || this == ARRAY ? "an " : "a ";
            return this == NULL ? "null" : article + name().toLowerCase(Locale.ROOT);
        }
    }

    private final String text;
    private int pos;
    private int depth;
    /** first[d]: the container at depth d has not yet read a member, so no comma is due. */
    private final boolean[] first = new boolean[MAX_DEPTH + 1];
    private int keyStart;

    /** A reader at the start of {@code text}. */
    public JsonReader(String text) {
        this.text = text;
    }

    /** The kind of the next value; fails when none can start here. */
    public Kind peek() {
        skipWhitespace();
        if (pos >= text.length()) {
            throw error("unexpected end of input, expected a value");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> Kind.OBJECT;
            case '[' -> Kind.ARRAY;
            case '"' -> Kind.STRING;
            case 't', 'f' -> Kind.BOOLEAN;
            case 'n' -> Kind.NULL;
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield Kind.NUMBER;
                }
                throw error("unexpected " + describe(c) + ", expected a value");
            }
        };
    }

    /** Enters an object. */
    public void beginObject() {
        expectKind(Kind.OBJECT);
        enter();
    }

    /** The next key of the current object (the ':' after it consumed), or null at its closing '}'. */
    public String nextKey() {
        if (!nextMember('}')) {
            return null;
        }
        skipWhitespace();
        if (current() != '"') {
            throw error(found() + ", expected a string key");
        }
        keyStart = pos;
        String key = string();
        skipWhitespace();
        if (current() != ':') {
            throw error(found() + ", expected ':'");
        }
        pos++;
        return key;
    }

    /** Enters an array. */
    public void beginArray() {
        expectKind(Kind.ARRAY);
        enter();
    }

    /** Whether the current array has another element (its ',' consumed); false after its closing ']'. */
    public boolean hasNext() {
        return nextMember(']');
    }

    /** At a member boundary: false after the container's closing bracket, else true with the ',' consumed. */
    private boolean nextMember(char close) {
        skipWhitespace();
        char c = current();
        if (c == close) {
            pos++;
            depth--;
            return false;
        }
        if (!first[depth]) {
            if (c != ',') {
                throw error(found() + ", expected ',' or '" + close + "'");
            }
            pos++;
        }
        first[depth] = false;
        return true;
    }

    /** The next value, a string. */
    public String readString() {
        expectKind(Kind.STRING);
        return string();
    }

    /** The next value, a number: Long, BigInteger or BigDecimal as the class comment says. */
    public Number readNumber() {
        expectKind(Kind.NUMBER);
        return number();
    }

    /** The next value, true or false. */
    public boolean readBoolean() {
        expectKind(Kind.BOOLEAN);
        boolean value = text.charAt(pos) == 't';
        literal(value ? "true" : "false");
        return value;
    }

    /** The next value, null. */
    public void readNull() {
        expectKind(Kind.NULL);
        literal("null");
    }

    /** Checks the next value's syntax (duplicate keys included) and moves past it, keeping nothing but keys. */
    public void skipValue() {
        switch (peek()) {
            case OBJECT -> {
                beginObject();
                Set<String> keys = new HashSet<>();
                for (String k; (k = nextKey()) != null; ) {
                    if (!keys.add(k)) {
                        throw duplicateKey(k);
                    }
                    skipValue();
                }
            }
            case ARRAY -> {
                beginArray();
                while (hasNext()) {
                    skipValue();
                }
            }
            case STRING -> string();
            case NUMBER -> number();
            case BOOLEAN -> readBoolean();
            case NULL -> readNull();
        }
    }

    /** Checks that only whitespace follows the value read. */
    public void end() {
        skipWhitespace();
        if (pos < text.length()) {
            throw error("unexpected " + describe(text.charAt(pos)) + " after the JSON value");
        }
    }

    /** An error at the current position: {@code message + " at line L, column C"}. */
    public IllegalArgumentException error(String message) {
        return error(message, pos);
    }

    /** The error for a key seen twice in one object, pointing at the second one. */
    public IllegalArgumentException duplicateKey(String key) {
        return error("duplicate key " + Json.quote(Json.abbreviate(key)), keyStart);
    }

    // ---------------------------------------------------------------- grammar

    private void expectKind(Kind kind) {
        Kind k = peek();
        if (k != kind) {
            throw error("expected " + kind.description() + ", found " + k.description());
        }
    }

    private void enter() {
        if (depth == MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH + " levels");
        }
        pos++; // '{' or '['
        first[++depth] = true;
    }

    private String string() {
        int start = ++pos; // after the opening quote
        // Fast path: no escapes, so the string is a substring of the input.
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '"') {
                return text.substring(start, pos++);
            }
            if (c == '\\' || c < 0x20 || Character.isSurrogate(c)) {
                break;
            }
            pos++;
        }
        StringBuilder sb = new StringBuilder().append(text, start, pos);
        while (true) {
            if (pos >= text.length()) {
                throw error("unterminated string", start - 1);
            }
            char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                return sb.toString();
            }
            if (c < 0x20) {
                throw error("unescaped control character " + describe(c) + " in string");
            }
            if (c == '\\') {
                escape(sb);
            } else if (Character.isHighSurrogate(c) && pos + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(pos + 1))) {
                sb.append(c).append(text.charAt(pos + 1));
                pos += 2;
            } else if (Character.isSurrogate(c)) {
                throw error("lone surrogate " + describe(c) + " in string");
            } else {
                sb.append(c);
                pos++;
            }
        }
    }

    /** Decodes the escape sequence at {@code pos} (the backslash) into {@code sb}. */
    private void escape(StringBuilder sb) {
        int at = pos;
        if (pos + 1 >= text.length()) {
            throw error("unterminated string", at);
        }
        char e = text.charAt(pos + 1);
        pos += 2;
        switch (e) {
            case '"', '\\', '/' -> sb.append(e);
            case 'b' -> sb.append('\b');
            case 'f' -> sb.append('\f');
            case 'n' -> sb.append('\n');
            case 'r' -> sb.append('\r');
            case 't' -> sb.append('\t');
            case 'u' -> {
                char c = hex4(at);
                if (Character.isHighSurrogate(c)) {
                    // A pair is two escapes, \\uD83D\\uDE00; anything else would leave half a character.
                    if (text.startsWith("\\u", pos)) {
                        int lowAt = pos;
                        pos += 2;
                        char low = hex4(lowAt);
                        if (Character.isLowSurrogate(low)) {
                            sb.append(c).append(low);
                            return;
                        }
                    }
                    throw error("lone surrogate escape \\u" + hex(c) + " (not followed by a low surrogate)", at);
                }
                if (Character.isLowSurrogate(c)) {
                    throw error("lone surrogate escape \\u" + hex(c) + " (no high surrogate before it)", at);
                }
                sb.append(c);
            }
            default -> throw error("invalid escape \\" + (e < 0x20 || e > 0x7e ? describe(e) : String.valueOf(e))
                    + " in string", at);
        }
    }

    /** Reads four hex digits at {@code pos}; {@code at} is the escape's backslash, for the message. */
    private char hex4(int at) {
        if (pos + 4 > text.length()) {
            throw error("invalid \\u escape: fewer than 4 hex digits", at);
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            char h = text.charAt(pos + i);
            int d = h <= 'f' ? Character.digit(h, 16) : -1; // Character.digit also takes non-ASCII digits
            if (d < 0) {
                throw error("invalid \\u escape: " + describe(h) + " is not a hex digit", at);
            }
            v = v * 16 + d;
        }
        pos += 4;
        return (char) v;
    }

    private Number number() {
        int start = pos;
        if (current() == '-') {
            pos++;
        }
        if (current() == '0') {
            pos++;
        } else if (isDigit(current())) {
            skipDigits();
        } else {
            throw error("invalid number: " + found() + " where a digit should be");
        }
        boolean integer = true;
        if (current() == '.') {
            pos++;
            integer = false;
            if (!isDigit(current())) {
                throw error("invalid number: " + found() + " where a digit should follow '.'");
            }
            skipDigits();
        }
        if (current() == 'e' || current() == 'E') {
            pos++;
            integer = false;
            if (current() == '+' || current() == '-') {
                pos++;
            }
            if (!isDigit(current())) {
                throw error("invalid number: " + found() + " where an exponent digit should be");
            }
            skipDigits();
        }
        int length = pos - start;
        if (length > MAX_NUMBER_LENGTH) {
            throw error("number literal longer than " + MAX_NUMBER_LENGTH + " characters (" + length + ")", start);
        }
        String literal = text.substring(start, pos);
        if (integer) {
            if (length <= 18) {
                return Long.parseLong(literal);
            }
            BigInteger big = new BigInteger(literal);
            return big.bitLength() < Long.SIZE ? (Number) big.longValue() : big;
        }
        try {
            return new BigDecimal(literal);
        } catch (NumberFormatException e) { // an exponent beyond int range
            throw error("number out of range: " + Json.abbreviate(literal), start);
        }
    }

    private void literal(String word) {
        if (!text.startsWith(word, pos)) {
            throw error("invalid literal, expected '" + word + "'");
        }
        pos += word.length();
    }

    // ---------------------------------------------------------------- helpers

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private void skipDigits() {
        while (isDigit(current())) {
            pos++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** The character at {@code pos}, or U+FFFF at the end (never valid where it is looked at). */
    private char current() {
        return pos < text.length() ? text.charAt(pos) : '\uffff';
    }

    private String found() {
        return pos >= text.length() ? "unexpected end of input" : "unexpected " + describe(text.charAt(pos));
    }

    private static String describe(char c) {
        return c >= 0x20 && c < 0x7f ? "'" + c + "'" : "U+" + hex(c);
    }

    private static String hex(char c) {
        return String.format("%04X", (int) c);
    }

    private IllegalArgumentException error(String message, int at) {
        int line = 1;
        int lineStart = 0;
        int end = Math.min(at, text.length());
        for (int i = 0; i < end; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new IllegalArgumentException(message + " at line " + line + ", column " + (at - lineStart + 1));
    }
}
