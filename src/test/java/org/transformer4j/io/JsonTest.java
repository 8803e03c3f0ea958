package org.transformer4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The strict JSON parser: the whole grammar, exact numbers, and clean rejections. */
class JsonTest {

    @Test
    void parsesEveryKindOfValue() {
        Object v = Json.parse(" {\"a\": [1, -2.5e3, true, false, null, \"s\"], \"b\": {}, \"c\": []}\n");
        Map<?, ?> m = assertInstanceOf(Map.class, v);
        assertEquals(List.of("a", "b", "c"), List.copyOf(m.keySet()));
        List<?> a = (List<?>) m.get("a");
        assertEquals(1L, a.get(0));
        assertEquals(new BigDecimal("-2.5e3"), a.get(1));
        assertEquals(Boolean.TRUE, a.get(2));
        assertEquals(Boolean.FALSE, a.get(3));
        assertNull(a.get(4));
        assertEquals("s", a.get(5));
        assertEquals(Map.of(), m.get("b"));
        assertEquals(List.of(), m.get("c"));
    }

    @Test
    void integersStayExact() {
        assertEquals(Long.MAX_VALUE, Json.parse("9223372036854775807"));
        assertEquals(Long.MIN_VALUE, Json.parse("-9223372036854775808"));
        assertEquals(new BigInteger("9223372036854775808"), Json.parse("9223372036854775808"));
        assertEquals(0L, Json.parse("-0"));
        assertInstanceOf(BigDecimal.class, Json.parse("2.0"));
        assertInstanceOf(BigDecimal.class, Json.parse("2e0"));
    }

    @Test
    void decodesAllEscapesAndSurrogatePairs() {
        assertEquals("\"\\/\b\f\n\r\t\u00e9\uD83D\uDE00",
                Json.parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00E9\\ud83d\\uDE00\""));
        assertEquals("raw \uD83D\uDE00 é", Json.parse("\"raw \uD83D\uDE00 é\""));
    }

    @Test
    void quoteRoundTrips() {
        String s = "a\"b\\c\nd\u0001\u007f\u00e9\uD83D\uDE00\uD800";
        String q = Json.quote(s);
        assertTrue(q.chars().noneMatch(c -> c < 0x20), q);
        assertEquals("a\"b\\c\nd\u0001\u007f\u00e9\uD83D\uDE00",
                Json.parse(Json.quote(s.substring(0, s.length() - 1))));
        assertTrue(q.endsWith("\\ud800\""), q);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "``|unexpected end of input, expected a value at line 1, column 1",
        "`[1,]`|unexpected ']', expected a value at line 1, column 4",
        "`{\"a\":1,}`|expected a string key",
        "`{\"a\" 1}`|unexpected '1', expected ':'",
        "`{\"a\":1 \"b\":2}`|expected ',' or '}'",
        "`[1 2]`|expected ',' or ']'",
        "`\"abc`|unterminated string",
        "`tru`|invalid literal, expected 'true'",
        "`nul`|invalid literal, expected 'null'",
        "`-`|invalid number",
        "`1.`|where a digit should follow '.'",
        "`1e`|where an exponent digit should be",
        "`.5`|unexpected '.', expected a value",
        "`+1`|unexpected '+', expected a value",
        "`'a'`|unexpected ''', expected a value",
        "`[1]\n\n  x`|after the JSON value at line 3, column 3",
        "`{\"a\":1,\"a\":2}`|duplicate key \"a\" at line 1, column 8",
        "`\"\\u00zz\"`|'z' is not a hex digit",
        "`\"\\u00\"`|fewer than 4 hex digits",
        "`\"\\ud83d\\u0041\"`|lone surrogate escape \\uD83D",
    })
    void rejectsWithPosition(String text, String phrase) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(text));
        assertTrue(e.getMessage().contains(phrase), e.getMessage());
    }

    @Test
    void deepNestingIsRejectedNotAStackOverflow() {
        String deep = "[".repeat(1_000_000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(deep));
        assertTrue(e.getMessage().contains("nesting deeper than 64 levels"), e.getMessage());
        Json.parse("[".repeat(64) + "]".repeat(64));
    }

    @Test
    void rawLoneSurrogateInAJavaStringIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse("\"a\uD800b\""));
        assertTrue(e.getMessage().contains("lone surrogate U+D800"), e.getMessage());
    }

    @Test
    void readerWalksBySchemaAndSkipsValues() {
        JsonReader r = new JsonReader("{\"skip\": {\"a\": [1, {\"b\": null}], \"c\": \"x\"},"
                + " \"n\": [true, false, null],"
                + " \"s\": \"v\"}");
        r.beginObject();
        assertEquals("skip", r.nextKey());
        r.skipValue();
        assertEquals("n", r.nextKey());
        assertEquals(JsonReader.Kind.ARRAY, r.peek());
        r.beginArray();
        assertTrue(r.hasNext());
        assertTrue(r.readBoolean());
        assertTrue(r.hasNext());
        assertEquals(false, r.readBoolean());
        assertTrue(r.hasNext());
        r.readNull();
        assertEquals(false, r.hasNext());
        assertEquals("s", r.nextKey());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::readNumber);
        assertEquals("expected a number, found a string at line 1, column 76", e.getMessage());
        assertEquals("v", r.readString());
        assertNull(r.nextKey());
        r.end();
    }

    @Test
    void skipValueStillChecksSyntaxAndDuplicates() {
        JsonReader dup = new JsonReader("{\"a\": 1, \"a\": 2}");
        assertTrue(assertThrows(IllegalArgumentException.class, dup::skipValue).getMessage()
                .startsWith("duplicate key \"a\""));
        JsonReader deep = new JsonReader("[".repeat(100_000));
        assertTrue(assertThrows(IllegalArgumentException.class, deep::skipValue).getMessage()
                .startsWith("nesting deeper than 64 levels"));
    }

    @Test
    void strictUtf8() {
        byte[] ok = "é\uD83D\uDE00".getBytes(StandardCharsets.UTF_8);
        assertEquals("é\uD83D\uDE00", Json.decodeUtf8(ok, 0, ok.length));
        for (byte[] bad : List.of(new byte[] {'a', (byte) 0x80}, new byte[] {(byte) 0xc0, (byte) 0x80},
                new byte[] {(byte) 0xed, (byte) 0xb0, (byte) 0x80}, new byte[] {'a', 'b', (byte) 0xe2, (byte) 0x82},
                new byte[] {(byte) 0xf5, (byte) 0x80, (byte) 0x80, (byte) 0x80})) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Json.decodeUtf8(bad, 0, bad.length), Arrays.toString(bad));
            assertTrue(e.getMessage().startsWith("not valid UTF-8 at byte "), e.getMessage());
        }
    }
}
