package org.transformer4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.transformer4j.autograd.Grad;
import org.transformer4j.io.Json;
import org.transformer4j.io.SafeTensorsFile;
import org.transformer4j.nn.Activation;
import org.transformer4j.nn.DecoderLayer;
import org.transformer4j.nn.LayerSpec.Positions;
import org.transformer4j.nn.NormLayer;
import org.transformer4j.nn.NormPlacement;
import org.transformer4j.tensor.DecodeOps;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;
import org.transformer4j.tensor.WeightMatrix;
import org.transformer4j.tensor.WorkerTeam;
import org.transformer4j.testing.Approx;

/**
 * The fast decoder against the module path it replaces for inference (the same logits step by step, for
 * several architectures), against HF transformers' GPT-2 logits and greedy ids through the memory-mapped
 * loader, bf16 and Q8_0 within stated tolerances, and a decode step that allocates nothing.
 */
class DecodeEngineTest {
    private static final Path GPT2 = Path.of("src/test/resources/fixtures/hf/gpt2-tiny-trimmed");

    private static TransformerConfig small() {
        return TransformerConfig.gpt2().withVocabSize(97).withHeads(4).withDModel(48).withDecoderLayers(3).withDFF(80)
                .withMaxPositions(40).withDropout(0f);
    }

    /** Pre-LN GPT-2; Post-LN with sinusoids, ReLU and an untied biased head; RMSNorm without positions or biases; then more. */
    private static TransformerConfig[] architectures(TransformerConfig... more) {
        TransformerConfig[] base = {
            small(),
            small().withNormPlacement(NormPlacement.POST).withFinalNorm(false).withPositions(Positions.SINUSOIDAL)
                    .withActivation(Activation.RELU).withTieOutput(false).withOutputBias(true),
            small().withNorm(NormLayer.Kind.RMS_NORM).withPositions(Positions.NONE).withActivation(Activation.SILU)
                    .withBias(false).withScaleEmbeddings(true)};
        TransformerConfig[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    /** The module's logits at each position when the ids are fed one at a time with its KV cache. */
    private static float[][] moduleLogits(DecoderOnly model, int[] ids) {
        float[][] out = new float[ids.length][];
        try (Grad.Scope g = Grad.off()) {
            model.eval();
            List<DecoderLayer.Cache> cache = model.newCache();
            for (int t = 0; t < ids.length; t++) {
                out[t] = model.forward(Tokens.of(ids[t]), cache).value().toArray();
            }
        }
        return out;
    }

    private static void assertClose(String what, float[] want, float[] got, double relative) {
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            scale = Math.max(scale, Math.abs(want[i]));
            worst = Math.max(worst, Math.abs(want[i] - got[i]));
        }
        assertTrue(worst <= relative * Math.max(scale, 1e-3), what + ": max difference " + worst + " against a largest logit of "
                + scale + " (allowed " + relative + " of it)");
    }

    @Test
    void fp32LogitsEqualTheModulesForEachArchitecture() {
        TransformerConfig[] configs = architectures(
            small().withActivation(Activation.GELU).withHeads(1).withDecoderLayers(1),
            small().withHeads(2).withDModel(128));   // head size 64: the attention path of GPT-2's sizes
        int[] ids = {5, 17, 3, 96, 0, 41, 41, 7, 12, 60, 2, 33};
        for (TransformerConfig c : configs) {
            DecoderOnly model = new DecoderOnly(c, new Rng(11));
            float[][] want = moduleLogits(model, ids);
            for (int size : new int[] {1, 3}) {
                WorkerTeam team = new WorkerTeam(size);
                DecodeEngine engine = DecodeEngine.of(model, WeightMatrix.Format.F32, team);
                DecodeEngine.Session s = engine.newSession(ids.length);
                for (int t = 0; t < ids.length; t++) {
                    assertClose(c.normPlacement() + " " + c.positions() + " " + c.activation() + " step " + t, want[t],
                            s.step(ids[t]), 1e-5);
                }
                assertEquals(ids.length, s.length());
                s.reset();
                float[] again = s.prefill(ids);
                assertClose("prefill", want[ids.length - 1], again, 1e-5);
                team.close();
            }
        }
    }

    @Test
    void multiPositionPassesGiveTheModulesLogitsAtEveryPosition() {
        // Session.forward runs matrix-matrix products over blocks of positions: every position's logits against the
        // module's, a second call continuing the cache (attention over keys cached before the block), blocks shorter
        // than the call, any team size; and single steps after it see the cache it wrote.
        TransformerConfig[] configs = architectures(small().withHeads(2).withDModel(128).withDFF(300));
        int[] ids = {5, 17, 3, 96, 0, 41, 41, 7, 12, 60, 2, 33, 8, 8, 90, 1, 64, 23, 50, 11};
        for (TransformerConfig c : configs) {
            DecoderOnly model = new DecoderOnly(c, new Rng(12));
            float[][] want = moduleLogits(model, ids);
            int v = c.vocabSize();
            for (int size : new int[] {1, 3}) {
                WorkerTeam team = new WorkerTeam(size);
                DecodeEngine engine = DecodeEngine.of(model, WeightMatrix.Format.F32, team);
                for (int block : new int[] {1024, 3}) {
                    String what = c.normPlacement() + " " + c.positions() + " " + c.norm() + " d " + c.dModel() + ", team "
                            + size + ", blocks of " + block;
                    DecodeEngine.Session s = engine.newSession(ids.length);
                    s.batchBlock(block);
                    float[] first = s.forward(java.util.Arrays.copyOfRange(ids, 0, 7));
                    float[] rest = s.forward(java.util.Arrays.copyOfRange(ids, 7, ids.length - 1));
                    assertEquals(7 * v, first.length);
                    assertEquals(ids.length - 1, s.length());
                    for (int t = 0; t < ids.length - 1; t++) {
                        float[] got = t < 7 ? java.util.Arrays.copyOfRange(first, t * v, (t + 1) * v)
                                : java.util.Arrays.copyOfRange(rest, (t - 7) * v, (t - 6) * v);
                        assertClose(what + " position " + t, want[t], got, 1e-5);
                    }
                    assertClose(what + ", a step after the passes", want[ids.length - 1], s.step(ids[ids.length - 1]), 1e-5);
                    s.reset();
                    assertClose(what + ", prefill", want[ids.length - 1], s.prefill(ids), 1e-5);
                }
                team.close();
            }
        }
    }

    @Test
    void multiPositionPassesRefuseWhatDoesNotFitBeforeTouchingTheCache() {
        DecoderOnly model = new DecoderOnly(small(), new Rng(3));
        DecodeEngine.Session s = DecodeEngine.of(model, WeightMatrix.Format.F32).newSession(5);
        s.forward(new int[] {1, 2, 3});
        IllegalStateException full = assertThrows(IllegalStateException.class, () -> s.forward(new int[] {4, 5, 6}));
        assertTrue(full.getMessage().contains("room for 2 more positions, not 3"), full.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> s.prefill(new int[] {4, 97}));
        assertTrue(bad.getMessage().contains("token id 97"), bad.getMessage());
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class, () -> s.forward(new int[] {4}, new float[96]));
        assertTrue(small.getMessage().contains("holds 96 floats; 1 positions need 97"), small.getMessage());
        assertEquals(3, s.length(), "nothing was added");
        float[][] want = moduleLogits(model, new int[] {1, 2, 3, 4, 5});
        float[] out = new float[2 * 97 + 5];
        assertTrue(out == s.forward(new int[] {4, 5}, out), "the logits go into the caller's buffer");
        assertClose("the session still continues", want[4], java.util.Arrays.copyOfRange(out, 97, 2 * 97), 1e-5);
        assertClose("the position before it", want[3], java.util.Arrays.copyOfRange(out, 0, 97), 1e-5);
    }

