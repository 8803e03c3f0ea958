package org.transformer4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transformer4j.autograd.Grad;
import org.transformer4j.io.Json;
import org.transformer4j.tensor.Rng;
import org.transformer4j.testing.Approx;

/**
 * Decoder-only generation on the HF GPT-2 fixture (random weights saved by HF transformers 5.17, trimmed to
 * 57 tokens): greedy equals HF's continuations and a loop without the cache; the cached logits equal full
 * forward passes at every step; sampling is a pure function of the seed; each stop rule stops.
 */
class TextGenerationTest {
    private static final Path DIR = Path.of("src/test/resources/fixtures/hf/gpt2-tiny-trimmed");
    private static DecoderOnly model;
    private static List<Map<String, Object>> prompts;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws Exception {
        model = HfGpt2.load(DIR);
        prompts = (List<Map<String, Object>>) ((Map<String, Object>) Json.parse(Files.readString(DIR.resolve("reference.json"))))
                .get("prompts");
    }

    private static int[] ints(Object list) {
        return ((List<?>) list).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
    }

    private static int[] prompt(int i) {
        return ints(prompts.get(i).get("input_ids"));
    }

    private static TextGeneration.Result run(TextGeneration.Steps steps, int[] prompt, TextGenerationConfig g) {
        try (Grad.Scope ignored = Grad.off()) {
            return TextGeneration.generate(steps, prompt, 57, 64, g, t -> true);
        }
    }

    @Test
    void greedyEqualsHuggingFaceAndTheLoopWithoutCache() {
        for (int i = 0; i < prompts.size(); i++) {
            int[] expected = ints(prompts.get(i).get("greedy_ids"));
            TextGenerationConfig g = TextGenerationConfig.greedy(expected.length);
            List<Integer> streamed = new ArrayList<>();
            TextGeneration.Result r = TextGeneration.generate(model, prompt(i), g, streamed::add);
            assertArrayEquals(expected, r.ids(), "prompt " + i);
            assertEquals(TextGeneration.StopReason.MAX_NEW_TOKENS, r.stopReason());
            assertEquals(Arrays.stream(expected).boxed().toList(), streamed, "the listener sees every token in order");
            assertArrayEquals(expected, run(TextGeneration.uncached(model), prompt(i), g).ids(), "prompt " + i + " without cache");
        }
    }

    @Test
    void cachedLogitsEqualFullForwardPassesAtEveryStep() {
        for (int i = 0; i < prompts.size(); i++) {
            int[] next = ints(prompts.get(i).get("greedy_ids"));
            try (Grad.Scope ignored = Grad.off()) {
                TextGeneration.Steps cached = TextGeneration.cached(model);
                TextGeneration.Steps full = TextGeneration.uncached(model);
                Approx.assertClose("prompt " + i, full.next(prompt(i)), cached.next(prompt(i)), 1e-5, 0);
                for (int t = 0; t < next.length; t++) {
                    int[] one = {next[t]};
                    Approx.assertClose("prompt " + i + " step " + t, full.next(one), cached.next(one), 1e-5, 0);
                }
            }
        }
    }

    @Test
    void samplingIsAFunctionOfTheSeed() {
        TextGenerationConfig g = TextGenerationConfig.greedy(30).withTemperature(1.5).withSeed(7);
        int[] a = TextGeneration.generate(model, prompt(1), g, t -> true).ids();
        int[] b = TextGeneration.generate(model, prompt(1), g, t -> true).ids();
        assertArrayEquals(a, b, "the same seed gives the same tokens");
        assertArrayEquals(a, run(TextGeneration.uncached(model), prompt(1), g).ids(), "with or without the cache");
        Set<String> outputs = new HashSet<>();
        for (long seed = 0; seed < 5; seed++) {
            outputs.add(Arrays.toString(TextGeneration.generate(model, prompt(1), g.withSeed(seed), t -> true).ids()));
        }
        assertEquals(5, outputs.size(), "different seeds give different tokens: " + outputs);
        int[] greedy = TextGeneration.generate(model, prompt(1), g.withTemperature(0), t -> true).ids();
        assertFalse(Arrays.equals(a, greedy), "sampled, not greedy: " + Arrays.toString(a));
    }

