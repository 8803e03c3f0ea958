package org.transformer4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SentencePiece against Google's own implementation (0.1.97, tools/make_sentencepiece_fixtures.py): three
 * models trained on the Ding dictionary (unigram with the nmt_nfkc character map and a user-defined piece; BPE
 * with identity normalization and no dummy prefix; unigram with byte fallback keeping whitespace as it is),
 * the pieces, ids and decoded text of 700+ texts each, which must be equal; corrupted model files.
 */
class SentencePieceTokenizerTest {
    private static final String DIR = "/fixtures/sentencepiece/";

    record Case(String text, List<String> pieces, int[] ids, String decoded) { }

    static byte[] resource(String name) {
        try (InputStream in = SentencePieceTokenizerTest.class.getResourceAsStream(DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + DIR + name + " is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SentencePieceTokenizer model(String name) {
        return SentencePieceTokenizer.of(SentencePieceModel.parse(name + ".model", resource(name + ".model")));
    }

    static List<Case> cases(String model) {
        List<Case> out = new ArrayList<>();
        for (String line : TokenizerFixtures.gunzip(DIR + "reference.jsonl.gz").split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, Object> json = TokenizerJson.parseObject(line.getBytes(StandardCharsets.UTF_8), true);
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) json.get(model);
            out.add(new Case(TokenizerJson.string(json, "text"), TokenizerJson.strings(m, "pieces"),
                    TokenizerJson.array(m, "ids").stream().mapToInt(id -> TokenizerJson.integer(id, "id")).toArray(),
                    TokenizerJson.string(m, "decoded")));
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"unigram", "bpe", "bytes"})
    void piecesIdsAndDecodedTextEqualSentencePiece(String name) {
        SentencePieceTokenizer sp = model(name);
        List<Case> cases = cases(name);
        assertTrue(cases.size() > 700, "fixture has " + cases.size() + " texts");
        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            List<String> pieces = sp.encodePieces(c.text());
            int[] ids = sp.encode(c.text());
            String decoded = sp.decode(c.ids());
            if (!pieces.equals(c.pieces()) || !Arrays.equals(ids, c.ids()) || !decoded.equals(c.decoded())) {
                failures.add(TokenizerJson.quote(c.text()) + ": expected " + c.pieces() + " " + Arrays.toString(c.ids())
                        + " " + TokenizerJson.quote(c.decoded()) + ", got " + pieces + " " + Arrays.toString(ids) + " "
                        + TokenizerJson.quote(decoded));
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + cases.size() + " texts differ, e.g.\n"
                + String.join("\n", failures.subList(0, Math.min(8, failures.size()))));
    }

    @Test
    void theModelFilesSettingsAreRead() {
        SentencePieceModel unigram = model("unigram").model();
        assertEquals(SentencePieceModel.Algorithm.UNIGRAM, unigram.algorithm());
        assertEquals("nmt_nfkc", unigram.normalizerName());
        assertTrue(unigram.charsMap().length > 1000, "nmt_nfkc carries its character map");
        assertEquals(800, unigram.size());
        assertEquals(SentencePieceModel.Kind.USER_DEFINED, unigram.kinds().get(model("unigram").pieceId("<sep>")));
        SentencePieceModel bpe = model("bpe").model();
        assertEquals(SentencePieceModel.Algorithm.BPE, bpe.algorithm());
        assertEquals(0, bpe.charsMap().length);
        assertEquals(false, bpe.addDummyPrefix());
        SentencePieceModel bytes = model("bytes").model();
        assertTrue(bytes.byteFallback());
        assertEquals(false, bytes.removeExtraWhitespaces());
        assertEquals(Map.of("<unk>", 0, "<s>", 1, "</s>", 2), model("unigram").specialTokens());
    }

    @Test
    void normalizationFoldsCompatibilityFormsAndWhitespace() {
        SentencePieceTokenizer sp = model("unigram");
        assertEquals("\u2581finden\u2581ABC\u2581123", sp.normalize("  ﬁnden   ＡＢＣ １２３ "));
        assertEquals("", sp.normalize(" \t "));
    }

    @Test
    void idsOutsideTheVocabularyAreRefused() {
        SentencePieceTokenizer sp = model("unigram");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sp.decode(new int[] {5, 800}));
        assertTrue(e.getMessage().contains("800"), e.getMessage());
    }

    @Test
    void aGarbledOrTruncatedFileIsOneLineNamingIt(@TempDir Path dir) throws IOException {
        byte[] good = resource("unigram.model");
        List<byte[]> bad = List.of(new byte[0], "not a model at all".getBytes(StandardCharsets.UTF_8),
                Arrays.copyOf(good, good.length / 2), Arrays.copyOf(good, 100), new byte[] {0x0A, (byte) 0xFF, (byte) 0xFF,
                        (byte) 0xFF, (byte) 0xFF, 0x0F});
        for (int i = 0; i < bad.size(); i++) {
            Path file = dir.resolve("bad" + i + ".model");
            Files.write(file, bad.get(i));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SentencePieceTokenizer.load(file),
                    "case " + i);
            assertTrue(e.getMessage().contains(file.toString()) && !e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void aCharacterMapThatLiesAboutItsSizeIsRefused() {
        SentencePieceModel m = model("unigram").model();
        byte[] map = m.charsMap().clone();
        map[3] = 0x7F;                                                  // trie size far beyond the blob
        SentencePieceModel lying = new SentencePieceModel(m.label(), m.pieces(), m.scores(), m.kinds(), m.algorithm(),
                m.byteFallback(), m.unknownSurface(), m.normalizerName(), map, true, true, true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SentencePieceTokenizer.of(lying));
        assertTrue(e.getMessage().contains("trie size"), e.getMessage());
    }

    @Test
    void decodingSkipsControlPiecesAndWritesUnknownAsTheQuestionMarkOrnament() {
        SentencePieceTokenizer sp = model("unigram");
        int[] ids = sp.encode("Haus");
        int[] withSpecials = new int[ids.length + 2];
        withSpecials[0] = 1;
        System.arraycopy(ids, 0, withSpecials, 1, ids.length);
        withSpecials[ids.length + 1] = 2;
        assertEquals("Haus", sp.decode(withSpecials));
        assertEquals(" \u2047 ", sp.decode(new int[] {0}));
        assertArrayEquals(ids, sp.encodeOrdinary("Haus"));
    }
    @ParameterizedTest
    @ValueSource(strings = {"unigram", "bpe", "bytes"})
    void randomCorruptionsGiveAWorkingModelOrAOneLineError(String name) {
        byte[] good = resource(name + ".model");
        java.util.Random random = new java.util.Random(name.hashCode());
        for (int i = 0; i < 300; i++) {
            byte[] b = good.clone();
            for (int k = 1 + random.nextInt(8); k > 0; k--) {
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            }
            if (random.nextInt(4) == 0) {
                b = Arrays.copyOf(b, random.nextInt(b.length));
            }
            SentencePieceTokenizer t;
            try {
                t = SentencePieceTokenizer.of(SentencePieceModel.parse("bad.model", b));
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage().startsWith("bad.model") && !e.getMessage().contains("\n"), e.getMessage());
                continue;
            }
            t.decode(t.encode("Hello wörld ﬁ ＡＢ 漢字 <sep>  x"));                   // a model that loads works
        }
    }
}
