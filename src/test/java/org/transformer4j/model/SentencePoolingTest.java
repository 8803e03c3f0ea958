package org.transformer4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * [CLS] and max pooling against ONNX Runtime's hidden states of all-MiniLM-L6-v2, pooled here as
 * sentence-transformers defines them (the first token's state; the maximum over the real tokens), and the
 * settings read from a sentence-transformers folder.
 */
class SentencePoolingTest {

    @Test
    void clsAndMaxPoolingMatchOnnxRuntimesStates() {
        var t = MiniLmFixtures.tokenizer();
        int[][] ids = {t.encode("A man is playing a guitar."), t.encode("Hi"), t.encode("The quick brown fox jumps over the lazy dog")};
        float[][][] h = MiniLmFixtures.ortHiddenStates(ids);
        Tokens tokens = Tokens.padded(ids, 0);
        float[][] cls = SentenceEmbeddings.embed(MiniLmFixtures.model(), tokens, SentenceEmbeddings.Pooling.CLS, false);
        float[][] max = SentenceEmbeddings.embed(MiniLmFixtures.model(), tokens, SentenceEmbeddings.Pooling.MAX, false);
        float[][] clsNormalized = SentenceEmbeddings.embed(MiniLmFixtures.model(), tokens, SentenceEmbeddings.Pooling.CLS, true);
        for (int b = 0; b < ids.length; b++) {
            int d = h[b][0].length;
            double norm = 0;
            for (int j = 0; j < d; j++) {
                float m = Float.NEGATIVE_INFINITY;
                for (int i = 0; i < ids[b].length; i++) {
                    m = Math.max(m, h[b][i][j]);
                }
                assertEquals(h[b][0][j], cls[b][j], 2e-4, "cls " + b + "," + j);
                assertEquals(m, max[b][j], 2e-4, "max " + b + "," + j);
                norm += (double) h[b][0][j] * h[b][0][j];
            }
            for (int j = 0; j < d; j++) {
                assertEquals(h[b][0][j] / Math.sqrt(norm), clsNormalized[b][j], 1e-5, "normalized cls " + b + "," + j);
            }
        }
    }

    @Test
    void aSentenceTransformersFoldersSettingsAreRead(@TempDir Path dir) throws Exception {
        assertEquals(SentenceEmbeddings.Settings.DEFAULT, SentenceEmbeddings.Settings.read(dir));
        Files.createDirectories(dir.resolve("1_Pooling"));
        Files.writeString(dir.resolve("modules.json"), """
                [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                 {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
                 {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}]""");
        Files.writeString(dir.resolve("1_Pooling/config.json"), """
                {"word_embedding_dimension": 384, "pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false,
                 "pooling_mode_max_tokens": false, "pooling_mode_mean_sqrt_len_tokens": false}""");
        Files.writeString(dir.resolve("sentence_bert_config.json"), "{\"max_seq_length\": 128, \"do_lower_case\": false}");
        assertEquals(new SentenceEmbeddings.Settings(SentenceEmbeddings.Pooling.CLS, true, 128),
                SentenceEmbeddings.Settings.read(dir));

        Files.writeString(dir.resolve("1_Pooling/config.json"), "{\"pooling_mode_mean_sqrt_len_tokens\": true}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SentenceEmbeddings.Settings.read(dir));
        assertTrue(e.getMessage().contains("pooling_mode_mean_sqrt_len_tokens"), e.getMessage());
        Files.writeString(dir.resolve("modules.json"), """
                [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                 {"idx": 1, "name": "1", "path": "2_Dense", "type": "sentence_transformers.models.Dense"}]""");
        e = assertThrows(IllegalArgumentException.class, () -> SentenceEmbeddings.Settings.read(dir));
        assertTrue(e.getMessage().contains("Dense") && e.getMessage().contains("modules.json"), e.getMessage());
    }
}
