package org.transformer4j.experiments;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.transformer4j.autograd.Grad;
import org.transformer4j.autograd.Variable;
import org.transformer4j.data.BrownCorpus;
import org.transformer4j.data.DataCache;
import org.transformer4j.model.DecoderOnly;
import org.transformer4j.model.Tokens;
import org.transformer4j.model.TransformerConfig;
import org.transformer4j.nn.AttentionCache;
import org.transformer4j.nn.DecoderLayer;
import org.transformer4j.nn.LayerSpec.AttentionKind;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;
import org.transformer4j.train.AdamSettings;
import org.transformer4j.train.AdamW;
import org.transformer4j.train.Schedules;

/**
 * Linear attention as a fast weight programmer (Schmidhuber 1991; Katharopoulos et al. 2020; Schlag, Irie and
 * Schmidhuber 2021): the parallel (masked attention) and recurrent (fast weight update) forms compute the same
 * function; the delta rule against the sum update; both against softmax attention as language models of the
 * Brown corpus: perplexity, and tokens/s and attention state as the context grows.
 */
public final class FastWeightsExperiment implements Experiment {
    static final List<AttentionKind> KINDS = List.of(AttentionKind.SOFTMAX, AttentionKind.LINEAR, AttentionKind.LINEAR_DELTA);

    /** The sizes of one run. */
    record Plan(int dModel, int heads, int layers, int dFF, int context, int batch, int steps, int warmup, double lr, int bpe,
                int tokenizerChars, int devWindows, int evalEvery, int[] contexts, int agreementLength, int repeats) {
        static Plan quick() {
            return new Plan(32, 2, 2, 64, 32, 4, 20, 5, 2e-3, 300, 20_000, 4, 10, new int[] {16, 32, 64}, 16, 1);
        }

        static Plan full() {
            return new Plan(128, 4, 2, 512, 128, 8, 600, 60, 1e-3, 2000, 400_000, 50, 100,
                    new int[] {64, 128, 256, 512, 1024}, 64, 3);
        }
    }

    /** Three seeds: one run of the perplexity comparison says little about differences of a few percent. */
    @Override
    public int defaultSeeds() {
        return 3;
    }

    @Override
    public String name() {
        return "fastweights";
    }

    @Override
    public String description() {
        return "Linear attention as fast weights: parallel = recurrent; sum vs delta rule vs softmax as Brown-corpus LMs "
                + "(perplexity, tokens/s and state as the context grows).";
    }

    static String label(AttentionKind k) {
        return switch (k) {
            case SOFTMAX -> "softmax";
            case LINEAR -> "linear, sum update";
            case LINEAR_DELTA -> "linear, delta rule";
        };
    }

    static TransformerConfig config(Plan plan, AttentionKind kind, int vocab, int maxPositions) {
        return TransformerConfig.tinyGpt().withDModel(plan.dModel()).withHeads(plan.heads()).withDFF(plan.dFF())
                .withDecoderLayers(plan.layers()).withAttention(kind).withVocabSize(vocab).withMaxPositions(maxPositions)
                .withDropout(0.1f);
    }

