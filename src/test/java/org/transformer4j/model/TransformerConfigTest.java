package org.transformer4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.transformer4j.nn.Activation;
import org.transformer4j.nn.LayerSpec.AttentionKind;
import org.transformer4j.nn.LayerSpec.Positions;
import org.transformer4j.nn.NormLayer;
import org.transformer4j.nn.NormPlacement;
import org.transformer4j.tensor.Rng;

/** Presets, validation messages, JSON round trips and the analytic parameter count. */
class TransformerConfigTest {

    static List<String> presets() {
        return TransformerConfig.presetNames();
    }

    @ParameterizedTest
    @MethodSource("presets")
    void everyPresetSurvivesAJsonRoundTrip(String name) {
        TransformerConfig c = TransformerConfig.preset(name);
        assertEquals(c, ConfigJson.parse(ConfigJson.write(c)));
    }

    @Test
    void presetsHaveThePublishedShapes() {
        // GPT-2 small: 124,439,808 parameters with the output tied to the token embedding.
        assertEquals(124_439_808L, Models.parameterCount(TransformerConfig.preset("gpt2-124m")));
        // The paper's Table 3 gives 65M for the base model and 213M for the big one (rounded, vocabulary
        // of about 37k shared BPE tokens).
        long base = Models.parameterCount(TransformerConfig.preset("paper-base"));
        assertTrue(base > 60_000_000L && base < 66_000_000L, "paper-base: " + base);
        long big = Models.parameterCount(TransformerConfig.preset("paper-big"));
        assertTrue(big > 205_000_000L && big < 215_000_000L, "paper-big: " + big);
        // all-MiniLM-L6-v2 has 22,713,216 parameters including BERT's pooler (384 x 384 + 384), which the
        // encoder itself does not have.
        assertEquals(22_713_216L - (384 * 384 + 384), Models.parameterCount(TransformerConfig.preset("minilm-l6")));
        assertEquals(NormPlacement.PRE, TransformerConfig.preset("paper-base-preln").normPlacement());
        assertTrue(TransformerConfig.preset("paper-base-preln").finalNorm(), "Pre-LN needs the final norm");
        assertFalse(TransformerConfig.preset("paper-base").finalNorm(), "the paper's Post-LN model has none");
    }

    static List<TransformerConfig> variants() {
        TransformerConfig p = TransformerConfig.tinyPaper().withDModel(32).withDFF(48).withVocabSize(50).withMaxPositions(40);
        TransformerConfig g = TransformerConfig.tinyGpt().withDModel(32).withDFF(48).withVocabSize(50).withMaxPositions(40);
        TransformerConfig e = TransformerConfig.miniLm().withHeads(4).withDModel(32).withDFF(48).withVocabSize(50)
                .withMaxPositions(40).withEncoderLayers(2);
        return List.of(p, p.withShareSourceTarget(false).withSourceVocabSize(70), p.withTieOutput(false),
                p.withNormPlacement(NormPlacement.PRE), p.withPositions(Positions.LEARNED),
                p.withTieOutput(false).withPositions(Positions.SINUSOIDAL_CONCAT).withPositionalDim(8), p.withNorm(NormLayer.Kind.RMS_NORM),
                p.withOutputBias(true), p.withPositions(Positions.SINUSOIDAL_HALVES), p.withTieOutput(false).withOutputBias(true),
                g, g.withOutputBias(true), g.withKvHeads(2), g.withGatedFeedForward(true).withActivation(Activation.SILU), g.withBias(false),
                g.withPositions(Positions.ROPE), g.withPositions(Positions.ALIBI), g.withTieOutput(false),
                g.withAttention(AttentionKind.LINEAR).withPositions(Positions.NONE),
                g.withAttention(AttentionKind.LINEAR_DELTA).withPositions(Positions.SINUSOIDAL), e, e.withTokenTypes(0));
    }

    @ParameterizedTest
    @MethodSource("variants")
    void theAnalyticParameterCountMatchesTheBuiltModel(TransformerConfig c) {
        assertEquals(Models.build(c, new Rng(1)).parameterCount(), Models.parameterCount(c), c.toString());
    }

    private static void assertMessage(Runnable r, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' lacks '" + p + "'");
        }
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void badValuesNameTheFieldAndTheValue() {
        TransformerConfig g = TransformerConfig.tinyGpt();
        assertMessage(() -> g.withDModel(65), "d_model", "65", "heads = 4");
        assertMessage(() -> g.withHeads(-1), "heads", "-1");
        assertMessage(() -> g.withDFF(0), "d_ff", "0");
        assertMessage(() -> g.withDropout(1.5f), "dropout", "1.5");
        assertMessage(() -> g.withKvHeads(3), "kv_heads", "3");
        assertMessage(() -> g.withEncoderLayers(2), "encoder_layers", "2");
        assertMessage(() -> TransformerConfig.preset("gpt5"), "unknown preset", "gpt5", "tiny-gpt");
        assertMessage(() -> ConfigJson.parse("{\"preset\": \"tiny-gpt\", \"norm_placement\": \"middle\"}"),
                "norm_placement", "middle", "post, pre");
        assertMessage(() -> ConfigJson.parse("{\"preset\": \"tiny-gpt\", \"d_model\": \"big\"}"), "d_model", "integer", "big");
        assertMessage(() -> ConfigJson.parse("{\"preset\": \"tiny-gpt\", \"d_modle\": 8}"), "unknown config field d_modle");
        assertMessage(() -> ConfigJson.parse("{\"d_model\": 8}"), "missing");
        assertMessage(() -> ConfigJson.parse("[1]"), "JSON object");
        assertMessage(() -> ConfigJson.parse("{\"preset\": \"tiny-gpt\", \"vocab_size\": -5}"), "vocab_size", "-5");
    }

    @Test
    void aConfigWrittenBeforeOutputBiasExistedReadsAsWithout() {
        TransformerConfig c = TransformerConfig.tinyPaper();
        String old = ConfigJson.write(c).replaceAll("(?m)^\\s*\"output_bias\": false,\n", "");
        assertFalse(old.contains("output_bias"), old);
        assertEquals(c, ConfigJson.parse(old));
        assertTrue(ConfigJson.parse(ConfigJson.write(c.withOutputBias(true))).outputBias());
        assertMessage(() -> TransformerConfig.miniLm().withOutputBias(true), "output_bias", "encoder-only");
    }

    @Test
    void jsonOverridesApplyOnTopOfAPreset() {
        TransformerConfig c = ConfigJson.parse("{\"preset\": \"tiny-paper\", \"norm_placement\": \"pre\", \"d_model\": 32}");
        assertEquals(32, c.dModel());
        assertEquals(NormPlacement.PRE, c.normPlacement());
        assertTrue(c.finalNorm(), "final norm follows the placement unless given");
        assertEquals(TransformerConfig.tinyPaper().heads(), c.heads());
        TransformerConfig h = ConfigJson.parse("{\"preset\": \"tiny-gpt\", \"heads\": 2, \"vocab_size\": 6}");
        assertEquals(2, h.kvHeads(), "kv_heads follows heads unless given");
        assertEquals(6, h.sourceVocabSize());
    }
}
