package org.transformer4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transformer4j.autograd.Functions;
import org.transformer4j.autograd.Variable;
import org.transformer4j.data.Batch;
import org.transformer4j.data.Batcher;
import org.transformer4j.data.TokenPair;
import org.transformer4j.model.EncoderDecoder;
import org.transformer4j.model.Tokens;
import org.transformer4j.model.TransformerConfig;
import org.transformer4j.tensor.Rng;

/** Training stopped and resumed from a checkpoint continues exactly as an uninterrupted run (dropout on). */
class TrainerResumeTest {
    @TempDir
    Path dir;

    private static List<TokenPair> data() {
        Rng r = new Rng(5);
        List<TokenPair> out = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int[] s = new int[3 + r.nextInt(5)];
            for (int j = 0; j < s.length; j++) {
                s[j] = 4 + r.nextInt(16);
            }
            int[] t = new int[s.length];
            for (int j = 0; j < s.length; j++) {
                t[j] = s[s.length - 1 - j]; // the task: reverse the sequence
            }
            out.add(new TokenPair(s, t));
        }
        return out;
    }

    /** A run of up to steps steps in folder, resuming when asked; returns the model. */
    private static EncoderDecoder run(Path folder, long steps, boolean resume, List<String> losses) throws Exception {
        TransformerConfig c = TransformerConfig.tinyPaper().withDModel(32).withDFF(64).withVocabSize(20).withDropout(0.1f);
        Rng rng = new Rng(1);
        EncoderDecoder model = new EncoderDecoder(c, rng);
        AdamW opt = AdamW.of(model.namedParameters(), AdamSettings.paper().withWeightDecay(0.01));
        Batcher batcher = new Batcher(data(), Batcher.Options.of(120), 3, 0, 1, 2);
        Trainer.Task task = new Trainer.Task() {
            @Override
            public Variable loss(Batch b) {
                Variable logits = model.forward(new Tokens(b.source().ids(), b.source().rows(), b.source().length(),
                        b.source().paddingMask()), new Tokens(b.decoderInput().ids(), b.decoderInput().rows(),
                        b.decoderInput().length(), b.decoderInput().paddingMask()));
                int[] t = b.decoderTarget().ids().clone();
                for (int i = 0; i < t.length; i++) {
                    t[i] = t[i] == 0 ? -100 : t[i];
                }
                Variable loss = Functions.crossEntropy(logits.reshape(-1, 20), t, -100, 0.1f);
                losses.add(Float.toString(loss.value().item()));
                return loss;
            }

            @Override
            public double evaluate() {
                return 0;
            }
        };
        Map<String, Rng> rngs = new LinkedHashMap<>();
        rngs.put("model", rng);
        try (MetricsLog log = new MetricsLog(folder, new PrintStream(new ByteArrayOutputStream()), false)) {
            new Trainer(model, opt, Schedules.warmupCosine(1e-3, 5, 20, 1e-4), batcher, task,
                    new Trainer.Settings(steps, 0, 1, 1.0, 0, 0, 0), folder, rngs, log).run(resume, null);
        }
        return model;
    }

    @Test
    void resumedLossCurveAndWeightsEqualAnUninterruptedRun() throws Exception {
        List<String> straight = new ArrayList<>();
        EncoderDecoder a = run(dir.resolve("a"), 20, false, straight);
        List<String> split = new ArrayList<>();
        run(dir.resolve("b"), 8, false, split);
        EncoderDecoder b = run(dir.resolve("b"), 20, true, split);
        assertEquals(straight, split, "loss of every step, as float text");
        a.namedParameters().forEach((k, v) -> assertArrayEquals(v.value().toArray(), b.namedParameters().get(k).value().toArray(), k));
        assertTrue(Files.readString(dir.resolve("b/metrics.jsonl")).contains("resumed from step 8"));
        assertTrue(Files.size(dir.resolve("a/loss.png")) > 0 && Files.size(dir.resolve("a/loss.svg")) > 0);
    }

    @Test
    void resumingANonexistentRunIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(dir.resolve("none"), 5, true, new ArrayList<>()));
        assertTrue(e.getMessage().contains("no checkpoint"), e.getMessage());
    }
}