    @Override
    public Path run(ExperimentOptions o) throws IOException {
        Plan plan = o.quick() ? Plan.quick() : Plan.full();
        long started = System.nanoTime();
        Path folder = o.data() != null ? o.data() : DataCache.standard(o::log).fetchBrown();
        BrownCorpus brown = BrownCorpus.load(folder);
        BrownCorpus.Split split = brown.split(1, 0.05, 0.05);
        LanguageModelData data = LanguageModelData.of(split.train(), split.dev(), plan.bpe(), plan.tokenizerChars());
        Report r = new Report(o.out(), name());
        r.heading(1, "Linear attention as fast weights: sum vs delta rule vs softmax on the Brown corpus");
        r.paragraph(ReportText.banner(o, name()));
        r.paragraph("""
                **Claims.** Causal linear attention with feature map φ is a fast weight programmer (Schmidhuber 1991; \
                Schlag, Irie and Schmidhuber 2021): the masked product (φ(Q)φ(K)ᵀ ⊙ M)V equals a recurrence that writes \
                v φ(k)ᵀ into a matrix W and reads W φ(q), so training can use the parallel form and generation a state \
                of fixed size. Schlag et al. replace the sum update by the delta rule W += β(v − Wφ(k))φ(k)ᵀ and find \
                it a better language model than the sum; softmax attention remains better than both in perplexity \
                but its state (the key-value cache) and cost per generated token grow with the context.""");
        r.heading(2, "Setup");
        r.table(List.of("setting", "value"), List.of(
                List.of("data", "Brown corpus (" + brown.summary() + "), split by text within each genre: "
                        + split.train().size() + " training texts, " + split.dev().size() + " dev texts; byte-level BPE of "
                        + data.vocabSize() + " ids; " + data.trainTokens() + " training and " + data.devTokens() + " dev ids"),
                List.of("model", "decoder-only, " + plan.layers() + " layers, d_model " + plan.dModel() + ", " + plan.heads()
                        + " heads, d_ff " + plan.dFF() + ", Pre-LN, learned positions, dropout 0.1, tied output"),
                List.of("attention", "softmax; linear with φ = elu + 1 and the sum update; linear with the delta rule "
                        + "(sum-normalised φ, learned β per head)"),
                List.of("training", plan.steps() + " steps of " + plan.batch() + " random windows of " + plan.context()
                        + " ids, AdamW (0.9, 0.98, 1e-9, weight decay 0.01), " + plan.warmup() + " warmup steps to "
                        + String.format(Locale.ROOT, "%.0e", plan.lr()) + ", cosine to a tenth, clipping at 1.0"),
                List.of("perplexity", "exp of the mean cross-entropy over " + plan.devWindows()
                        + " consecutive dev windows (fewer if the dev stream is short)"),
                List.of("seeds", o.seeds() == 1 ? "1" : o.seeds() + " (1.." + o.seeds() + "): mean ± sample std (min–max)")));
        List<String> verdicts = new ArrayList<>();
        agreement(r, o, plan, data.vocabSize(), verdicts);
        perplexity(r, o, plan, data, verdicts);
        scaling(r, o, plan, data.vocabSize(), verdicts);
        r.heading(2, ReportText.verdictHeading(o));
        r.bullets(verdicts);
        r.paragraph(ReportText.footer(o, name(), (System.nanoTime() - started) / 1e9));
        return r.write();
    }

    // ---------------------------------------------------------------- parallel = recurrent

