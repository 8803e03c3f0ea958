package org.transformer4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CharTokenizerTest {

    @Test
    void idsFollowCodePointOrderAfterTheSpecials() {
        CharTokenizer t = CharTokenizer.train(List.of("cab", "b\uD83D\uDE00a")); // a b c 😀
        assertEquals(8, t.vocabSize());
        assertArrayEquals(new int[] {4, 5, 6, 7}, t.encode("abc\uD83D\uDE00"));
        assertEquals("\uD83D\uDE00", t.token(7));
        assertEquals(List.of("<pad>", "<s>", "</s>", "<unk>"),
                List.of(t.token(t.pad()), t.token(t.bos()), t.token(t.eos()), t.token(t.unk())));
    }

    @Test
    void unknownCodePointsBecomeUnk() {
        CharTokenizer t = CharTokenizer.of("abc ");
        // ids: ' ' 4, a 5, b 6, c 7
        assertArrayEquals(new int[] {5, 6, Tokenizer.UNK, 6}, t.encode("ab\u00e9b"));
        assertEquals("ab\uFFFDb", t.decode(t.encode("ab\u00e9b")));
        assertEquals(Tokenizer.UNK, t.id('z'));
    }

    @Test
    void decodeRejectsIdsOutsideTheVocabulary() {
        CharTokenizer t = CharTokenizer.of("ab");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.decode(new int[] {4, 6}));
        assertEquals("token id 6 is outside the vocabulary [0, 6)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.token(-1));
    }

    @Test
    void saveAndLoadGiveAnIdenticalTokenizer(@TempDir Path dir) throws Exception {
        CharTokenizer t = CharTokenizer.train(RandomText.strings(5, 200, 50)); // lone surrogates, controls, ...
        Path file = dir.resolve("char.json");
        t.save(file);
        Tokenizer loaded = Tokenizer.load(file);
        assertEquals(t, loaded);
        for (String s : RandomText.strings(6, 100, 50)) {
            assertArrayEquals(t.encode(s), loaded.encode(s));
        }
    }
}
