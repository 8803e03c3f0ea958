package org.transformer4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transformer4j.autograd.Grad;
import org.transformer4j.io.Json;
import org.transformer4j.io.SafeTensorsFile;
import org.transformer4j.nn.DecoderLayer;
import org.transformer4j.tensor.Tensor;
import org.transformer4j.testing.Approx;

/**
 * The GPT-2 key table against HF transformers: a random-weight GPT-2 saved by HF transformers 5.17 with
 * its logits, final hidden states and greedy continuations (../shared/fixtures/hf/gpt2-tiny, trimmed to
 * the tokens it uses by tools/trim_gpt2_fixture.py). Logits within 1e-4, greedy ids exactly equal.
 */
class HfGpt2Test {
    private static final Path DIR = Path.of("src/test/resources/fixtures/hf/gpt2-tiny-trimmed");

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> prompts() throws Exception {
        return (List<Map<String, Object>>) ((Map<String, Object>) Json.parse(Files.readString(DIR.resolve("reference.json"))))
                .get("prompts");
    }

    private static int[] ints(Object list) {
        return ((List<?>) list).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
    }

    @Test
    void logitsAndHiddenStatesMatchHuggingFace() throws Exception {
        DecoderOnly model = HfGpt2.load(DIR);
        List<Map<String, Object>> prompts = prompts();
        try (SafeTensorsFile ref = SafeTensorsFile.open(DIR.resolve("reference.safetensors")); Grad.Scope g = Grad.off()) {
            for (int i = 0; i < prompts.size(); i++) {
                int[] ids = ints(prompts.get(i).get("input_ids"));
                Tensor hidden = model.hidden(Tokens.of(ids), null).value().squeeze(0);
                Approx.assertMatches("hidden " + i, ref.load("hidden_last." + i), hidden, 1e-4);
                Tensor logits = model.forward(Tokens.of(ids)).value().squeeze(0);
                Approx.assertMatches("logits " + i, ref.load("logits." + i), logits, 1e-4);
            }
        }
    }

