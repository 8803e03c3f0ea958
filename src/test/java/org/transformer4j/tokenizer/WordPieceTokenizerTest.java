package org.transformer4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * BERT's WordPiece on all-MiniLM-L6-v2's tokenizer.json: the ids HF tokenizers gave for 50 sentences, and
 * tricky cases whose tokens were worked out by hand from the rules and the vocabulary (their ids come from
 * the file's vocabulary, read here with the JSON reader only).
 */
class WordPieceTokenizerTest {
    private static final WordPieceTokenizer MINILM = TokenizerFixtures.miniLm();
    private static final Map<String, Object> VOCAB = vocab();

    private static Map<String, Object> vocab() {
        try {
            Map<String, Object> json = TokenizerJson.readStandardObject(TokenizerFixtures.miniLmTokenizerJson());
            @SuppressWarnings("unchecked")
            Map<String, Object> model = (Map<String, Object>) json.get("model");
            @SuppressWarnings("unchecked")
            Map<String, Object> vocab = (Map<String, Object>) model.get("vocab");
            return vocab;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The ids of tokens written out, looked up in the file's vocabulary. */
    private static int[] ids(String... tokens) {
        int[] ids = new int[tokens.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = TokenizerJson.integer(VOCAB.get(tokens[i]), "the id of " + tokens[i]);
        }
        return ids;
    }

    @Test
    void allFiftyReferenceSentencesGiveTheReferenceIds() throws IOException {
        List<String> lines;
        try (InputStream in = WordPieceTokenizerTest.class.getResourceAsStream("/fixtures/minilm/reference-ids.jsonl")) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        assertEquals(50, lines.size());
        List<String> failures = new ArrayList<>();
        for (String line : lines) {
            Map<String, Object> json = TokenizerJson.parseObject(line.getBytes(StandardCharsets.UTF_8), true);
            String text = TokenizerJson.string(json, "text");
            int[] expected = TokenizerJson.array(json, "ids").stream().mapToInt(x -> TokenizerJson.integer(x, "id")).toArray();
            int[] got = MINILM.encode(text);
            if (!java.util.Arrays.equals(expected, got)) {
                failures.add(text + ": expected " + java.util.Arrays.toString(expected) + " got "
                        + java.util.Arrays.toString(got));
            }
        }
        assertEquals(List.of(), failures);
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        // lower-cased, accents stripped (NFD, then the combining marks dropped)
        "Café NAÏVE                | cafe naive",
        // İ decomposes to I + a combining dot, which is stripped before lower-casing
        "İstanbul                  | istanbul",
        // lower-casing is per character, so the final capital sigma becomes σ, not ς
        "ΣΑΣ                       | σ ##α ##σ",
        // CJK ideographs are words of their own; 爱 is not in the vocabulary
        "我爱中文                   | 我 [UNK] 中 文",
        // each punctuation character is a word, ASCII symbols included ($ and ^ are Unicode symbols)
        "hello,world!!             | hello , world ! !",
        "a$b^c                     | a $ b ^ c",
        "¿hola?                    | ¿ ho ##la ?",
        // greedy longest match first
        "unaffable                 | una ##ffa ##ble",
        // a word with a part outside the vocabulary is one [UNK]; ☃ is a symbol, so not split off
        "x☃                        | [UNK]",
        "x ☃                       | x [UNK]",
        // NUL and a zero-width space (a format character) are dropped, a tab and no-break spaces separate words
        "`hel\u0000lo\u200B world\tx\u00A0y\u3000z` | hello world x y z",
        // Hangul syllables decompose into jamo (NFD); they are not CJK ideographs
        "한                        | ᄒ ##ᅡ ##ᆫ",
        // added tokens match literally before normalization; lower-case [sep] is ordinary text
        "hello [SEP] world         | hello [SEP] world",
        "[sep]                     | [ sep ]",
        "``                        | ``",
        "`   `                     | ``",
    })
    void trickyTextsGiveTheTokensWorkedOutByHand(String text, String tokens) {
        List<String> expected = new ArrayList<>(List.of("[CLS]"));
        if (!tokens.isEmpty()) {
            expected.addAll(List.of(tokens.split(" ")));
        }
        expected.add("[SEP]");
        assertArrayEquals(ids(expected.toArray(String[]::new)), MINILM.encode(text.translateEscapes()), text);
    }

    @Test
    void wordsLongerThanOneHundredCharactersAreUnknown() {
        assertArrayEquals(ids("[CLS]", "[UNK]", "[SEP]"), MINILM.encode("a".repeat(101)));
        assertArrayEquals(ids("[CLS]", "[UNK]", "x", "[SEP]"), MINILM.encode("é".repeat(101) + " x"));
        // 100 characters are spelled; the vocabulary's runs of a are a, aa, aaa, ##a and ##aa
        List<String> pieces = new ArrayList<>(List.of("aaa"));
        pieces.addAll(java.util.Collections.nCopies(48, "##aa"));
        pieces.add("##a");
        assertArrayEquals(ids(pieces.toArray(String[]::new)), MINILM.encodeOrdinary("a".repeat(100)));
    }

    @Test
    void ordinaryEncodingAddsNoSpecialsAndMatchesNone() {
        assertArrayEquals(ids("hello", "world"), MINILM.encodeOrdinary("Hello world"));
        assertArrayEquals(ids("[", "sep", "]"), MINILM.encodeOrdinary("[SEP]"));
    }

    @Test
    void specialTokensAndVocabulary() {
        assertEquals(Map.of("[PAD]", 0, "[UNK]", 100, "[CLS]", 101, "[SEP]", 102, "[MASK]", 103), MINILM.specialTokens());
        assertEquals(30522, MINILM.vocabSize());
        assertEquals("##ing", MINILM.token(2075));
    }

    @Test
    void decodeJoinsPiecesAndCleansUpPunctuation() {
        assertEquals("[CLS] hello, world! [SEP]", MINILM.decode(MINILM.encode("Hello, world!")));
        assertEquals("supercalifragilisticexpialidocious", MINILM.decode(MINILM.encodeOrdinary("Supercalifragilisticexpialidocious")));
        // cleanup works on each token with its leading space, as HF's decoder does, so it cannot rejoin "don ' t"
        assertEquals("don ' t", MINILM.decode(ids("don", "'", "t")));
    }
    @Test
    void aNormalizedAddedTokenMatchesItsNormalizedForm(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws IOException {
        // MiniLM's tokenizer.json (lower-casing) with {"content": "[NEW]", "normalized": true} as id 30522; the
        // ids are HF tokenizers 0.23.2's for the same file (padding aside).
        String json = Files.readString(TokenizerFixtures.miniLmTokenizerJson());
        int at = json.indexOf("\"added_tokens\"");
        int open = json.indexOf('[', at);
        json = json.substring(0, open + 1) + "{\"id\": 30522, \"content\": \"[NEW]\", \"single_word\": false, \"lstrip\": false,"
                + " \"rstrip\": false, \"normalized\": true, \"special\": false}, " + json.substring(open + 1);
        java.nio.file.Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, json);
        PretrainedTokenizer t = PretrainedTokenizer.load(file);
        assertArrayEquals(new int[] {101, 1037, 30522, 1038, 102}, t.encode("a [NEW] b"));
        assertArrayEquals(new int[] {101, 1037, 30522, 1038, 102}, t.encode("a [new] b"));
        assertArrayEquals(new int[] {101, 1037, 30522, 1038, 102}, t.encode("A[NeW]B"));
        assertArrayEquals(new int[] {101, 1060, 30522, 102}, t.encode("x[new]"));
    }
}
