package org.transformer4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Loading dispatches on "type"; every bad file gives one IllegalArgumentException line naming file and problem. */
class TokenizerFilesTest {
    private static final String HEAD = "{\"type\": \"%s\", \"version\": 1, \"specials\": [\"<pad>\", \"<s>\", \"</s>\", \"<unk>\"], ";

    @TempDir
    Path dir;

    @Test
    void loadDispatchesOnType() throws Exception {
        List<Tokenizer> all = List.of(CharTokenizer.of("ab"), WordTokenizer.train(List.of("a b")),
                BpeTokenizer.train(List.of("aaa"), 261));
        for (Tokenizer t : all) {
            Path f = dir.resolve(t.getClass().getSimpleName() + ".json");
            t.save(f);
            Tokenizer loaded = Tokenizer.load(f);
            assertEquals(t.getClass(), loaded.getClass());
            assertEquals(t, loaded);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "``| empty file",
        "[1, 2]| expected a JSON object at line 1, column 1",
        "{\"type\": \"char\", | unexpected end of file at line 1, column 17",
        "{\"type\": \"char\"} x| unexpected text after the JSON object at line 1, column 18",
        "{\"version\": 1}| missing field \"type\"",
        "{\"type\": 3}| \"type\" is not a string",
        "{\"type\": \"sentencepiece\", \"version\": 1, \"specials\": [\"<pad>\", \"<s>\", \"</s>\", \"<unk>\"]}"
                + "| unknown tokenizer type \"sentencepiece\" (expected char, word or bpe)",
        "{\"type\": \"bpe\", \"version\": 2}| unsupported version 2 (expected 1)",
        "{\"type\": \"bpe\", \"version\": 1.0}| only integers are expected here at line 1, column 28",
        "{\"type\": \"bpe\", \"version\": 1, \"specials\": [\"<unk>\"]}| \"specials\" are [<unk>], expected [<pad>, <s>, </s>, <unk>]",
        "{\"type\": \"bpe\", \"type\": \"bpe\"}| duplicate key \"type\" at line 1, column 17",
        "{\"type\": \"b\\qpe\"}| bad escape \\q at line 1, column 13",
        "{\"type\": \"bpe\", \"version\": null}| unexpected 'n' at line 1, column 28",
    })
    void badJsonGivesOneLine(String text, String problem) throws Exception {
        assertProblem(text == null ? "" : text, problem.strip());
    }

    @Test
    void badContentsGiveOneLine() throws Exception {
        assertProblem(HEAD.formatted("bpe") + "\"merges\": [[4, 5], [300, 4]]}",
                "merge 1 joins ids 300 and 4, which must both lie in [4, 261)");
        assertProblem(HEAD.formatted("bpe") + "\"merges\": [[4, 5], [4, 5]]}",
                "merge 1 repeats the pair (4, 5) of merge 0");
        assertProblem(HEAD.formatted("bpe") + "\"merges\": [[4, \"x\"]]}", "\"merges\"[0][1] is not an int: \"x\"");
        assertProblem(HEAD.formatted("bpe") + "\"merges\": [[4]]}", "\"merges\"[0] is not a pair of ids");
        assertProblem(HEAD.formatted("bpe") + "\"merges\": {}}", "\"merges\" is not an array");
        assertProblem(HEAD.formatted("char") + "\"tokens\": [\"a\", \"bc\"]}", "\"tokens\"[1] is not one code point: \"bc\"");
        assertProblem(HEAD.formatted("char") + "\"tokens\": [\"b\", \"a\"]}",
                "\"tokens\"[1] \"a\" is out of code point order or repeated");
        assertProblem(HEAD.formatted("word") + "\"tokens\": [\"a\"]}", "the vocabulary lacks the space token \" \"");
        assertProblem(HEAD.formatted("word") + "\"tokens\": [\" \", \"a\", \"a\"]}", "token \"a\" appears twice");
        assertProblem(HEAD.formatted("word") + "\"tokens\": [\" \", 7]}", "\"tokens\"[1] is not a string: 7");
    }

    @Test
    void truncatedFilesGiveOneLine() throws Exception {
        Path good = dir.resolve("good.json");
        BpeTokenizer.train(RandomText.strings(1, 100, 20), 400).save(good);
        String text = Files.readString(good);
        for (int cut = 0; cut < text.length(); cut += 97) {
            Path f = dir.resolve("cut.json");
            Files.writeString(f, text.substring(0, cut));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tokenizer.load(f));
            assertOneLine(e, f);
        }
    }

    @Test
    void garbledBytesGiveOneLine() throws Exception {
        Path f = dir.resolve("garbled.json");
        Files.write(f, new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tokenizer.load(f));
        assertEquals("tokenizer file " + f + ": not UTF-8 text", e.getMessage());
        Files.writeString(f, "{\"type\": \"char\", \"tokens\": [\"\u0001\"]}");
        assertOneLine(assertThrows(IllegalArgumentException.class, () -> Tokenizer.load(f)), f);
        Files.writeString(f, "{\"a\": " + "[".repeat(100));
        assertOneLine(assertThrows(IllegalArgumentException.class, () -> Tokenizer.load(f)), f);
    }

    private void assertProblem(String text, String problem) throws Exception {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, text, StandardCharsets.UTF_8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tokenizer.load(f));
        assertEquals("tokenizer file " + f + ": " + problem, e.getMessage());
    }

    private static void assertOneLine(IllegalArgumentException e, Path f) {
        assertTrue(e.getMessage().startsWith("tokenizer file " + f + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
