package org.transformer4j.bench;

import java.util.ArrayList;
import java.util.List;
import org.transformer4j.autograd.Functions;
import org.transformer4j.autograd.Grad;
import org.transformer4j.autograd.Variable;
import org.transformer4j.model.DecoderOnly;
import org.transformer4j.model.Tokens;
import org.transformer4j.model.TransformerConfig;
import org.transformer4j.nn.DecoderLayer;
import org.transformer4j.tensor.Kernels;
import org.transformer4j.tensor.Rng;
import org.transformer4j.train.AdamSettings;
import org.transformer4j.train.AdamW;

/**
 * Whole-model benchmarks on a decoder-only preset with random weights built in memory (GPT-2 124M by
 * default): training steps with AdamW, a forward pass, and KV-cached decoding one token at a time. Dropout
 * is off (as in the PyTorch peer script, bench/peers.py), token ids are random.
 */
public final class ModelBenchmarks {
    private ModelBenchmarks() {
    }

    /** The model of a decoder-only preset with dropout off and random (initialised) weights. */
    public static DecoderOnly model(String preset) {
        TransformerConfig c = TransformerConfig.preset(preset);
        if (c.architecture() != TransformerConfig.Architecture.DECODER_ONLY) {
            throw new IllegalArgumentException("preset " + preset + " is " + c.architecture()
                    + "; the model benchmarks need a decoder-only preset such as gpt2-124m");
        }
        return new DecoderOnly(c.withDropout(0f), new Rng(0));
    }

    /**
     * Training steps (forward, mean cross-entropy against random next tokens, backward, AdamW step, zero
     * grad) at batch x seq tokens; tokens_per_s from the median step.
     */
    public static BenchResult train(String preset, int batch, int seq, int warmup, int steps) throws Exception {
        DecoderOnly model = model(preset);
        checkLength(model, seq);
        model.train(true);
        int vocab = model.config().vocabSize();
        Rng rng = new Rng(7);
        AdamW opt = AdamW.of(model.namedParameters(), AdamSettings.adamW().withWeightDecay(0.1));
        double[] loss = new double[1];
        double[] allocated = new double[Math.max(0, steps)]; // bytes allocated by all threads in each timed step
        int[] call = {0};
        double[] s = Timing.time(warmup, steps, () -> {
            long before = totalAllocatedBytes();
            Tokens x = randomTokens(rng, vocab, batch, seq);
            int[] targets = randomTokens(rng, vocab, batch, seq).ids();
            Variable logits = model.forward(x);                                       // (B, T, vocab)
            Variable l = Functions.crossEntropy(logits.reshape(-1, vocab), targets, -1, 0f);
            loss[0] = l.value().item();
            l.backward();
            opt.step(3e-4);
            opt.zeroGrad();
            int timed = call[0]++ - warmup;
            if (timed >= 0 && timed < steps) {
                allocated[timed] = totalAllocatedBytes() - before;
            }
        });
        double med = Timing.median(s);
        return new BenchResult("train").put("tokens_per_s", batch * seq / med).put("s_per_step", med)
                .put("steps_s", s).put("allocated_mb_per_step", Timing.median(allocated) / 1e6)
                .put("last_loss", loss[0]).put("preset", preset).put("batch", batch).put("seq", seq)
                .put("kernels", Kernels.defaults().name()).put("threads", Kernels.defaults().threads());
    }

    /** Bytes allocated on the heap by all threads so far (the JVM's thread counters; HotSpot supports them). */
    static long totalAllocatedBytes() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getTotalThreadAllocatedBytes();
    }

    /** A forward pass over batch x seq tokens without gradients; tokens_per_s from the median pass. */
    public static BenchResult forward(String preset, int batch, int seq, int warmup, int reps) throws Exception {
        DecoderOnly model = model(preset);
        checkLength(model, seq);
        model.eval();
        Tokens x = randomTokens(new Rng(7), model.config().vocabSize(), batch, seq);
        double[] s;
        try (Grad.Scope ignored = Grad.off()) {
            s = Timing.time(warmup, reps, () -> model.forward(x));
        }
        double med = Timing.median(s);
        return new BenchResult("forward").put("tokens_per_s", batch * seq / med).put("s_per_pass", med)
                .put("passes_s", s).put("preset", preset).put("batch", batch).put("seq", seq)
                .put("kernels", Kernels.defaults().name()).put("threads", Kernels.defaults().threads());
    }

    /**
     * KV-cached decoding at batch 1: for each start position p, the cache is filled with p random tokens in
     * one pass, then warmup + reps single tokens are fed one at a time; the speed at p is 1 / the median
     * step. {@code tokens_per_s} is the speed at the first position given.
     */
    public static BenchResult decode(String preset, int[] positions, int warmup, int reps) throws Exception {
        return decode(model(preset), preset, positions, warmup, reps);
    }

    /** {@link #decode(String, int[], int, int)} on a given model (e.g. one loaded from a Hugging Face folder). */
    public static BenchResult decode(DecoderOnly model, String label, int[] positions, int warmup, int reps)
            throws Exception {
        String preset = label;
        model.eval();
        int vocab = model.config().vocabSize();
        int context = model.config().maxPositions();
        Rng rng = new Rng(7);
        double[] speeds = new double[positions.length];
        List<double[]> all = new ArrayList<>();
        try (Grad.Scope ignored = Grad.off()) {
            for (int i = 0; i < positions.length; i++) {
                int p = positions[i];
                if (p < 0 || p + warmup + reps > context) {
                    throw new IllegalArgumentException("decode position " + p + " plus " + (warmup + reps)
                            + " steps does not fit the model's " + context + " positions");
                }
                List<DecoderLayer.Cache> cache = model.newCache();
                if (p > 0) {
                    model.forward(randomTokens(rng, vocab, 1, p), cache);
                }
                double[] s = Timing.time(warmup, reps, () -> model.forward(Tokens.of(rng.nextInt(vocab)), cache));
                speeds[i] = 1 / Timing.median(s);
                all.add(s);
            }
        }
        BenchResult r = new BenchResult("decode").put("tokens_per_s", speeds[0]);
        for (int i = 0; i < positions.length; i++) {
            r.put("tokens_per_s_at_" + positions[i], speeds[i]);
        }
        return r.put("ms_per_token_at_" + positions[0], 1e3 / speeds[0]).put("preset", preset).put("batch", 1)
                .put("repetitions", reps).put("kernels", Kernels.defaults().name())
                .put("threads", Kernels.defaults().threads());
    }

    private static void checkLength(DecoderOnly model, int seq) {
        if (seq < 1 || seq > model.config().maxPositions()) {
            throw new IllegalArgumentException("seq " + seq + " must be in 1.." + model.config().maxPositions());
        }
    }

    private static Tokens randomTokens(Rng rng, int vocab, int batch, int seq) {
        int[] ids = new int[batch * seq];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rng.nextInt(vocab);
        }
        return new Tokens(ids, batch, seq, null);
    }
}
