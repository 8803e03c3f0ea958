package org.transformer4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Inputs that make a backtracking regex or a quadratic merge loop blow up: a million letters (one pre-token
 * for GPT-2), a million carets, a million spaces, "'s" 300 000 times, and mixtures. Each must finish without a
 * StackOverflowError well inside the limit, which is generous for a busy 2-core CI machine: a guard against
 * quadratic time (minutes here), not a speed benchmark.
 */
class PathologicalInputsTest {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final int MILLION = 1_000_000;

    private static String input(String name) {
        return switch (name) {
            case "letters" -> "a".repeat(MILLION);
            case "carets" -> "^".repeat(MILLION);
            case "spaces" -> " ".repeat(MILLION);
            case "contractions" -> "'s".repeat(300_000);
            case "spaces then a word" -> " ".repeat(MILLION) + "word";
            case "newlines and tabs" -> "\n\t".repeat(MILLION / 2) + "x";
            case "digits" -> "9".repeat(MILLION);
            case "emoji" -> "😀".repeat(MILLION / 2);
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"letters", "carets", "spaces", "contractions", "spaces then a word", "newlines and tabs",
        "digits", "emoji"})
    void gpt2FinishesAndRoundTrips(String name) {
        String s = input(name);
        ByteLevelBpeTokenizer gpt2 = TokenizerFixtures.gpt2();
        int[] ids = assertTimeoutPreemptively(LIMIT, () -> gpt2.encode(s));
        assertTrue(ids.length > 0 && ids.length <= s.length() * 4);
        assertEquals(s, gpt2.decode(ids));
    }

    @ParameterizedTest
    @ValueSource(strings = {"letters", "carets", "spaces", "contractions", "spaces then a word", "newlines and tabs",
        "digits", "emoji"})
    void bertFinishes(String name) {
        String s = input(name);
        WordPieceTokenizer bert = TokenizerFixtures.miniLm();
        int[] ids = assertTimeoutPreemptively(LIMIT, () -> bert.encode(s));
        assertEquals(101, ids[0]);
        assertEquals(102, ids[ids.length - 1]);
        switch (name) {
            case "letters", "digits", "emoji" -> assertArrayEquals(new int[] {101, 100, 102}, ids); // > 100 characters
            case "carets" -> assertEquals(MILLION, Arrays.stream(ids).filter(id -> id == 1034).count()); // ^ each
            case "spaces" -> assertArrayEquals(new int[] {101, 102}, ids);
            case "contractions" -> assertEquals(600_002, ids.length); // ' and s, each a word
            default -> { }
        }
    }
    @ParameterizedTest
    @ValueSource(strings = {"letters", "carets", "spaces", "spaces then a word", "newlines and tabs", "digits", "emoji",
        "special tokens"})
    void sentencePieceAndMarianFinish(String name, @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        String s = name.equals("special tokens") ? "</s>a<pad>".repeat(200_000) : input(name);
        MarianTokenizer marian = MarianTokenizer.load(MarianTokenizerTest.folder(dir));
        int[] ids = assertTimeoutPreemptively(LIMIT, () -> marian.encode(s));
        assertTrue(ids.length > 0 && ids[ids.length - 1] == 0, "ends with </s>");
        if (name.equals("special tokens")) {
            assertEquals(800_001, ids.length, "</s>, then a as ▁ and a, then <pad>, each time; and the final </s>");
        }
        assertTimeoutPreemptively(LIMIT, () -> marian.decodeTranslation(ids));
    }
}
