package org.transformer4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.transformer4j.autograd.Grad;
import org.transformer4j.io.Json;
import org.transformer4j.io.SafeTensorsFile;
import org.transformer4j.nn.Activation;
import org.transformer4j.nn.LayerSpec.Positions;
import org.transformer4j.nn.NormPlacement;
import org.transformer4j.tensor.Tensor;
import org.transformer4j.testing.Approx;

/**
 * Marian against HF transformers: a random-weight MarianMTModel saved by HF transformers 5.17
 * (../shared/fixtures/hf/marian-tiny: d_model 32, 2+2 layers, vocab 1000, pad = decoder start = 999,
 * eos = 0) with its teacher-forced logits, encoder states, greedy and beam-4 outputs. Logits and encoder
 * states within 1e-4 of the largest reference value (float32 through 4 layers); generated ids exactly equal.
 */
class HfMarianTest {
    static final Path DIR = Path.of("src/test/resources/fixtures/hf/marian-tiny");

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> cases() throws Exception {
        return (List<Map<String, Object>>) ((Map<String, Object>) Json.parse(Files.readString(DIR.resolve("reference.json"))))
                .get("cases");
    }

    static int[] ints(Object list) {
        return ((List<?>) list).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
    }

    @Test
    void encoderStatesAndLogitsMatchHuggingFace() throws Exception {
        EncoderDecoder model = HfMarian.load(DIR);
        List<Map<String, Object>> cases = cases();
        try (SafeTensorsFile ref = SafeTensorsFile.open(DIR.resolve("reference.safetensors")); Grad.Scope g = Grad.off()) {
            for (int i = 0; i < cases.size(); i++) {
                Tokens src = Tokens.of(ints(cases.get(i).get("input_ids")));
                Tokens tgt = Tokens.of(ints(cases.get(i).get("decoder_input_ids")));
                Approx.assertMatches("encoder " + i, ref.load("encoder." + i), model.encode(src).value().squeeze(0), 1e-4);
                Approx.assertMatches("logits " + i, ref.load("logits." + i), model.forward(src, tgt).value().squeeze(0), 1e-4);
            }
        }
    }

    @Test
    void greedyAndBeamSearchOutputsEqualHuggingFaces() throws Exception {
        EncoderDecoder model = HfMarian.load(DIR);
        // reference.json does not record the length limit. Every output has 13 ids ending in eos, and at its
        // last step eos ranks about 570th of 1000 in the teacher-forced logits: HF forced it
        // (forced_eos_token_id 0 at max_length - 1), so generate ran with max_new_tokens 12 = max_length 13.
        GenerationConfig g = HfMarian.generationConfig(DIR).withMaxLength(13);
        // The fixture's beam-4 run: num_beams 4, length_penalty 1.0, early_stopping true.
        GenerationConfig beam4 = g.withNumBeams(4).withEarlyStopping(GenerationConfig.EarlyStopping.ON);
        for (Map<String, Object> c : cases()) {
            Tokens src = Tokens.of(ints(c.get("input_ids")));
            assertArrayEquals(ints(c.get("greedy_ids")), Generation.generate(model, src, g).get(0), "greedy " + c.get("input_ids"));
            assertArrayEquals(ints(c.get("beam4_ids")), Generation.generate(model, src, beam4).get(0), "beam " + c.get("input_ids"));
        }
        // All three sources at once, padded: each row as alone.
        List<Map<String, Object>> cases = cases();
        int[][] rows = cases.stream().map(c -> ints(c.get("input_ids"))).toArray(int[][]::new);
        Tokens batch = Tokens.padded(rows, 999);
        List<int[]> greedy = Generation.greedy(model, batch, g);
        List<int[]> beams = Generation.beam(model, batch, beam4);
        for (int i = 0; i < rows.length; i++) {
            assertArrayEquals(ints(cases.get(i).get("greedy_ids")), greedy.get(i), "batched greedy " + i);
            assertArrayEquals(ints(cases.get(i).get("beam4_ids")), beams.get(i), "batched beam " + i);
        }
    }

    @Test
    void generationSettingsComeFromGenerationConfigJson() throws Exception {
        GenerationConfig g = HfMarian.generationConfig(DIR);
        assertEquals(999, g.decoderStartTokenId());
        assertEquals(0, g.eosTokenId());
        assertEquals(0, g.forcedEosTokenId());
        assertEquals(20, g.maxLength(), "HF's default max_length");
        assertEquals(1, g.numBeams());
        assertEquals(List.of(), g.badTokenIds(), "this fixture's generation_config.json bans nothing");
    }

    @Test
    void theConfigIsThePapersModelWithMariansChoices() throws Exception {
        TransformerConfig c = HfMarian.config(DIR.resolve("config.json"));
        assertEquals(TransformerConfig.Architecture.ENCODER_DECODER, c.architecture());
        assertEquals(NormPlacement.POST, c.normPlacement());
        assertFalse(c.finalNorm(), "Marian has no norm after the stacks");
        assertFalse(c.embeddingNorm());
        assertEquals(Positions.SINUSOIDAL_HALVES, c.positions());
        assertEquals(Activation.GELU, c.activation());
        assertEquals(1e-5f, c.layerNormEps());
        assertTrue(c.outputBias(), "final_logits_bias");
        assertTrue(c.shareSourceTarget() && c.tieOutput());
        assertFalse(c.scaleEmbeddings(), "scale_embedding is false in this config (Opus-MT sets it true)");
        assertEquals(32, c.dModel());
        assertEquals(1000, c.vocabSize());
        assertEquals(64, c.maxPositions());
        assertEquals(c, ConfigJson.parse(ConfigJson.write(c)), "the config survives our JSON");
    }

    @Test
    void halfSinHalfCosPositionsAreThePapersFrequenciesSinesFirst() {
        // d = 4: frequencies 1 and 1/100; HF Marian puts sin of both first, then cos of both.
        Tensor pe = Embeddings.sinusoidHalves(3, 2, 4);
        for (int t = 0; t < 2; t++) {
            int p = 3 + t;
            float[] expected = {(float) Math.sin(p), (float) Math.sin(p / 100.0), (float) Math.cos(p), (float) Math.cos(p / 100.0)};
            assertArrayEquals(expected, pe.select(0, t).toArray(), 1e-7f, "position " + p);
        }
        // The same values as the paper's interleaved layout, columns permuted.
        Tensor paper = Embeddings.sinusoid(0, 5, 6);
        Tensor halves = Embeddings.sinusoidHalves(0, 5, 6);
        int[] column = {0, 2, 4, 1, 3, 5};
        for (int t = 0; t < 5; t++) {
            for (int j = 0; j < 6; j++) {
                assertEquals(paper.select(0, t).toArray()[column[j]], halves.select(0, t).toArray()[j], 1e-7f);
            }
        }
    }
}
