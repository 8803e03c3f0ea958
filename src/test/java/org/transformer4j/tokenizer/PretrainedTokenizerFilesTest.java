package org.transformer4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding the tokenizer in a folder or file, and one IllegalArgumentException line naming the file for every
 * malformed or unsupported one: truncated JSON, missing merges, a merge of unknown tokens, an unknown regex,
 * unsupported components.
 */
class PretrainedTokenizerFilesTest {
    @TempDir
    Path dir;

    /** GPT-2's byte-to-character map, written out from its description: printable bytes as themselves. */
    static String byteChar(int b) {
        int extra = 0;
        for (int x = 0; x < 256; x++) {
            boolean printable = x >= 33 && x <= 126 || x >= 161 && x <= 172 || x >= 174;
            if (x == b) {
                return String.valueOf((char) (printable ? x : 256 + extra));
            }
            extra += printable ? 0 : 1;
        }
        throw new IllegalArgumentException("byte " + b);
    }

    /** The 256 byte tokens (ids 0..255) and more entries, as the inside of a JSON object. */
    static String byteVocab(String more) {
        StringBuilder sb = new StringBuilder();
        for (int b = 0; b < 256; b++) {
            sb.append(TokenizerJson.quote(byteChar(b))).append(": ").append(b).append(", ");
        }
        return sb.append(more).toString();
    }

