package org.transformer4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GPT-2's tokenizer against the reference: the ids that gpt-3-encoder 1.1.4 computes for 2030 texts (tricky
 * strings, Brown corpus lines, random Unicode), and the ids HF tokenizers computed for the prompts of the
 * gpt2-tiny fixture; loaded from vocab.json + merges.txt and from a tokenizer.json.
 */
class ByteLevelBpeTokenizerTest {
    private static final ByteLevelBpeTokenizer GPT2 = TokenizerFixtures.gpt2();

    record Case(String text, int[] ids) {
    }

    /** The 2030 reference lines {"text": ..., "ids": [...]}. */
    static List<Case> reference() {
        List<Case> cases = new ArrayList<>();
        for (String line : TokenizerFixtures.gunzip("/fixtures/gpt2-tokenizer/reference.jsonl.gz").split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            Map<String, Object> json = TokenizerJson.parseObject(line.getBytes(StandardCharsets.UTF_8), true);
            List<?> ids = TokenizerJson.array(json, "ids");
            cases.add(new Case(TokenizerJson.string(json, "text"),
                    ids.stream().mapToInt(id -> TokenizerJson.integer(id, "id")).toArray()));
        }
        return cases;
    }

    @Test
    void everyReferenceTextGivesTheReferenceIds() {
        List<Case> cases = reference();
        assertEquals(2030, cases.size());
        assertMatches(GPT2, cases);
    }

    /** All mismatches at once, the first few shown, so a failure says which kind of text broke. */
    static void assertMatches(ByteLevelBpeTokenizer t, List<Case> cases) {
        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            int[] ids = t.encodeOrdinary(c.text());
            if (!Arrays.equals(c.ids(), ids)) {
                failures.add(TokenizerJson.quote(c.text()) + ": expected " + Arrays.toString(c.ids()) + " got "
                        + Arrays.toString(ids));
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + cases.size() + " differ, e.g.\n"
                + String.join("\n", failures.subList(0, Math.min(5, failures.size()))));
    }

    @Test
    void referenceIdsDecodeToTheirText() {
        for (Case c : reference()) {
            assertEquals(c.text(), GPT2.decode(c.ids()));
        }
    }

    @Test
    void encodeWithSpecialsDiffersOnlyWhereTheTextHoldsOne() {
        int checked = 0;
        for (Case c : reference()) {
            if (!c.text().contains("<|endoftext|>")) {
                assertArrayEquals(c.ids(), GPT2.encode(c.text()), c.text());
                checked++;
            }
        }
        assertEquals(2029, checked);
    }

    @Test
    void endOfTextIsOneSpecialTokenUnlessOrdinary() {
        assertEquals(Map.of("<|endoftext|>", 50256), GPT2.specialTokens());
        assertArrayEquals(new int[] {15496, 995, 50256}, GPT2.encode("Hello world<|endoftext|>"));
        assertArrayEquals(new int[] {50256, 50256}, GPT2.encode("<|endoftext|><|endoftext|>"));
        // the reference (gpt-3-encoder) knows no special tokens: its ids for the text "<|endoftext|>"
        assertArrayEquals(new int[] {27, 91, 437, 1659, 5239, 91, 29}, GPT2.encodeOrdinary("<|endoftext|>"));
        assertArrayEquals(new int[] {64, 50256, 275}, GPT2.encode("a<|endoftext|> b")); // "a", special, "Ġb"
        assertEquals("x<|endoftext|>y", GPT2.decode(GPT2.encode("x<|endoftext|>y")));
        assertArrayEquals(new int[] {27, 91, 437, 1659, 5239, 91, 50256}, GPT2.encode("<|endoftext|<|endoftext|>"));
    }

    /** Input ids HF transformers 5.17.0 (tokenizers) gave for the prompts of ../shared/fixtures/hf/gpt2-tiny. */
    static final List<Case> HF_PROMPTS = List.of(
            new Case("The original transformer figure places layer normalization between the residual blocks.",
                    new int[] {464, 2656, 47385, 3785, 4113, 7679, 3487, 1634, 1022, 262, 29598, 7021, 13}),
            new Case("Hello, world! 1234", new int[] {15496, 11, 995, 0, 1105, 2682}),
            new Case("  leading spaces and\ttabs\nnewlines",
                    new int[] {220, 3756, 9029, 290, 197, 8658, 82, 198, 3605, 6615}),
            new Case("Ünïcödé — “quotes” 😀 中文", new int[] {127, 250, 77, 26884, 66, 9101, 67, 2634, 851, 564, 250,
                421, 6421, 447, 251, 30325, 222, 220, 40792, 23877, 229}));