    @Test
    void anUntiedLmHeadIsReadFromTheCheckpoint(@TempDir Path tmp) throws Exception {
        // tie_word_embeddings false with lm_head.weight = 2 wte: HF's logits double exactly (a power of two).
        Map<String, Tensor> tensors = new java.util.LinkedHashMap<>(SafeTensorsFile.readAll(DIR.resolve("model.safetensors")));
        String wte = tensors.keySet().stream().filter(k -> k.endsWith("wte.weight")).findFirst().orElseThrow();
        tensors.put("lm_head.weight", tensors.get(wte).mul(2f));
        org.transformer4j.io.SafeTensorsWriter.write(tmp.resolve("model.safetensors"), tensors);
        String config = Files.readString(DIR.resolve("config.json"));
        Files.writeString(tmp.resolve("config.json"),
                config.replaceFirst("\"tie_word_embeddings\": true", "\"tie_word_embeddings\": false"));
        DecoderOnly model = HfGpt2.load(tmp);
        assertEquals(false, model.config().tieOutput());
        List<Map<String, Object>> prompts = prompts();
        try (SafeTensorsFile ref = SafeTensorsFile.open(DIR.resolve("reference.safetensors")); Grad.Scope g = Grad.off();
                DecodeEngine engine = HfGpt2.decodeEngine(tmp, org.transformer4j.tensor.WeightMatrix.Format.F32)) {
            int[] ids = ints(prompts.get(0).get("input_ids"));
            Tensor expected = ref.load("logits.0").mul(2f);
            Approx.assertMatches("untied logits", expected, model.forward(Tokens.of(ids)).value().squeeze(0), 2e-4);
            float[] last = engine.newSession(ids.length).prefill(ids);
            Approx.assertMatches("untied engine logits", expected.select(0, ids.length - 1), Tensor.of(last, last.length), 2e-4);
        }
        tensors.remove("lm_head.weight");
        org.transformer4j.io.SafeTensorsWriter.write(tmp.resolve("model.safetensors"), tensors);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HfGpt2.load(tmp));
        assertTrue(e.getMessage().contains("lm_head.weight"), e.getMessage());
    }

    @Test
    void greedyContinuationsEqualHuggingFaces() throws Exception {
        DecoderOnly model = HfGpt2.load(DIR);
        for (Map<String, Object> p : prompts()) {
            int[] expected = ints(p.get("greedy_ids"));
            int[] got = new int[expected.length];
            try (Grad.Scope g = Grad.off()) {
                List<DecoderLayer.Cache> cache = model.newCache();
                Tensor logits = model.forward(Tokens.of(ints(p.get("input_ids"))), cache).value();
                for (int t = 0; t < expected.length; t++) {
                    got[t] = logits.select(1, logits.dim(1) - 1).argmax(-1, false).toIntArray()[0];
                    logits = model.forward(Tokens.of(got[t]), cache).value();
                }
            }
            assertArrayEquals(expected, got, String.valueOf(p.get("text")));
        }
    }

    @Test
    void twoDifferentTensorsForOneParameterAreRefusedAndEqualCopiesAreOne(@TempDir Path tmp) throws Exception {
        Map<String, Tensor> tensors = new java.util.LinkedHashMap<>(SafeTensorsFile.readAll(DIR.resolve("model.safetensors")));
        String key = tensors.keySet().stream().filter(k -> k.endsWith("ln_f.weight")).findFirst().orElseThrow();
        String other = key.startsWith("transformer.") ? key.substring("transformer.".length()) : "transformer." + key;
        Files.copy(DIR.resolve("config.json"), tmp.resolve("config.json"));
        tensors.put(other, tensors.get(key).add(1f));
        org.transformer4j.io.SafeTensorsWriter.write(tmp.resolve("model.safetensors"), tensors);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HfGpt2.load(tmp));
        assertTrue(e.getMessage().contains("both map to decoder.norm.weight but differ"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> HfGpt2.decodeEngine(tmp, org.transformer4j.tensor.WeightMatrix.Format.F32));
        assertTrue(e.getMessage().contains("both map to decoder.norm.weight but differ"), e.getMessage());

        tensors.put(other, tensors.get(key));                            // a tied copy, as torch state dicts store them
        org.transformer4j.io.SafeTensorsWriter.write(tmp.resolve("model.safetensors"), tensors);
        DecoderOnly copy = HfGpt2.load(tmp);
        assertArrayEquals(HfGpt2.load(DIR).stateDict().get("decoder.norm.weight").toArray(),
                copy.stateDict().get("decoder.norm.weight").toArray());
        HfGpt2.decodeEngine(tmp, org.transformer4j.tensor.WeightMatrix.Format.F32).close();
    }

    @Test
    void theConfigIsReadFromHfNames() throws Exception {
        TransformerConfig c = HfGpt2.config(DIR.resolve("config.json"));
        assertEquals(32, c.dModel());
        assertEquals(4, c.heads());
        assertEquals(2, c.decoderLayers());
        assertEquals(128, c.dFF());
        assertEquals(64, c.maxPositions());
        assertTrue(c.tieOutput());
    }

    @Test
    void unknownOrMissingTensorsAreNamed(@TempDir Path tmp) throws Exception {
        assertEquals("decoder.layers.11.self_attn.in_proj_weight", KeyMapping.GPT2.ours("transformer.h.11.attn.c_attn.weight"));
        assertEquals("decoder.norm.bias", KeyMapping.GPT2.ours("ln_f.bias"));
        assertEquals(null, KeyMapping.GPT2.ours("h.0.attn.masked_bias"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KeyMapping.GPT2.ours("transformer.h.0.attn.q_proj.weight"));
        assertTrue(e.getMessage().contains("transformer.h.0.attn.q_proj.weight"), e.getMessage());
        Files.copy(DIR.resolve("config.json"), tmp.resolve("config.json"));
        e = assertThrows(IllegalArgumentException.class, () -> HfGpt2.load(tmp));
        assertTrue(e.getMessage().contains("model.safetensors.index.json"), e.getMessage());
    }
}