    /** A small GPT-2-style tokenizer.json: bytes, "ab" = 256, "Ġab" = 257; merges a+b, Ġ+ab. */
    static String bpeJson() {
        return """
                {"version": "1.0", "truncation": null, "padding": null,
                 "added_tokens": [{"id": 258, "content": "<|endoftext|>", "single_word": false, "lstrip": false,
                   "rstrip": false, "normalized": false, "special": true}],
                 "normalizer": null,
                 "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true},
                 "post_processor": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": true},
                 "decoder": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true},
                 "model": {"type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": null,
                   "end_of_word_suffix": null, "fuse_unk": false, "byte_fallback": false, "ignore_merges": false,
                   "vocab": {%s},
                   "merges": [["a", "b"], "\u0120 ab"]}}
                """.formatted(byteVocab("\"ab\": 256, \"\u0120ab\": 257, \"<|endoftext|>\": 258"));
    }

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    /** Loading path fails with one line that names file and contains problem. */
    private static void assertProblem(Path path, Path file, String problem) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PretrainedTokenizer.load(path));
        String m = e.getMessage();
        assertFalse(m.contains("\n"), m);
        assertTrue(m.contains(file.toString()), m);
        assertTrue(m.contains(problem), () -> "expected \"" + problem + "\" in: " + m);
    }

    @Test
    void aSmallTokenizerJsonWorks() throws Exception {
        Path f = write("tokenizer.json", bpeJson());
        PretrainedTokenizer t = PretrainedTokenizer.load(f);
        assertArrayEquals(new int[] {256, 257, 258, byteChar('c').charAt(0)}, t.encode("ab ab<|endoftext|>c"));
        assertEquals("ab ab<|endoftext|>c", t.decode(t.encode("ab ab<|endoftext|>c")));
        assertEquals(259, t.vocabSize());
        assertInstanceOf(ByteLevelBpeTokenizer.class, PretrainedTokenizer.load(dir)); // the folder finds it
    }

    @Test
    void truncatedJsonGivesOneLine() throws Exception {
        String text = bpeJson();
        for (int cut = 0; cut < text.strip().length(); cut += 53) {
            Path f = write("cut.json", text.substring(0, cut));
            assertProblem(f, f, cut == 0 ? "empty file" : "");
        }
        Path f = write("cut.json", text.substring(0, 300));
        assertProblem(f, f, "at line ");
    }

    @Test
    void unsupportedOrInconsistentTokenizerJson() throws Exception {
        String good = bpeJson();
        String[][] cases = {
            {"\"merges\": [[\"a\", \"b\"], \"\u0120 ab\"]", "\"merges_\": []", "missing field \"merges\""},
            {"[\"a\", \"b\"], \"\u0120 ab\"", "[\"a\", \"b\"], \"\u0120 zz\"", "merge \"merges\"[1] (\"\u0120 zz\"): \"zz\" is not in the vocabulary"},
            {"[\"a\", \"b\"], \"\u0120 ab\"", "[\"a\", \"c\"]", "merge \"merges\"[0] (\"a c\"): \"ac\" is not in the vocabulary"},
            {"[\"a\", \"b\"], \"\u0120 ab\"", "[\"a\", \"b\", \"c\"]", "\"merges\"[0] is not two tokens"},
            {"\"use_regex\": true}", "\"use_regex\": false}", "pre_tokenizer \"ByteLevel\" is not supported"},
            {"\"pre_tokenizer\": {\"type\": \"ByteLevel\", \"add_prefix_space\": false, \"trim_offsets\": true, \"use_regex\": true}",
                "\"pre_tokenizer\": {\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"Split\", \"pattern\": {\"Regex\":"
                    + " \"\\\\p{L}+|(a+)+$\"}, \"behavior\": \"Isolated\", \"invert\": false}, {\"type\": \"ByteLevel\","
                    + " \"use_regex\": false}]}",
                "the Split pre-tokenizer's pattern \"\\\\p{L}+|(a+)+$\" is not supported: regexes from tokenizer files are not run"},
            {"\"pre_tokenizer\": {\"type\": \"ByteLevel\"", "\"pre_tokenizer\": {\"type\": \"Metaspace\"",
                "pre_tokenizer \"Metaspace\" is not supported"},
            {"\"normalizer\": null", "\"normalizer\": {\"type\": \"NFC\"}", "normalizer \"NFC\" is not supported (supported: none, as GPT-2)"},
            {"\"type\": \"BPE\"", "\"type\": \"Unigram\"", "model type \"Unigram\" is not supported"},
            {"\"dropout\": null", "\"dropout\": 0.1", "BPE dropout 0.1 is not supported"},
            {"\"lstrip\": false", "\"lstrip\": true", "\"added_tokens\"[0] (\"<|endoftext|>\"): lstrip = true is not supported"},
            {"\"id\": 258", "\"id\": 257", "added token \"<|endoftext|>\" has id 257 but the vocabulary gives it 258"},
            {"\"ab\": 256", "\"ab\": 255", "share id 255"},
            {"\"ab\": 256", "\"ab\": 99999999", "the id of \"ab\" is 99999999, outside [0, 16777216)"},
            {"\"!\": 33, ", "", "the vocabulary lacks the token \"!\" of byte 0x21"},
            {"\"ab\": 256", "\"ab\": \"x\"", "the id of \"ab\" is not an int: \"x\""},
            {"\"post_processor\": {\"type\": \"ByteLevel\"", "\"post_processor\": {\"type\": \"Fancy\"",
                "post_processor \"Fancy\" is not supported"},
        };
        for (String[] c : cases) {
            assertTrue(good.contains(c[0]), c[0]);
            Path f = write("tokenizer.json", good.replace(c[0], c[1]));
            assertProblem(f, f, c[2]);
        }
    }

    @Test
    void badVocabAndMergesFiles() throws Exception {
        Path vocab = write("vocab.json", "{" + byteVocab("\"ab\": 256") + "}");
        Path merges = write("merges.txt", "#version: 0.2\na b\n");
        assertArrayEquals(new int[] {256, byteChar('a').charAt(0)}, PretrainedTokenizer.load(dir).encode("aba"));
        write("merges.txt", "#version: 0.2\na b\n\u0120 zz\n");
        assertProblem(dir, merges, "merge line 3 (\"\u0120 zz\"): \"zz\" is not in the vocabulary");
        write("merges.txt", "#version: 0.2\na b c\n");
        assertProblem(dir, merges, "line 2: expected two tokens separated by one space, found \"a b c\"");
        write("merges.txt", "#version: 0.2\n");
        assertProblem(dir, merges, "no merges");
        write("merges.txt", "a b\n");
        Files.write(vocab, new byte[] {'{', '"', (byte) 0xFF, '"', ':', '1', '}'});
        assertProblem(dir, vocab, "not UTF-8 text");
        write("vocab.json", "{\"a\": 1");
        assertProblem(dir, vocab, "unexpected end of file");
        write("vocab.json", "{" + byteVocab("\"ab\": 256, \"model\": 257") + "}"); // GPT-2 has the token "model"
        assertProblem(vocab, vocab, "this looks like a vocab.json; pass the folder that holds it and merges.txt");
    }

    @Test
    void wordPieceProblems() throws Exception {
        String good = """
                {"added_tokens": [], "normalizer": {"type": "BertNormalizer", "clean_text": true,
                 "handle_chinese_chars": true, "strip_accents": null, "lowercase": true},
                 "pre_tokenizer": {"type": "BertPreTokenizer"}, "post_processor": null, "decoder": null,
                 "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                   "max_input_chars_per_word": 100, "vocab": {"[UNK]": 0, "a": 1, "##b": 2}}}
                """;
        Path f = write("wp.json", good);
        assertArrayEquals(new int[] {1, 2, 0}, PretrainedTokenizer.load(f).encode("AB c"));
        String[][] cases = {
            {"\"unk_token\": \"[UNK]\"", "\"unk_token\": \"<unk>\"", "the unknown token \"<unk>\" is not in the vocabulary"},
            {"\"BertPreTokenizer\"", "\"Whitespace\"", "pre_tokenizer \"Whitespace\" is not supported (supported: BertPreTokenizer)"},
            {"\"type\": \"BertNormalizer\"", "\"type\": \"Lowercase\"", "normalizer \"Lowercase\" is not supported"},
            {"\"max_input_chars_per_word\": 100", "\"max_input_chars_per_word\": 0", "max_input_chars_per_word must be positive"},
            {"\"post_processor\": null", "\"post_processor\": {\"type\": \"TemplateProcessing\", \"single\": [{\"SpecialToken\":"
                + " {\"id\": \"[CLS]\", \"type_id\": 0}}, {\"Sequence\": {\"id\": \"A\", \"type_id\": 0}}], \"special_tokens\": {}}",
                "special token \"[CLS]\" is not in \"special_tokens\""},
            {"\"post_processor\": null", "\"post_processor\": {\"type\": \"BertProcessing\", \"cls\": [\"[CLS]\", 7], "
                + "\"sep\": [\"[SEP]\", 1]}", "post_processor: special token id 7 is not in the vocabulary (3 ids)"},
            {"\"lowercase\": true}", "\"lowercase\": 1}", "\"lowercase\" is not true or false"},
        };
        for (String[] c : cases) {
            assertTrue(good.contains(c[0]), c[0]);
            Path bad = write("wp.json", good.replace(c[0], c[1]));
            assertProblem(bad, bad, c[2]);
        }
    }

    @Test
    void standardJsonReadsNullsBooleansAndFloats() {
        Map<String, Object> m = TokenizerJson.parseObject(
                "{\"a\": null, \"b\": true, \"c\": false, \"d\": -0.5e1, \"e\": 12345678901234567890, \"f\": 7}"
                        .getBytes(StandardCharsets.UTF_8), true);
        assertEquals(TokenizerJson.NULL, m.get("a"));
        assertEquals(true, m.get("b"));
        assertEquals(false, m.get("c"));
        assertEquals(-5.0, m.get("d"));
        assertEquals(1.2345678901234567e19, m.get("e"));
        assertEquals(7L, m.get("f"));
        String[][] bad = {{"{\"a\": 01}", "malformed number at line 1, column 7"}, {"{\"a\": 1.}", "malformed number"},
            {"{\"a\": -}", "malformed number"}, {"{\"a\": 1e}", "malformed number"}, {"{\"a\": tru}", "unexpected 't'"},
            {"{\"a\": nul", "unexpected 'n'"}};
        for (String[] b : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TokenizerJson.parseObject(b[0].getBytes(StandardCharsets.UTF_8), true));
            assertTrue(e.getMessage().startsWith(b[1]), e.getMessage());
        }
    }

    @Test
    void whatIsNotATokenizer() throws Exception {
        assertProblem(dir, dir,
                "no tokenizer.json, vocab.json + merges.txt, encoder.json + vocab.bpe or source.spm + vocab.json in this folder");
        Path missing = dir.resolve("nope.json");
        assertProblem(missing, missing, "no such file or folder");
        Path other = write("config.json", "{\"n_layer\": 2, \"name\": \"gpt2\"}");
        assertProblem(other, other, "not a tokenizer file (no \"model\" field)");
        Path list = write("list.json", "[1, 2]");
        assertProblem(list, list, "expected a JSON object at line 1, column 1");
    }

    @Test
    void aVocabAndMergesFoldersAddedTokensAndHandAddedEntries(@TempDir Path folder) throws Exception {
        // GPT-2's files with what fine-tunes add beside them: added_tokens.json, tokenizer_config.json's
        // added_tokens_decoder, and a vocabulary entry that is not byte-level text (decoded as its UTF-8, as HF).
        Path gpt2 = TokenizerFixtures.gpt2Dir();
        String vocab = Files.readString(gpt2.resolve("vocab.json"));
        Files.writeString(folder.resolve("vocab.json"), vocab.substring(0, vocab.lastIndexOf('}')) + ", \"東京\": 50259}");
        Files.copy(gpt2.resolve("merges.txt"), folder.resolve("merges.txt"));
        Files.writeString(folder.resolve("added_tokens.json"), "{\"<pad>\": 50257}");
        Files.writeString(folder.resolve("tokenizer_config.json"), """
                {"added_tokens_decoder": {"50256": {"content": "<|endoftext|>", "special": true},
                 "50258": {"content": "<|im_end|>", "lstrip": false, "rstrip": false, "normalized": false, "special": true}},
                 "model_max_length": 1024}""");
        PretrainedTokenizer t = PretrainedTokenizer.load(folder);
        PretrainedTokenizer plain = TokenizerFixtures.gpt2();
        int[] a = plain.encode("Hello");
        int[] b = plain.encode(" world");
        int[] expected = java.util.stream.IntStream.concat(java.util.stream.IntStream.concat(java.util.Arrays.stream(a),
                java.util.stream.IntStream.of(50257, 50258)), java.util.Arrays.stream(b)).toArray();
        assertArrayEquals(expected, t.encode("Hello<pad><|im_end|> world"));
        assertEquals("<pad>東京<|im_end|>", t.decode(new int[] {50257, 50259, 50258}));
        assertEquals(50260, t.vocabSize());
        assertEquals(Integer.valueOf(50258), t.specialTokens().get("<|im_end|>"));

        Files.writeString(folder.resolve("added_tokens.json"), "{\"<pad>\": \"x\"}");
        assertProblem(folder, folder, "added_tokens.json");
        Files.writeString(folder.resolve("added_tokens.json"), "{}");
        Files.writeString(folder.resolve("tokenizer_config.json"), "{\"added_tokens_decoder\": {\"7\": {\"content\": \"<x>\","
                + " \"lstrip\": true}}}");
        assertProblem(folder, folder, "lstrip = true is not supported");
    }

    @Test
    void aTokenizerSavedByThisProjectLoadsToo() throws Exception {
        BpeTokenizer trained = BpeTokenizer.train(List.of("der Abend, die Abende", "guten Abend"), 300);
        Path f = dir.resolve("tokenizer.json");
        trained.save(f);
        PretrainedTokenizer t = PretrainedTokenizer.load(dir);
        assertArrayEquals(trained.encode("Abendessen"), t.encode("Abendessen"));
        assertEquals("Abendessen", t.decode(t.encode("Abendessen")));
        assertEquals(Map.of("<pad>", 0, "<s>", 1, "</s>", 2, "<unk>", 3), t.specialTokens());
        Files.writeString(f, Files.readString(f).replace("\"version\": 1", "\"version\": 7"));
        assertProblem(f, f, "unsupported version 7");
    }
}
