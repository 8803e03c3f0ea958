package org.transformer4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Round trips of GPT-2's tokenizer on random Unicode strings (surrogate pairs, combining marks, emoji, every
 * whitespace, control characters, any code point), on random bytes, and with special tokens mixed in; and
 * invariants of BERT's, whose lower-casing and accent stripping make it no round trip. 10^4 tries each, fixed
 * seeds.
 *
 * <p>Strings are made well-formed first: an unpaired surrogate has no UTF-8, so GPT-2 (like its reference)
 * encodes it as U+FFFD, which {@link #unpairedSurrogatesComeBackAsReplacementCharacters} checks.
 */
class PretrainedRoundTripTest {
    private static final int TRIES = 10_000;
    private static final ByteLevelBpeTokenizer GPT2 = TokenizerFixtures.gpt2();
    private static final WordPieceTokenizer MINILM = TokenizerFixtures.miniLm();

    @Provide
    Arbitrary<String> text() {
        return RandomText.arbitrary(60).map(Gpt2PreTokenizerTest::wellFormed);
    }

    @Provide
    Arbitrary<String> rawText() {
        return RandomText.arbitrary(60);
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(80);
    }

    @Provide
    Arbitrary<String> textWithSpecials() {
        return Arbitraries.oneOf(text(), Arbitraries.of("<|endoftext|>", "<|endoftext|", "|>", " ")).list().ofMaxSize(6)
                .map(parts -> String.join("", parts));
    }

    @Property(tries = TRIES, seed = "20240621")
    void gpt2RoundTripsWellFormedText(@ForAll("text") String s) {
        int[] ids = GPT2.encode(s);
        for (int id : ids) {
            assertTrue(id >= 0 && id < 50256, () -> "id " + id + " in " + Arrays.toString(ids));
        }
        assertEquals(s, GPT2.decode(ids));
        assertArrayEquals(ids, GPT2.encodeOrdinary(s)); // no special token text in these strings
    }

    @Property(tries = TRIES, seed = "20240622")
    void unpairedSurrogatesComeBackAsReplacementCharacters(@ForAll("rawText") String s) {
        assertEquals(Gpt2PreTokenizerTest.wellFormed(s), GPT2.decode(GPT2.encode(s)));
    }

    @Property(tries = TRIES, seed = "20240623")
    void gpt2RoundTripsRandomBytes(@ForAll("bytes") byte[] b) {
        assertArrayEquals(b, GPT2.decodeBytes(GPT2.encodeBytes(b)));
    }

    @Property(tries = TRIES, seed = "20240624")
    void specialTokensRoundTripAndAreMatchedExactlyWhereWritten(@ForAll("textWithSpecials") String s) {
        int[] ids = GPT2.encode(s);
        assertEquals(s, GPT2.decode(ids));
        long specials = Arrays.stream(ids).filter(id -> id == 50256).count();
        assertEquals(count(s, "<|endoftext|>"), specials);
        assertEquals(s, GPT2.decode(GPT2.encodeOrdinary(s)));
        assertTrue(Arrays.stream(GPT2.encodeOrdinary(s)).noneMatch(id -> id == 50256));
    }

    private static long count(String s, String part) {
        long n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }

    @Property(tries = TRIES, seed = "20240625")
    void bertWrapsTheOrdinaryIdsInClsAndSep(@ForAll("rawText") String s) {
        int[] ids = MINILM.encode(s);
        int[] inner = MINILM.encodeOrdinary(s);
        assertEquals(101, ids[0]);
        assertEquals(102, ids[ids.length - 1]);
        assertArrayEquals(inner, Arrays.copyOfRange(ids, 1, ids.length - 1)); // no "[SEP]"-like text in these strings
        for (int id : inner) {
            assertTrue(id >= 100 && id < MINILM.vocabSize() && id != 101 && id != 102, () -> "id " + id);
        }
    }

    /** Lower-case ASCII words whose pieces are all in the vocabulary decode to the text itself. */
    @Property(tries = 1000, seed = "20240626")
    void bertDecodesPlainLowerCaseWords(@ForAll("words") List<String> words) {
        String s = String.join(" ", words);
        assertEquals(s, MINILM.decode(MINILM.encodeOrdinary(s)));
    }

    @Provide
    Arbitrary<List<String>> words() {
        return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12).list().ofMinSize(1).ofMaxSize(8);
    }
}