    @Test
    void hfTokenizersIdsOfTheModelPrompts() {
        for (Case c : HF_PROMPTS) {
            assertArrayEquals(c.ids(), GPT2.encode(c.text()), c.text());
        }
    }

    @Test
    void aTokenizerJsonGivesTheSameIds(@TempDir Path dir) throws Exception {
        for (boolean pairs : new boolean[] {true, false}) {
            Path file = dir.resolve("tokenizer-" + pairs + ".json");
            Files.writeString(file, gpt2TokenizerJson(pairs, PRE_TOKENIZER), StandardCharsets.UTF_8);
            ByteLevelBpeTokenizer t = assertInstanceOf(ByteLevelBpeTokenizer.class, PretrainedTokenizer.load(file));
            assertMatches(t, reference());
            for (Case c : HF_PROMPTS) {
                assertArrayEquals(c.ids(), t.encode(c.text()), c.text());
            }
            assertEquals(Map.of("<|endoftext|>", 50256), t.specialTokens());
            assertEquals(50257, t.vocabSize());
            // The two references part on two characters: HF tokenizers' \s (Unicode White_Space, ids from
            // tokenizers 0.23.2 on this vocabulary) takes U+0085 and not U+FEFF; gpt-3-encoder's (JavaScript's)
            // the other way round, and the vocab + merges files follow it.
            assertArrayEquals(new int[] {64, 220, 126, 227, 65}, t.encode("a \u0085b"));
            assertArrayEquals(new int[] {64, 27332, 119, 123, 65}, t.encode("a \ufeffb"));
            assertArrayEquals(new int[] {64, 1587, 227, 65}, GPT2.encode("a \u0085b"));
            assertArrayEquals(new int[] {64, 220, 171, 119, 123, 65}, GPT2.encode("a \ufeffb"));
        }
    }