    @Test
    void bf16AndQ8LogitsStayWithinTheirTolerances() {
        DecoderOnly model = new DecoderOnly(small(), new Rng(4));
        int[] ids = {1, 2, 3, 4, 5, 6, 7, 8};
        float[][] want = moduleLogits(model, ids);
        // measured on this model: bf16 0.17%, Q8_0 0.52% of the largest logit (the GPT-2 fixture: 0.24%, 0.84%); allowed 2%
        for (WeightMatrix.Format f : new WeightMatrix.Format[] {WeightMatrix.Format.BF16, WeightMatrix.Format.Q8_0}) {
            DecodeEngine.Session s = DecodeEngine.of(model, f).newSession(ids.length);
            for (int t = 0; t < ids.length; t++) {
                assertClose(f + " step " + t, want[t], s.step(ids[t]), 2e-2);
            }
            s.reset();
            float[] all = s.forward(ids);                   // the same weights dequantized into the GEMM's panels
            int v = model.config().vocabSize();
            for (int t = 0; t < ids.length; t++) {
                assertClose(f + " forward position " + t, want[t], java.util.Arrays.copyOfRange(all, t * v, (t + 1) * v), 2e-2);
            }
        }
    }

    @SuppressWarnings("unchecked")
    @Test
    void theMappedGpt2MatchesHuggingFaceLogitsAndGreedyIds() throws Exception {
        List<Map<String, Object>> prompts = (List<Map<String, Object>>) ((Map<String, Object>) Json.parse(
                Files.readString(GPT2.resolve("reference.json")))).get("prompts");
        try (DecodeEngine engine = HfGpt2.decodeEngine(GPT2, WeightMatrix.Format.F32);
             SafeTensorsFile ref = SafeTensorsFile.open(GPT2.resolve("reference.safetensors"))) {
            for (int i = 0; i < prompts.size(); i++) {
                int[] ids = ((List<?>) prompts.get(i).get("input_ids")).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
                int[] greedy = ((List<?>) prompts.get(i).get("greedy_ids")).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
                Tensor hf = ref.load("logits." + i);                          // (T, V)
                DecodeEngine.Session s = engine.newSession(ids.length + greedy.length);
                int v = engine.config().vocabSize();
                for (int t = 0; t < ids.length; t++) {
                    float[] logits = s.step(ids[t]);
                    Approx.assertMatches("prompt " + i + " position " + t, hf.select(0, t), Tensor.of(logits.clone(), v), 1e-4);
                }
                DecodeEngine.Session all = engine.newSession(ids.length);     // every position in one multi-position pass
                float[] rows = all.forward(ids);
                for (int t = 0; t < ids.length; t++) {
                    Approx.assertMatches("prompt " + i + " position " + t + " (forward)", hf.select(0, t),
                            Tensor.of(java.util.Arrays.copyOfRange(rows, t * v, (t + 1) * v), v), 1e-4);
                }
                int[] got = new int[greedy.length];
                float[] logits = null;
                for (int t = 0; t < greedy.length; t++) {
                    logits = t == 0 ? s.step(ids[ids.length - 1]) : s.step(got[t - 1]);
                    if (t == 0) {
                        s.reset();
                        logits = s.prefill(ids);
                    }
                    got[t] = DecodeOps.argmax(logits, 0, v);
                }
                assertArrayEquals(greedy, got, "greedy ids of prompt " + i);
            }
        }
    }