    /** Every setting acts, in HF's order: the generation equals a loop that applies the processors by hand. */
    @Test
    void samplingAppliesTheProcessorsInHfOrderOverPromptAndOutput() {
        TextGenerationConfig g = TextGenerationConfig.greedy(20).withTemperature(0.9).withTopK(12).withTopP(0.9)
                .withRepetitionPenalty(1.8).withSeed(3);
        int[] got = TextGeneration.generate(model, prompt(2), g, t -> true).ids();
        int[] seq = prompt(2);
        Rng rng = new Rng(3);
        try (Grad.Scope ignored = Grad.off()) {
            for (int t = 0; t < got.length; t++) {
                float[] logits = model.forward(Tokens.of(seq)).value().select(1, seq.length - 1).toArray();
                LogitsProcessors.repetitionPenalty(logits, seq, 1.8f);
                LogitsProcessors.temperature(logits, 0.9f);
                LogitsProcessors.topK(logits, 12);
                LogitsProcessors.topP(logits, 0.9);
                int token = LogitsProcessors.sample(logits, rng);
                assertEquals(token, got[t], "token " + t);
                seq = Arrays.copyOf(seq, seq.length + 1);
                seq[seq.length - 1] = token;
            }
        }
        // Greedy with a repetition penalty: HF's loop continues "Hello, world! 1234" with token 46 again and
        // again; heavily penalised, no token of the prompt or the output comes back here.
        int[] penalised = TextGeneration.generate(model, prompt(1), TextGenerationConfig.greedy(20)
                .withRepetitionPenalty(1e6), t -> true).ids();
        Set<Integer> seen = new HashSet<>(Arrays.stream(prompt(1)).boxed().toList());
        for (int token : penalised) {
            assertTrue(seen.add(token), "token " + token + " repeated in " + Arrays.toString(penalised));
        }
    }

    @Test
    void stopsAtEosTheListenerAndTheContext() {
        int[] expected = ints(prompts.get(0).get("greedy_ids"));    // 2, 49, 49, ...
        TextGenerationConfig g = TextGenerationConfig.greedy(24);
        TextGeneration.Result eos = TextGeneration.generate(model, prompt(0), g.withEosTokenIds(List.of(7, 49)), t -> true);
        assertArrayEquals(new int[] {2, 49}, eos.ids(), "eos is part of the output");
        assertEquals(TextGeneration.StopReason.EOS, eos.stopReason());
        int[] count = {0};
        TextGeneration.Result listener = TextGeneration.generate(model, prompt(0), g, t -> ++count[0] < 3);
        assertArrayEquals(Arrays.copyOf(expected, 3), listener.ids());
        assertEquals(TextGeneration.StopReason.LISTENER, listener.stopReason());
        TextGeneration.Result max = TextGeneration.generate(model, prompt(0), g.withMaxNewTokens(5), t -> true);
        assertArrayEquals(Arrays.copyOf(expected, 5), max.ids());
        assertEquals(TextGeneration.StopReason.MAX_NEW_TOKENS, max.stopReason());
        int[] long60 = new int[60];
        Arrays.fill(long60, 3);
        TextGeneration.Result context = TextGeneration.generate(model, long60, g, t -> true);
        assertEquals(4, context.ids().length, "the 64 positions hold 60 prompt tokens and 4 new ones");
        assertEquals(TextGeneration.StopReason.CONTEXT, context.stopReason());
        TextGeneration.Result exactly = TextGeneration.generate(model, long60, g.withMaxNewTokens(4), t -> true);
        assertEquals(TextGeneration.StopReason.MAX_NEW_TOKENS, exactly.stopReason(), "max new tokens is checked first");
    }

    @Test
    void badPromptsAreOneLineErrors() {
        TextGenerationConfig g = TextGenerationConfig.greedy(4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TextGeneration.generate(model, new int[64], g, t -> true));
        assertTrue(e.getMessage().contains("64 tokens") && e.getMessage().contains("63"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TextGeneration.generate(model, new int[] {5, 57}, g, t -> true));
        assertTrue(e.getMessage().contains("57") && e.getMessage().contains("0..56"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TextGeneration.generate(model, new int[0], g, t -> true));
        e = assertThrows(IllegalArgumentException.class,
                () -> TextGeneration.generate(model, new int[] {5}, g.withEosTokenIds(List.of(50256)), t -> true));
        assertTrue(e.getMessage().contains("50256"), e.getMessage());
    }

    @Test
    void specialTokensComeFromTheFolder(@TempDir Path tmp) throws Exception {
        // config.json says bos = eos = 50256, outside the trimmed vocabulary of 57: such tokens cannot occur.
        HfGpt2.SpecialTokens s = HfGpt2.specialTokens(DIR);
        assertEquals(-1, s.bosTokenId());
        assertEquals(List.of(), s.eosTokenIds());
        String config = Files.readString(DIR.resolve("config.json"));
        Files.writeString(tmp.resolve("config.json"), config.replace("\"eos_token_id\": 50256", "\"eos_token_id\": [3, 9, 60]"));
        s = HfGpt2.specialTokens(tmp);
        assertEquals(List.of(3, 9), s.eosTokenIds(), "a list; ids outside the vocabulary left out");
        Files.writeString(tmp.resolve("generation_config.json"), "{\"bos_token_id\": 1, \"eos_token_id\": 2}");
        s = HfGpt2.specialTokens(tmp);
        assertEquals(1, s.bosTokenId());
        assertEquals(List.of(2), s.eosTokenIds(), "generation_config.json first");
        Files.writeString(tmp.resolve("generation_config.json"), "{\"eos_token_id\": \"eos\"}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HfGpt2.specialTokens(tmp));
        assertTrue(e.getMessage().contains("generation_config.json") && e.getMessage().contains("eos_token_id"), e.getMessage());
    }
}
