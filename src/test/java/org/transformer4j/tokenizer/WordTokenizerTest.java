package org.transformer4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordTokenizerTest {

    @Test
    void splitsWordsAndSinglePunctuationKeepingTheSpaceBefore() {
        WordTokenizer t = WordTokenizer.train(List.of("Guten Abend, Herr Müller!  Wie geht's?\n"));
        assertEquals(List.of("Guten", " Abend", ",", " Herr", " Müller", "!", " ", " Wie", " geht", "'", "s", "?", "\n"),
                tokens(t, "Guten Abend, Herr Müller!  Wie geht's?\n"));
        assertEquals("Guten Abend, Herr Müller!  Wie geht's?\n", t.decode(t.encode("Guten Abend, Herr Müller!  Wie geht's?\n")));
    }

    @Test
    void unknownWordsBecomeUnkButKeepTheirSpace() {
        WordTokenizer t = WordTokenizer.train(List.of("der Hund bellt"));
        int[] ids = t.encode("der Kater bellt laut");
        assertEquals(List.of("der", " ", "<unk>", " bellt", " ", "<unk>"), tokens(t, ids));
        assertEquals("der \uFFFD bellt \uFFFD", t.decode(ids));
        // " Hund" and "Hund" are different tokens: only the first was seen
        assertArrayEquals(new int[] {Tokenizer.UNK}, t.encode("Hund"));
        // " der" was not seen, "der" was: the space token and "der"
        assertEquals(List.of(" ", "der"), tokens(t, " der"));
    }

    @Test
    void keepsTheMostFrequentTokensWithinMaxVocab() {
        List<String> texts = List.of("a a a b b c", "d");
        WordTokenizer t = WordTokenizer.train(texts, 7); // 4 specials + " " + 2 tokens
        assertEquals(7, t.vocabSize());
        assertEquals(List.of(" ", " a", " b"), List.of(t.token(4), t.token(5), t.token(6)));
        assertEquals(Tokenizer.UNK, t.id(" c"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WordTokenizer.train(texts, 4));
        assertEquals("maxVocab must be at least 5, got 4", e.getMessage());
    }

    @Test
    void saveAndLoadGiveAnIdenticalTokenizer(@TempDir Path dir) throws Exception {
        List<String> texts = new ArrayList<>(RandomText.strings(8, 300, 40));
        texts.add("\"quoted\" \\ back\\slash \u0000 nul");
        WordTokenizer t = WordTokenizer.train(texts);
        Path file = dir.resolve("word.json");
        t.save(file);
        Tokenizer loaded = Tokenizer.load(file);
        assertEquals(t, loaded);
        for (String s : texts) {
            assertEquals(s, loaded.decode(loaded.encode(s)));
        }
    }

    private static List<String> tokens(Tokenizer t, String s) {
        return tokens(t, t.encode(s));
    }

    private static List<String> tokens(Tokenizer t, int[] ids) {
        List<String> out = new ArrayList<>();
        for (int id : ids) {
            out.add(t.token(id));
        }
        return out;
    }
}
