package org.transformer4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opus-MT's tokenizer against Hugging Face's MarianTokenizer (transformers 5.17, tools/make_marian_tokenizer_fixture.py):
 * a folder with source.spm (unigram, nmt_nfkc), target.spm (BPE) and a vocab.json that lacks some source pieces;
 * texts with language codes, special tokens in the text, unknown characters and odd whitespace must give HF's
 * input_ids, and id sequences HF's decoded text with and without the special tokens.
 */
public class MarianTokenizerTest {
    private static final Path FIXTURE = Path.of("src/test/resources/fixtures/marian-tokenizer");
    private static final Path MODELS = Path.of("src/test/resources/fixtures/sentencepiece");

    @TempDir
    static Path tmp;
    private static Path dir;

    /**
     * The fixture's tokenizer folder, assembled once: its vocab.json and tokenizer_config.json with
     * source.spm = sentencepiece/unigram.model and target.spm = sentencepiece/bpe.model (as the tool built it).
     */
    public static synchronized Path folder(Path into) throws java.io.IOException {
        Files.createDirectories(into);
        for (String f : new String[] {"vocab.json", "tokenizer_config.json"}) {
            Files.copy(FIXTURE.resolve(f), into.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Files.copy(MODELS.resolve("unigram.model"), into.resolve("source.spm"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(MODELS.resolve("bpe.model"), into.resolve("target.spm"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return into;
    }

    @org.junit.jupiter.api.BeforeAll
    static void assemble() throws Exception {
        dir = folder(tmp.resolve("marian-tokenizer"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> reference() throws Exception {
        return TokenizerJson.parseObject(Files.readAllBytes(FIXTURE.resolve("reference.json")), true);
    }

    private static int[] ints(Object list) {
        return ((List<?>) list).stream().mapToInt(o -> TokenizerJson.integer(o, "id")).toArray();
    }

    @Test
    @SuppressWarnings("unchecked")
    void idsEqualHuggingFaces() throws Exception {
        MarianTokenizer t = MarianTokenizer.load(dir);
        List<Map<String, Object>> cases = (List<Map<String, Object>>) reference().get("encode");
        assertTrue(cases.size() >= 20);
        for (Map<String, Object> c : cases) {
            String text = (String) c.get("text");
            assertArrayEquals(ints(c.get("input_ids")), t.encode(text), TokenizerJson.quote(text));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void decodedTextEqualsHuggingFaces() throws Exception {
        MarianTokenizer t = MarianTokenizer.load(dir);
        List<Map<String, Object>> cases = (List<Map<String, Object>>) reference().get("decode");
        assertTrue(cases.size() >= 40);
        for (Map<String, Object> c : cases) {
            int[] ids = ints(c.get("ids"));
            assertEquals(c.get("skip_special_tokens"), t.decodeTranslation(ids), java.util.Arrays.toString(ids));
            assertEquals(c.get("with_special_tokens"), t.decode(ids), java.util.Arrays.toString(ids));
        }
    }

    @Test
    void aMarianFolderLoadsThroughPretrainedTokenizer() throws Exception {
        PretrainedTokenizer t = PretrainedTokenizer.load(dir);
        MarianTokenizer marian = assertInstanceOf(MarianTokenizer.class, t);
        assertEquals(Map.of("</s>", 0, "<unk>", 1, "<pad>", t.vocabSize() - 1), marian.specialTokens());
        assertInstanceOf(SentencePieceTokenizer.class, PretrainedTokenizer.load(dir.resolve("source.spm")));
    }

    @Test
    void missingOrBrokenFilesAreOneLineNamingThem(@TempDir Path broken) throws Exception {
        Path dir = folder(broken);
        Files.delete(dir.resolve("target.spm"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MarianTokenizer.load(dir));
        assertTrue(e.getMessage().contains("target.spm"), e.getMessage());
        folder(broken);
        Files.writeString(dir.resolve("vocab.json"), "{\"</s>\": 0, \"<unk>\": 1, \"<pad>\": 1}");
        e = assertThrows(IllegalArgumentException.class, () -> MarianTokenizer.load(dir));
        assertTrue(e.getMessage().contains("vocab.json") && e.getMessage().contains("same id 1"), e.getMessage());
        Files.writeString(dir.resolve("vocab.json"), "{\"</s>\": 0, \"<unk>\": 1}");
        e = assertThrows(IllegalArgumentException.class, () -> MarianTokenizer.load(dir));
        assertTrue(e.getMessage().contains("<pad>"), e.getMessage());
        folder(broken);
        Files.write(dir.resolve("source.spm"), new byte[] {1, 2, 3});
        e = assertThrows(IllegalArgumentException.class, () -> MarianTokenizer.load(dir));
        assertTrue(e.getMessage().contains("source.spm") && !e.getMessage().contains("\n"), e.getMessage());
    }
}
