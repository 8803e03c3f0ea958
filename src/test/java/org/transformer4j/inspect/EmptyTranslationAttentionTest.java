package org.transformer4j.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.transformer4j.model.EncoderDecoder;
import org.transformer4j.model.TransformerConfig;
import org.transformer4j.tensor.Rng;

/** A translation to nothing (eos at once, as early in training) still has a cross-attention map: one eos row. */
class EmptyTranslationAttentionTest {
    @Test
    void anEmptyOutputGivesTheEosRow() {
        EncoderDecoder m = new EncoderDecoder(TransformerConfig.tinyPaper().withDModel(32).withDFF(64).withVocabSize(20),
                new Rng(1));
        AttentionHeatmap map = TranslationAttention.crossAttention(m, new int[] {4, 5, 6}, new int[0], 1,
                List.of("a", "b", "c"), List.of(), "empty");
        assertEquals(List.of("</s>"), map.rowLabels());
        assertTrue(map.svg().contains("</s>") || map.svg().contains("&lt;/s&gt;"));
        assertTrue(map.image().getWidth() > 0);
    }
}
