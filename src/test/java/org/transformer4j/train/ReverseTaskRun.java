package org.transformer4j.train;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.transformer4j.autograd.Functions;
import org.transformer4j.autograd.Variable;
import org.transformer4j.data.Batch;
import org.transformer4j.data.Batcher;
import org.transformer4j.data.TokenPair;
import org.transformer4j.model.EncoderDecoder;
import org.transformer4j.model.Tokens;
import org.transformer4j.model.TransformerConfig;
import org.transformer4j.tensor.Rng;

/**
 * A small real training run for the resume tests: a tiny encoder-decoder (dropout on) learns to reverse
 * sequences with the {@link Trainer}, AdamW, warmup + cosine, clipping and label smoothing.
 */
final class ReverseTaskRun {
    static final int VOCAB = 20;

    private ReverseTaskRun() {
    }

    static List<TokenPair> data() {
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

    /**
     * Runs up to steps steps in folder (resuming from its latest checkpoint when asked), checkpointing
     * every checkpointEvery steps; every batch's loss goes to losses; returns the model.
     */
    static EncoderDecoder run(Path folder, long steps, boolean resume, int checkpointEvery, Consumer<Float> losses,
                              PrintStream progress) throws Exception {
        TransformerConfig c = TransformerConfig.tinyPaper().withDModel(32).withDFF(64).withVocabSize(VOCAB).withDropout(0.1f);
        Rng rng = new Rng(1);
        EncoderDecoder model = new EncoderDecoder(c, rng);
        AdamW opt = AdamW.of(model.namedParameters(), AdamSettings.paper().withWeightDecay(0.01));
        Batcher batcher = new Batcher(data(), Batcher.Options.of(120), 3, 0, 1, 2);
        Trainer.Task task = new Trainer.Task() {
            @Override
            public Variable loss(Batch b) {
                Variable logits = model.forward(tokens(b.source()), tokens(b.decoderInput()));
                int[] t = b.decoderTarget().ids().clone();
                for (int i = 0; i < t.length; i++) {
                    t[i] = t[i] == 0 ? -100 : t[i];
                }
                Variable loss = Functions.crossEntropy(logits.reshape(-1, VOCAB), t, -100, 0.1f);
                losses.accept(loss.value().item());
                return loss;
            }

            @Override
            public double evaluate() {
                return 0;
            }
        };
        Map<String, Rng> rngs = new LinkedHashMap<>();
        rngs.put("model", rng);
        try (MetricsLog log = new MetricsLog(folder, progress, false)) {
            new Trainer(model, opt, Schedules.warmupCosine(1e-3, 5, Math.max(20, steps), 1e-4), batcher, task,
                    new Trainer.Settings(steps, 0, 1, 1.0, 0, 0, checkpointEvery), folder, rngs, log).run(resume, null);
        }
        return model;
    }

    private static Tokens tokens(org.transformer4j.data.PaddedIds p) {
        return new Tokens(p.ids(), p.rows(), p.length(), p.paddingMask());
    }

    /** The victim of {@link TrainerKillTest}: trains in args[0] to args[1] steps, printing "loss BITS" per step. */
    public static void main(String[] args) throws Exception {
        Path folder = Path.of(args[0]);
        boolean resume = Checkpoint.latest(folder).isPresent();
        run(folder, Long.parseLong(args[1]), resume, 1, l -> {
            System.out.println("loss " + Float.floatToRawIntBits(l));
            System.out.flush();
        }, System.out);
        System.out.println("done");
        System.out.flush();
    }
}