    private void agreement(Report r, ExperimentOptions o, Plan plan, int vocab, List<String> verdicts) {
        int n = plan.agreementLength();
        Rng rng = new Rng(5);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = rng.nextInt(vocab);
        }
        List<List<String>> rows = new ArrayList<>();
        double worstLinear = 0;
        for (AttentionKind k : KINDS) {
            DecoderOnly model = new DecoderOnly(config(plan, k, vocab, n), new Rng(1));
            model.eval();
            float[] whole;
            float[] steps = new float[0];
            try (Grad.Scope ignored = Grad.off()) {
                whole = model.forward(Tokens.of(ids)).value().contiguous().toArray();                  // (1, n, V)
                List<DecoderLayer.Cache> cache = model.newCache();
                List<float[]> parts = new ArrayList<>();
                int total = 0;
                for (int t = 0; t < n; t++) {
                    float[] step = model.forward(Tokens.of(ids[t]), cache).value().contiguous().toArray();   // (1, 1, V)
                    parts.add(step);
                    total += step.length;
                }
                steps = new float[total];
                int at = 0;
                for (float[] p : parts) {
                    System.arraycopy(p, 0, steps, at, p.length);
                    at += p.length;
                }
            }
            double maxDiff = 0;
            double maxAbs = 0;
            for (int i = 0; i < whole.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(whole[i] - steps[i]));
                maxAbs = Math.max(maxAbs, Math.abs(whole[i]));
            }
            if (k != AttentionKind.SOFTMAX) {
                worstLinear = Math.max(worstLinear, maxDiff);
            }
            String form = switch (k) {
                case SOFTMAX -> "whole sequence vs key-value cache, one token at a time";
                case LINEAR -> "parallel masked form vs fast-weight recurrence, one token at a time";
                case LINEAR_DELTA -> "recurrence over the whole sequence vs one token at a time (the delta rule has no parallel form here)";
            };
            rows.add(List.of(label(k), form, String.format(Locale.ROOT, "%.2e", maxDiff), String.format(Locale.ROOT, "%.3f", maxAbs)));
            o.log(String.format(Locale.ROOT, "fastweights: %s, %d positions: max |difference| of logits %.2e", label(k), n, maxDiff));
        }
        r.heading(2, "Parallel and recurrent forms agree");
        r.paragraph("A randomly initialised model (seed 1) on " + n + " random ids, float32, dropout off: the logits "
                + "computed for the whole sequence at once against those computed one token at a time from the state.");
        r.table(List.of("attention", "compared", "max |difference| of logits", "max |logit|"), rows);
        verdicts.add(String.format(Locale.ROOT, "Parallel and recurrent forms of linear attention compute the same function: "
                + "largest difference %.1e in logits of size about 1; below 1e-4: %s.", worstLinear,
                worstLinear < 1e-4 ? "**yes, reproduced**" : "**no, not reproduced**"));
    }

    // ---------------------------------------------------------------- perplexity

    private void perplexity(Report r, ExperimentOptions o, Plan plan, LanguageModelData data, List<String> verdicts)
            throws IOException {
        r.heading(2, "Language modelling: perplexity");
        List<List<String>> rows = new ArrayList<>();
        LinePlot loss = LinePlot.of("Training loss (smoothed), seed 1", "step", "cross-entropy").withLogY(true);
        LinePlot dev = LinePlot.of("Dev perplexity, seed 1", "step", "perplexity").withLogY(true);
        Map<AttentionKind, Double> ppl = new LinkedHashMap<>();
        Map<AttentionKind, Stats> spread = new LinkedHashMap<>();
        for (AttentionKind k : KINDS) {
            double[] p = new double[o.seeds()];
            double[] secs = new double[o.seeds()];
            for (int i = 0; i < o.seeds(); i++) {
                long seed = o.seedList()[i];
                DecoderOnly model = new DecoderOnly(config(plan, k, data.vocabSize(), plan.context()), new Rng(seed));
                AdamW opt = AdamW.of(model.namedParameters(), AdamSettings.paper().withWeightDecay(0.01));
                Rng batches = new Rng(1000 + seed);
                List<double[]> evals = new ArrayList<>();
                TrainingCurve curve = TrainingCurve.run(model, opt,
                        Schedules.warmupCosine(plan.lr(), plan.warmup(), plan.steps(), plan.lr() / 10), plan.steps(), 1.0,
                        step -> {
                            int[][] w = data.randomWindow(batches, plan.batch(), plan.context());
                            return LanguageModelData.loss(model, w[0], w[1], plan.batch(), plan.context());
                        }, step -> {
                            if (step % plan.evalEvery() == 0 || step == plan.steps()) {
                                evals.add(new double[] {step, Math.exp(data.devLoss(model, plan.context(), plan.devWindows()))});
                            }
                        });
                p[i] = curve.diverged() != null || evals.isEmpty() ? Double.NaN : evals.getLast()[1];
                secs[i] = curve.seconds();
                if (i == 0) {
                    loss = loss.withSeries(label(k), curve.steps(), curve.smoothed(0.1));
                    dev = dev.withSeries(label(k), evals.stream().mapToDouble(e -> e[0]).toArray(),
                            evals.stream().mapToDouble(e -> e[1]).toArray());
                }
                o.log(String.format(Locale.ROOT, "fastweights: %s, seed %d: dev perplexity %s%s (%.0f s)", label(k), seed,
                        Report.num(p[i], 1), curve.diverged() == null ? "" : ", diverged: " + curve.diverged(), curve.seconds()));
            }
            ppl.put(k, Stats.of(p).mean());
            spread.put(k, Stats.of(p));
            rows.add(List.of(label(k), Stats.of(p).format(1, 1), Stats.of(secs).format(0, 1)));
        }
        r.table(List.of("attention", "dev perplexity", "training seconds"), rows);
        r.plot(loss, "loss", "Training loss of the three attentions (seed 1)");
        r.plot(dev, "perplexity", "Dev perplexity during training (seed 1)");
        double soft = ppl.get(AttentionKind.SOFTMAX);
        double sum = ppl.get(AttentionKind.LINEAR);
        double delta = ppl.get(AttentionKind.LINEAR_DELTA);
        verdicts.add(String.format(Locale.ROOT, "The delta rule is a better language model than the sum update (Schlag et al. "
                + "2021): dev perplexity %.1f vs %.1f: %s%s.", delta, sum, delta < sum ? "**yes, reproduced**" : "**no, not reproduced**",
                beyondSpread(spread.get(AttentionKind.LINEAR_DELTA), spread.get(AttentionKind.LINEAR))));
        AttentionKind rival = sum < delta ? AttentionKind.LINEAR : AttentionKind.LINEAR_DELTA;
        verdicts.add(String.format(Locale.ROOT, "Softmax attention has the lowest perplexity: %.1f vs %.1f (sum) and %.1f "
                + "(delta): %s%s.", soft, sum, delta, soft < Math.min(sum, delta) ? "**yes, reproduced**" : "**no, not reproduced**",
                beyondSpread(spread.get(AttentionKind.SOFTMAX), spread.get(rival))));
    }

    /**
     * With several seeds, whether two means differ by more than the seeds' spread: the difference against the larger
     * of the two sample standard deviations (empty with one seed, where there is no spread to compare with).
     */
    static String beyondSpread(Stats a, Stats b) {
        if (a.n() < 2 || b.n() < 2) {
            return " (one seed: no spread to judge the difference by)";
        }
        double diff = Math.abs(a.mean() - b.mean());
        double std = Math.max(a.std(), b.std());
        return String.format(Locale.ROOT, " (difference %.1f, %s the larger seed standard deviation %.1f)", diff,
                diff > 2 * std ? "more than twice" : diff > std ? "between one and two times" : "within", std);
    }

    // ---------------------------------------------------------------- cost as the context grows

    private void scaling(Report r, ExperimentOptions o, Plan plan, int vocab, List<String> verdicts) throws IOException {
        int[] contexts = plan.contexts();
        int longest = contexts[contexts.length - 1];
        r.heading(2, "Speed and state as the context grows");
        r.paragraph("Randomly initialised models of the same size, one sequence of L random ids. *Training*: one forward "
                + "and backward pass over the whole sequence (softmax and the sum update in their parallel form, the "
                + "delta rule recurrently). *Generation*: L tokens fed one at a time through the state, as when "
                + "generating; the state is what the attention layers keep after L tokens (the key-value cache for "
                + "softmax, the fast weight matrix and normaliser for linear attention), in floats summed over layers. "
                + "Wall-clock on a shared 2-core machine, the fastest of " + plan.repeats() + " measurement(s) after a "
                + "warm-up pass at the longest context: read the trends, not the digits.");
        List<List<String>> rows = new ArrayList<>();
        LinePlot gen = LinePlot.of("Generation speed against context length", "context length L", "tokens/s").withLogY(true);
        LinePlot train = LinePlot.of("Training speed (forward + backward) against context length", "context length L",
                "tokens/s").withLogY(true);
        LinePlot state = LinePlot.of("Attention state after L tokens", "context length L", "floats").withLogY(true);
        Map<AttentionKind, double[]> genSpeed = new LinkedHashMap<>();
        Map<AttentionKind, double[]> stateSize = new LinkedHashMap<>();
        for (AttentionKind k : KINDS) {
            DecoderOnly model = new DecoderOnly(config(plan, k, vocab, longest), new Rng(1));
            model.eval();
            double[] x = new double[contexts.length];
            double[] g = new double[contexts.length];
            double[] t = new double[contexts.length];
            double[] s = new double[contexts.length];
            measure(model, vocab, longest);       // warm-up at the longest context: the JIT compiles every loop first
            for (int c = 0; c < contexts.length; c++) {
                double[] m = measure(model, vocab, contexts[c]);
                for (int rep = 1; rep < plan.repeats(); rep++) {   // the fastest of the repeats: least disturbed by other work
                    double[] again = measure(model, vocab, contexts[c]);
                    m[0] = Math.max(m[0], again[0]);
                    m[1] = Math.max(m[1], again[1]);
                }
                x[c] = contexts[c];
                t[c] = m[0];
                g[c] = m[1];
                s[c] = m[2];
                rows.add(List.of(label(k), Integer.toString(contexts[c]), Report.num(t[c], 0), Report.num(g[c], 0),
                        String.format(Locale.ROOT, "%,.0f", s[c])));
                o.log(String.format(Locale.ROOT, "fastweights: %s, L %d: training %.0f tokens/s, generation %.0f tokens/s, "
                        + "state %.0f floats", label(k), contexts[c], t[c], g[c], s[c]));
            }
            gen = gen.withSeries(label(k), x, g);
            train = train.withSeries(label(k), x, t);
            state = state.withSeries(label(k), x, s);
            genSpeed.put(k, g);
            stateSize.put(k, s);
        }
        r.table(List.of("attention", "L", "training tokens/s", "generation tokens/s", "state (floats)"), rows);
        r.plot(train, "training-speed", "Training throughput against context length");
        r.plot(gen, "generation-speed", "Generation throughput against context length");
        r.plot(state, "state", "Attention state after L tokens: grows with L for softmax, fixed for fast weights");
        double[] softState = stateSize.get(AttentionKind.SOFTMAX);
        double[] sumState = stateSize.get(AttentionKind.LINEAR);
        int last = contexts.length - 1;
        verdicts.add(String.format(Locale.ROOT, "The fast-weight state has a fixed size while the key-value cache grows with "
                + "the context: %,.0f floats at L = %d and %,.0f at L = %d for the sum update; %,.0f and %,.0f for softmax: %s.",
                sumState[0], contexts[0], sumState[last], longest, softState[0], softState[last],
                sumState[0] == sumState[last] && softState[last] > softState[0] ? "**yes, reproduced**" : "**no**"));
        double softDrop = genSpeed.get(AttentionKind.SOFTMAX)[0] / genSpeed.get(AttentionKind.SOFTMAX)[last];
        double sumDrop = genSpeed.get(AttentionKind.LINEAR)[0] / genSpeed.get(AttentionKind.LINEAR)[last];
        verdicts.add(String.format(Locale.ROOT, "Generation slows down with the context for softmax but not for fast weights: "
                + "tokens/s at L = %d over L = %d is %.2f for softmax and %.2f for the sum update; softmax slows more: %s.",
                contexts[0], longest, softDrop, sumDrop, softDrop > sumDrop ? "**yes, reproduced**" : "**no, not reproduced**"));
    }

    /** {training tokens/s, generation tokens/s, state floats} for one sequence of length ids. */
    private static double[] measure(DecoderOnly model, int vocab, int length) {
        Rng rng = new Rng(length);
        int[] ids = new int[length];
        int[] target = new int[length];
        for (int i = 0; i < length; i++) {
            ids[i] = rng.nextInt(vocab);
            target[i] = rng.nextInt(vocab);
        }
        long t0 = System.nanoTime();
        Variable l = LanguageModelData.loss(model, ids, target, 1, length);
        l.backward();
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        model.namedParameters().values().forEach(Variable::zeroGrad);
        long t1 = System.nanoTime();
        List<DecoderLayer.Cache> cache = model.newCache();
        try (Grad.Scope ignored = Grad.off()) {
            for (int id : ids) {
                model.forward(Tokens.of(id), cache);
            }
        }
        double genSeconds = (System.nanoTime() - t1) / 1e9;
        double floats = 0;
        for (DecoderLayer.Cache c : cache) {
            floats += stateFloats(c.self());
        }
        return new double[] {length / trainSeconds, length / genSeconds, floats};
    }

    private static double stateFloats(AttentionCache c) {
        double n = 0;
        for (Tensor t : new Tensor[] {c.keys(), c.values(), c.fastWeights(), c.normalizer()}) {
            n += t == null ? 0 : t.size();
        }
        return n;
    }
}
