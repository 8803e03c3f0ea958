package org.transformer4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Exact round trips on random Unicode strings (jqwik, fixed seeds, 10^4 tries each): surrogate pairs,
 * unpaired surrogates, combining marks, emoji, control characters, every whitespace, the empty string.
 */
class TokenizerRoundTripTest {
    private static final int TRIES = 10_000;

    /** Trained once on random text of the same mix plus German, so its merges cover many byte sequences. */
    private static final BpeTokenizer BPE = BpeTokenizer.train(corpus(), 1500);

    private static List<String> corpus() {
        List<String> texts = new ArrayList<>(RandomText.strings(7, 2000, 40));
        for (int i = 0; i < 50; i++) {
            texts.add("der Abend, die Abende; Guten Abend! Übermorgen gehen wir über die Brücke.");
        }
        return texts;
    }

    @Provide
    Arbitrary<String> text() {
        return RandomText.arbitrary(60);
    }

    @Property(tries = TRIES, seed = "20240601")
    void preTokensConcatenateToTheText(@ForAll("text") String s) {
        assertEquals(s, String.join("", PreTokenizer.split(s)));
    }

    @Property(tries = TRIES, seed = "20240602")
    void generalizedUtf8RoundTripsEveryString(@ForAll("text") String s) {
        byte[] b = Wtf8.encode(s);
        assertEquals(s, Wtf8.decode(b, b.length));
        assertTrue(Wtf8.isWellFormed(b));
    }

    @Property(tries = TRIES, seed = "20240603")
    void bpeRoundTripsEveryString(@ForAll("text") String s) {
        int[] ids = BPE.encode(s);
        for (int id : ids) {
            assertTrue(id >= 4 && id < BPE.vocabSize(), () -> "id " + id + " for " + Arrays.toString(ids));
        }
        assertEquals(s, BPE.decode(ids));
    }

    @Property(tries = TRIES, seed = "20240604")
    void charRoundTripsItsTrainingText(@ForAll("text") String s) {
        CharTokenizer t = CharTokenizer.train(List.of(s));
        int[] ids = t.encode(s);
        assertEquals(s.codePointCount(0, s.length()), ids.length);
        assertTrue(Arrays.stream(ids).allMatch(id -> id >= 4));
        assertEquals(s, t.decode(ids));
    }

    @Property(tries = TRIES, seed = "20240605")
    void charMapsUnseenCodePointsToUnk(@ForAll("text") String seen, @ForAll("text") String s) {
        CharTokenizer t = CharTokenizer.train(List.of(seen));
        int[] ids = t.encode(s);
        int[] cps = s.codePoints().toArray();
        StringBuilder expected = new StringBuilder();
        java.util.Set<Integer> known = new java.util.HashSet<>();
        seen.codePoints().forEach(known::add);
        for (int i = 0; i < cps.length; i++) {
            assertEquals(known.contains(cps[i]), ids[i] != Tokenizer.UNK);
            expected.appendCodePoint(known.contains(cps[i]) ? cps[i] : 0xFFFD);
        }
        assertEquals(expected.toString(), t.decode(ids));
    }

    @Property(tries = TRIES, seed = "20240606")
    void wordRoundTripsItsTrainingText(@ForAll("text") String s) {
        WordTokenizer t = WordTokenizer.train(List.of(s));
        int[] ids = t.encode(s);
        assertTrue(Arrays.stream(ids).allMatch(id -> id >= 4), () -> Arrays.toString(ids));
        assertEquals(s, t.decode(ids));
    }

    @Property(tries = TRIES, seed = "20240607")
    void wordKeepsTextAroundUnknownWords(@ForAll("text") String seen, @ForAll("text") String s) {
        WordTokenizer t = WordTokenizer.train(List.of(seen));
        // decoding replaces each unknown token (without its leading space) by U+FFFD and keeps the rest
        StringBuilder expected = new StringBuilder();
        for (String piece : PreTokenizer.split(s)) {
            if (t.id(piece) != Tokenizer.UNK) {
                expected.append(piece);
            } else if (piece.length() > 1 && piece.charAt(0) == ' ') {
                expected.append(' ').append(t.id(piece.substring(1)) != Tokenizer.UNK ? piece.substring(1) : "\uFFFD");
            } else {
                expected.append('\uFFFD');
            }
        }
        assertEquals(expected.toString(), t.decode(t.encode(s)));
    }

    @Property(tries = 1000, seed = "20240608")
    void bpeOfConcatenationIsConcatenationAtWhitespaceBoundaries(@ForAll("text") String a, @ForAll("text") String b) {
        // pre-tokens never cross a newline, so encoding is local to each side of one
        int[] whole = BPE.encode(a + "\n" + b);
        int[] parts = concat(BPE.encode(a), BPE.encode("\n"), BPE.encode(b));
        assertArrayEquals(parts, whole);
    }

    /** Long strings (10^5 code points) round trip through all three tokenizers. */
    @net.jqwik.api.Example
    void longStringsRoundTrip() {
        Random r = new Random(99);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            sb.appendCodePoint(RandomText.codePoint(r));
        }
        String s = sb.toString();
        assertEquals(s, BPE.decode(BPE.encode(s)));
        CharTokenizer c = CharTokenizer.train(List.of(s));
        assertEquals(s, c.decode(c.encode(s)));
        WordTokenizer w = WordTokenizer.train(List.of(s));
        assertEquals(s, w.decode(w.encode(s)));
        String letters = "abcdefghij".repeat(10_000); // one 100 000-byte pre-token
        assertEquals(letters, BPE.decode(BPE.encode(letters)));
    }

    @net.jqwik.api.Example
    void emptyStringIsNoIds() {
        for (Tokenizer t : List.of(BPE, CharTokenizer.train(List.of("ab")), WordTokenizer.train(List.of("a b")))) {
            assertEquals(0, t.encode("").length);
            assertEquals("", t.decode(new int[0]));
        }
    }

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }
}
