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
        // No max_length in the files: HF generate makes 20 new tokens after the start token (transformers 5.17,
        // GenerationMixin._prepare_generated_length: max_length 20 + the decoder input's length, within the positions).
        assertEquals(21, g.maxLength(), "HF's default max_length");
        assertEquals(1, g.numBeams());
        assertEquals(List.of(), g.badTokenIds(), "this fixture's generation_config.json bans nothing");
    }

    /**
     * The keys of Helsinki-NLP/opus-mt-de-en's config.json (saved by transformers 4.22, no
     * generation_config.json), with this fixture's sizes: every key is known, and the generation settings
     * come from config.json.
     */
    @Test
    void anOpusMtConfigWithoutGenerationConfigJsonLoads(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        String opus = """
                {"_name_or_path": "/tmp/Helsinki-NLP/opus-mt-de-en", "_num_labels": 3, "activation_dropout": 0.0,
                 "activation_function": "swish", "add_bias_logits": false, "add_final_layer_norm": false,
                 "architectures": ["MarianMTModel"], "attention_dropout": 0.0, "bad_words_ids": [[999]],
                 "bos_token_id": 0, "classif_dropout": 0.0, "classifier_dropout": 0.0, "d_model": 32,
                 "decoder_attention_heads": 4, "decoder_ffn_dim": 64, "decoder_layerdrop": 0.0, "decoder_layers": 2,
                 "decoder_start_token_id": 999, "decoder_vocab_size": 1000, "dropout": 0.1,
                 "encoder_attention_heads": 4, "encoder_ffn_dim": 64, "encoder_layerdrop": 0.0, "encoder_layers": 2,
                 "eos_token_id": 0, "forced_eos_token_id": 0, "gradient_checkpointing": false,
                 "id2label": {"0": "LABEL_0", "1": "LABEL_1", "2": "LABEL_2"}, "init_std": 0.02,
                 "is_encoder_decoder": true, "label2id": {"LABEL_0": 0, "LABEL_1": 1, "LABEL_2": 2}, "max_length": 60,
                 "max_position_embeddings": 64, "model_type": "marian", "normalize_before": false,
                 "normalize_embedding": false, "num_beams": 4, "num_hidden_layers": 2, "pad_token_id": 999,
                 "scale_embedding": true, "share_encoder_decoder_embeddings": true, "static_position_embeddings": true,
                 "transformers_version": "4.22.0.dev0", "use_cache": true, "vocab_size": 1000}
                """;
        Files.writeString(tmp.resolve("config.json"), opus);
        Files.copy(DIR.resolve("model.safetensors"), tmp.resolve("model.safetensors"));
        TransformerConfig c = HfMarian.config(tmp.resolve("config.json"));
        assertEquals(Activation.SILU, c.activation());
        assertTrue(c.scaleEmbeddings());
        GenerationConfig g = HfMarian.generationConfig(tmp);
        assertEquals(List.of(999), g.badTokenIds());
        assertEquals(4, g.numBeams());
        assertEquals(60, g.maxLength());
        assertEquals(999, g.decoderStartTokenId());
        assertEquals(0, g.forcedEosTokenId());
        int[] out = Generation.generate(HfMarian.load(tmp), Tokens.of(5, 17, 0), g.withMaxLength(8)).get(0);
        assertEquals(999, out[0]);
        for (int i = 1; i < out.length; i++) {
            assertTrue(out[i] != 999, "the banned pad token is never generated: " + java.util.Arrays.toString(out));
        }
        Files.writeString(tmp.resolve("config.json"), opus.replace("\"num_beams\": 4", "\"num_beams\": 4, \"do_sample\": true"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HfMarian.generationConfig(tmp));
        assertTrue(e.getMessage().contains("do_sample"), e.getMessage());
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
    @Test
    void beamSearchThatCannotFitInTheHeapIsRefusedBeforeItStarts() throws Exception {
        // opus-mt-de-en's shape (6 decoder layers, d 512, 58101 ids), num_beams 256, max_length 512:
        // 256 x 6 x 2 x 512 x (512 + 20) x 4 x 2 bytes of caches = 6.4 GB, plus logits, against a 4 GB heap.
        TransformerConfig opus = HfMarian.config(DIR.resolve("config.json")).withDModel(512).withHeads(8)
                .withDecoderLayers(6).withVocabSize(58101).withMaxPositions(512);
        GenerationConfig g = HfMarian.generationConfig(DIR).withNumBeams(256).withMaxLength(512);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Generation.requireMemory(opus, 1, 20, g, 4L << 30));
        assertTrue(e.getMessage().contains("256 beams") && e.getMessage().contains("MB"), e.getMessage());
        Generation.requireMemory(opus, 1, 20, g.withNumBeams(6), 4L << 30);    // Opus-MT's own 6 beams fit
    }
}
