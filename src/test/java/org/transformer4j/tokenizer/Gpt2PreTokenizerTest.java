package org.transformer4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The hand-written scanner of GPT-2's pattern: cases worked out from the regex by hand, and agreement with
 * java.util.regex running the same pattern (with JavaScript's \s spelled out) on 10^4 random short strings.
 */
class Gpt2PreTokenizerTest {
    /** JavaScript's \s (the reference's), which Java's \s is not. */
    private static final String JS_SPACE = "[\\t\\n\\x0B\\f\\r \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF]";
    private static final Pattern REGEX = Pattern.compile(Gpt2PreTokenizer.PATTERN
            .replace("[^\\s\\p{L}\\p{N}]", "[^" + JS_SPACE.substring(1, JS_SPACE.length() - 1) + "\\p{L}\\p{N}]")
            .replace("(?!\\S)", "(?=" + JS_SPACE + "|$)")
            .replace("\\s", JS_SPACE));

    static List<String> pieces(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int end : Gpt2PreTokenizer.split(b)) {
            out.add(new String(b, start, end - start, StandardCharsets.UTF_8));
            start = end;
        }
        return out;
    }

    static List<String> regexPieces(String s) {
        List<String> out = new ArrayList<>();
        Matcher m = REGEX.matcher(s);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** Expected pieces are separated by '/', in backticks where spaces matter; texts use Java escapes (\n, \t). */
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "`Hello world`       | Hello/` world`",
        "`Hello  world`      | Hello/` `/` world`",
        "`a \\n b`           | a/` \\n`/` b`",
        "`x   `              | x/`   `",
        "`\\t\\tx`           | \\t/\\t/x",
        "`   `               | `   `",
        "I'm                 | I/'m",
        "I'M                 | I/'/M",
        "`'s's`              | 's/'s",
        "`''s`               | ''/s",
        "` 's`               | ` '`/s",
        "don't               | don/'t",
        "`we'll they're`     | we/'ll/` they`/'re",
        "`'r`                | '/r",
        "abc123def           | abc/123/def",
        "` 123 ½²Ⅻ`          | ` 123`/` ½²Ⅻ`",
        "`a\u00A0b`          | a/\u00A0/b",
        "`a\u0085b`          | a/\u0085/b",
        "`e\u0301`           | e/\u0301",
        "`😀😃,x`            | 😀😃,/x",
        "`a \u3000b`         | a/` `/\u3000/b",
    })
    void casesWorkedOutFromThePattern(String text, String expected) {
        List<String> pieces = new ArrayList<>();
        for (String p : expected.split("/", -1)) {
            boolean quoted = p.length() >= 2 && p.startsWith("`") && p.endsWith("`");
            pieces.add((quoted ? p.substring(1, p.length() - 1) : p).translateEscapes());
        }
        assertEquals(pieces, pieces(text.translateEscapes()));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource({"'a,255,b', '1,2,3'", "'32,255,254,97', '3,4'", "'226,130', '2'", "'237,160,128', '3'",
        "'32,32,255', '1,3'"})
    void invalidBytesAreOtherCharacters(String bytes, String ends) {
        String[] parts = bytes.split(",");
        byte[] b = new byte[parts.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (parts[i].equals("a") ? 'a' : parts[i].equals("b") ? 'b' : Integer.parseInt(parts[i]));
        }
        int[] expected = java.util.Arrays.stream(ends.split(",")).mapToInt(Integer::parseInt).toArray();
        assertArrayEquals(expected, Gpt2PreTokenizer.split(b));
    }

    @Provide
    Arbitrary<String> text() {
        return RandomText.arbitrary(40).map(Gpt2PreTokenizerTest::wellFormed);
    }

    /** s with each unpaired surrogate replaced by U+FFFD, as UTF-8 encoding does. */
    static String wellFormed(String s) {
        return new String(ByteLevelBpeTokenizer.utf8(s), StandardCharsets.UTF_8);
    }

    @Property(tries = 10_000, seed = "20240611")
    void agreesWithJavaUtilRegexOnTheSamePattern(@ForAll("text") String s) {
        assertEquals(regexPieces(s), pieces(s));
    }
}