    @Test
    void aSplitWithGpt2sPatternBeforeByteLevelIsTheSame(@TempDir Path dir) throws Exception {
        String split = "{\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"Split\", \"pattern\": {\"Regex\": "
                + TokenizerJson.quote(Gpt2PreTokenizer.PATTERN) + "}, \"behavior\": \"Isolated\", \"invert\": false},"
                + " {\"type\": \"ByteLevel\", \"add_prefix_space\": false, \"trim_offsets\": true, \"use_regex\": false}]}";
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, gpt2TokenizerJson(true, split), StandardCharsets.UTF_8);
        assertMatches((ByteLevelBpeTokenizer) PretrainedTokenizer.load(dir), reference());
        // HF prefixes a space to every piece of the Split in this form; that is refused rather than done once per text.
        Files.writeString(file, gpt2TokenizerJson(true, split.replace("\"add_prefix_space\": false", "\"add_prefix_space\": true")),
                StandardCharsets.UTF_8);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PretrainedTokenizer.load(dir));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("without add_prefix_space"), e.getMessage());
    }

    @Test
    void addPrefixSpaceAndATemplate(@TempDir Path dir) throws Exception {
        String pre = "{\"type\": \"ByteLevel\", \"add_prefix_space\": true, \"trim_offsets\": true, \"use_regex\": true}";
        String post = "{\"type\": \"TemplateProcessing\", \"single\": [{\"SpecialToken\": {\"id\": \"<|endoftext|>\","
                + " \"type_id\": 0}}, {\"Sequence\": {\"id\": \"A\", \"type_id\": 0}}], \"pair\": [], \"special_tokens\":"
                + " {\"<|endoftext|>\": {\"id\": \"<|endoftext|>\", \"ids\": [50256], \"tokens\": [\"<|endoftext|>\"]}}}";
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, gpt2TokenizerJson(true, pre).replace("\"post_processor\": null",
                "\"post_processor\": " + post), StandardCharsets.UTF_8);
        PretrainedTokenizer t = PretrainedTokenizer.load(file);
        // " Hello" is 18435 and " world" 995 (reference lines " Hello world" and "Hello world")
        assertArrayEquals(new int[] {50256, 18435, 995}, t.encode("Hello world"));
        assertArrayEquals(new int[] {50256, 18435, 995}, t.encode(" Hello world"));
        assertArrayEquals(new int[] {18435, 995}, t.encodeOrdinary("Hello world"));
    }

    static final String PRE_TOKENIZER =
            "{\"type\": \"ByteLevel\", \"add_prefix_space\": false, \"trim_offsets\": true, \"use_regex\": true}";

    /**
     * GPT-2's tokenizer.json as HF tokenizers writes it (the top-level fields of ../shared/fixtures/hf/gpt2-tiny's,
     * which is 3.5 MB), with the vocabulary and merges of the gzipped fixture; merges as pairs or "a b" strings.
     */
    static String gpt2TokenizerJson(boolean pairs, String preTokenizer) throws Exception {
        String vocab = Files.readString(TokenizerFixtures.gpt2Dir().resolve("vocab.json"));
        List<String> lines = Files.readAllLines(TokenizerFixtures.gpt2Dir().resolve("merges.txt"));
        StringBuilder merges = new StringBuilder();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isEmpty()) {
                continue;
            }
            String[] p = line.split(" ");
            merges.append(merges.isEmpty() ? "" : ",\n      ").append(pairs
                    ? "[" + TokenizerJson.quote(p[0]) + ", " + TokenizerJson.quote(p[1]) + "]" : TokenizerJson.quote(line));
        }
        return """
                {
                  "version": "1.0",
                  "truncation": null,
                  "padding": null,
                  "added_tokens": [{"id": 50256, "content": "<|endoftext|>", "single_word": false, "lstrip": false,
                    "rstrip": false, "normalized": false, "special": true}],
                  "normalizer": null,
                  "pre_tokenizer": %s,
                  "post_processor": null,
                  "decoder": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true},
                  "model": {"type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": null,
                    "end_of_word_suffix": null, "fuse_unk": false, "byte_fallback": false, "ignore_merges": false,
                    "vocab": %s,
                    "merges": [%s]}
                }
                """.formatted(preTokenizer, vocab, merges);
    }

    @Test
    void gpt3EncoderFileNamesLoadToo(@TempDir Path dir) throws Exception {
        Files.copy(TokenizerFixtures.gpt2Dir().resolve("vocab.json"), dir.resolve("encoder.json"));
        Files.copy(TokenizerFixtures.gpt2Dir().resolve("merges.txt"), dir.resolve("vocab.bpe"));
        PretrainedTokenizer t = PretrainedTokenizer.load(dir);
        assertArrayEquals(new int[] {15496, 995}, t.encode("Hello world"));
    }

    @Test
    void unpairedSurrogatesEncodeAsTheReplacementCharacter() {
        assertArrayEquals(GPT2.encode("a\uFFFDb"), GPT2.encode("a\uD800b"));
        assertArrayEquals(GPT2.encode("\uFFFD\uFFFD"), GPT2.encode("\uDC00\uD800"));
        assertEquals("a\uFFFDb", GPT2.decode(GPT2.encode("a\uDBFFb")));
        assertEquals("\uD83D\uDE00", GPT2.decode(GPT2.encode("\uD83D\uDE00"))); // a pair is one code point
    }

    @Test
    void vocabularyAndMerges() {
        assertEquals(50257, GPT2.vocabSize());
        assertEquals(50000, GPT2.mergeCount());
        assertEquals("<|endoftext|>", GPT2.token(50256));
        assertEquals("\u0120", GPT2.token(220)); // Ġ: the space, byte 0x20 moved to U+0120
        assertEquals("Hello", GPT2.token(15496));
        assertArrayEquals(new byte[] {(byte) 0xC3}, GPT2.decodeBytes(new int[] {127})); // Ã is byte 0xC3 itself
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GPT2.decode(new int[] {50257}));
        assertEquals("token id 50257 is outside the vocabulary [0, 50257)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GPT2.token(-1));
    }
}