    /**
     * Until C2 has compiled the kernels, the Vector API boxes vectors (interpreter and C1), so allocation is
     * measured in rounds of 100 steps until three rounds in a row allocate nothing, on the calling thread and on
     * the team's workers; a step that allocates never gets there. It runs in a fresh JVM, as a decoding process
     * would: C2's inlining decisions depend on what else the JVM has run, and after the whole test suite it
     * inlines differently (this is also why {@code bench decode --check-allocation} measures its own process).
     */
    @Test
    void aDecodeStepAllocatesNothing() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "--add-modules=jdk.incubator.vector", "-Xmx512m", "-cp",
                System.getProperty("java.class.path"), AllocationProbe.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        for (WeightMatrix.Format f : WeightMatrix.Format.values()) {
            assertTrue(out.contains(f + ": quiet"), out);
        }
    }

    /** The child JVM of {@link #aDecodeStepAllocatesNothing}: prints "FORMAT: quiet" or what it still allocates. */
    static final class AllocationProbe {
        public static void main(String[] args) {
            DecoderOnly model = new DecoderOnly(small().withMaxPositions(1024), new Rng(2));
            DecoderOnly wide = new DecoderOnly(small().withHeads(2).withDModel(128).withMaxPositions(1024), new Rng(2));
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            for (WeightMatrix.Format f : WeightMatrix.Format.values()) {
                // head size 12 with bf16 and Q8_0, head size 64 (GPT-2's) with fp32
                DecodeEngine.Session s = DecodeEngine.of(f == WeightMatrix.Format.F32 ? wide : model, f).newSession(1000);
                long[] workers = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("t4j-decode-"))
                        .mapToLong(Thread::threadId).toArray();
                long[] start = new long[workers.length];
                int quiet = 0;
                String last = "";
                for (int round = 0; round < 80 && quiet < 3; round++) {
                    s.reset();
                    for (int w = 0; w < workers.length; w++) {
                        start[w] = threads.getThreadAllocatedBytes(workers[w]);
                    }
                    long before = threads.getCurrentThreadAllocatedBytes();
                    for (int i = 0; i < 100; i++) {
                        s.step(i % 97);
                    }
                    long self = threads.getCurrentThreadAllocatedBytes() - before;
                    long others = 0;
                    for (int w = 0; w < workers.length; w++) {
                        others += threads.getThreadAllocatedBytes(workers[w]) - start[w];
                    }
                    last = self + " bytes on the calling thread and " + others + " on the workers";
                    quiet = self == 0 && others == 0 ? quiet + 1 : 0;
                }
                System.out.println(f + (quiet == 3 ? ": quiet" : ": 100 decode steps still allocate " + last
                        + " after 8,000 steps of warm-up"));
            }
        }
    }

    @Test
    void unsupportedModelsAndBadUseAreRefusedClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DecodeEngine.of(new DecoderOnly(small().withPositions(Positions.ROPE), new Rng(1)), WeightMatrix.Format.F32));
        assertTrue(e.getMessage().contains("ROPE"), e.getMessage());
        DecodeEngine engine = DecodeEngine.of(new DecoderOnly(small(), new Rng(1)), WeightMatrix.Format.F32);
        assertThrows(IllegalArgumentException.class, () -> engine.newSession(41));
        DecodeEngine.Session s = engine.newSession(2);
        e = assertThrows(IllegalArgumentException.class, () -> s.step(97));
        assertTrue(e.getMessage().contains("97"), e.getMessage());
        s.step(1);
        s.step(2);
        IllegalStateException full = assertThrows(IllegalStateException.class, () -> s.step(3));
        assertTrue(full.getMessage().contains("full"), full.getMessage());
    }
}
