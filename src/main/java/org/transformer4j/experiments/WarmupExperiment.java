package org.transformer4j.experiments;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.transformer4j.data.DataCache;
import org.transformer4j.data.DingCorpus;
import org.transformer4j.data.NumberWords;
import org.transformer4j.data.Splits;
import org.transformer4j.data.TextPair;
import org.transformer4j.inspect.LayerNorms;
import org.transformer4j.model.EncoderDecoder;
import org.transformer4j.model.TransformerConfig;
import org.transformer4j.nn.NormPlacement;
import org.transformer4j.tensor.Rng;
import org.transformer4j.train.Schedules;

/**
 * Xiong et al. 2020, "On Layer Normalization in the Transformer Architecture": at initialization the
 * gradients of Post-LN grow towards the top layers, so Post-LN needs learning-rate warmup, while Pre-LN's
 * gradients are level and it trains without warmup. The grid: Post-LN vs Pre-LN x warmup {0, W} x peak
 * learning rate {low, high}, on the number task (and the Ding dictionary in the full run when it is in the
 * cache), 6 and 12 layers in the full run; plus per-layer gradient norms at initialization.
 */
public final class WarmupExperiment implements Experiment {

    /** The sizes of one run of the grid. */
    record Plan(int[] layers, int dModel, int heads, int dFF, int steps, int warmup, double lrLow, double lrHigh,
                int trainPairs, int devPairs, int bpe, int maxTokens, int evalEvery, boolean ding) {
        static Plan quick() {
            return new Plan(new int[] {2}, 32, 2, 64, 30, 10, 5e-4, 1e-3, 2000, 16, 300, 600, 15, false);
        }

        static Plan full() {
            return new Plan(new int[] {6, 12}, 64, 4, 256, 600, 120, 5e-4, 1e-3, 20_000, 200, 400, 1500, 150, true);
        }

        /** Every setting, for {@link RunStore}: a changed plan never reuses an old run. */
        String describe() {
            return String.format(Locale.ROOT, "warmup plan v1: layers %s, d %d, heads %d, dff %d, steps %d, warmup %d, lr %s/%s, "
                    + "train %d, dev %d, bpe %d, tokens %d, eval every %d, ding %b", java.util.Arrays.toString(layers), dModel,
                    heads, dFF, steps, warmup, lrLow, lrHigh, trainPairs, devPairs, bpe, maxTokens, evalEvery, ding);
        }
    }

    /** One cell's settings. */
    record Cell(NormPlacement placement, int warmup, double lr) {
        String label() {
            return (placement == NormPlacement.POST ? "Post-LN" : "Pre-LN") + ", warmup " + warmup + ", lr "
                    + String.format(Locale.ROOT, "%.0e", lr);
        }
    }

    @Override
    public String name() {
        return "warmup";
    }

    @Override
    public String description() {
        return "Xiong et al. 2020: Post-LN needs learning-rate warmup, Pre-LN does not (grid, curves, gradient norms at init).";
    }

    @Override
    public Path run(ExperimentOptions o) throws IOException {
        Plan plan = o.quick() ? Plan.quick() : Plan.full();
        long started = System.nanoTime();
        Report r = new Report(o.out(), name());
        r.heading(1, "Warmup: Post-LN needs it, Pre-LN does not (Xiong et al. 2020)");
        r.paragraph(ReportText.banner(o, name()));
        r.paragraph("""
                **Claim.** Xiong et al. (2020, "On Layer Normalization in the Transformer Architecture") show that at \
                initialization the expected gradients of the parameters near the output of a Post-LN Transformer are \
                large, which makes training with a large learning rate unstable unless the rate is warmed up; with the \
                norm inside the residual branch (Pre-LN) the gradients are well-behaved and training works without \
                warmup. We test both halves: gradient norms per layer at initialization, and a training grid.""");
        List<String[]> tasks = new ArrayList<>();
        tasks.add(new String[] {"numbers", "German number words to English (built in)"});
        Path ding = plan.ding() ? cachedDing() : null;
        if (ding != null) {
            tasks.add(new String[] {"ding", "Ding dictionary (TU Chemnitz), a 30,000-pair sample"});
        }
        r.heading(2, "Setup");
        r.table(List.of("setting", "value"), List.of(
                List.of("model", "encoder-decoder, N encoder + N decoder layers, d_model " + plan.dModel() + ", " + plan.heads()
                        + " heads, d_ff " + plan.dFF() + ", dropout 0.1, sinusoidal positions, Xavier init, tied embeddings"),
                List.of("layers N", join(plan.layers())),
                List.of("data", String.join("; ", tasks.stream().map(t -> t[1]).toList()) + "; " + plan.trainPairs()
                        + " training pairs, " + plan.devPairs() + " dev pairs, byte-level BPE"),
                List.of("optimizer", "AdamW, betas (0.9, 0.98), eps 1e-9, weight decay 0.01, no gradient clipping "
                        + "(clipping would hide the effect), no label smoothing"),
                List.of("schedule", "linear warmup over W steps to the peak rate (W = 0: the peak from step 1), then "
                        + "cosine decay to a tenth of the peak at the last step"),
                List.of("grid", "Post-LN, Pre-LN x W in {0, " + plan.warmup() + "} x peak rate in {"
                        + String.format(Locale.ROOT, "%.0e, %.0e", plan.lrLow(), plan.lrHigh()) + "} (Xiong et al.'s two "
                        + "rates for IWSLT14), " + plan.steps() + " steps"),
                List.of("batches", "about " + plan.maxTokens() + " padded tokens"),
                List.of("seeds", seedText(o))));
        if (ding == null && !o.quick()) {
            r.paragraph("The Ding dictionary was not in the data cache, so this run used the number task only "
                    + "(`./t4j data fetch ding` fetches it).");
        }
        r.heading(2, "Gradient norms at initialization");
        gradientNorms(r, o, plan, tasks.get(0)[0]);
        r.heading(2, "Training");
        List<String> verdicts = new ArrayList<>();
        double[] kept = new double[2];                                        // runs taken from --resume's store, their seconds
        for (String[] task : tasks) {
            Data data = data(task[0], plan, ding);
            for (int layers : plan.layers()) {
                verdicts.addAll(grid(r, o, plan, task, data, layers, kept));
            }
        }
        r.heading(2, ReportText.verdictHeading(o));
        r.bullets(verdicts);
        String footer = ReportText.footer(o, name(), (System.nanoTime() - started) / 1e9);
        if (kept[0] > 0) {
            footer += String.format(Locale.ROOT, " This run took %.0f training runs from earlier runs of the same plan "
                    + "(`--resume`), which had trained for %.0f s.", kept[0], kept[1]);
        }
        r.paragraph(footer);
        return r.write();
    }

    // ---------------------------------------------------------------- data

    private record Data(TranslationSetup setup, List<TextPair> dev, int maxLength) {
    }

    private static Data data(String task, Plan plan, Path ding) throws IOException {
        Splits s;
        if (task.equals("numbers")) {
            s = NumberWords.splitsByLength(1, plan.trainPairs(), plan.devPairs(), 0, NumberWords.DEFAULT_MAX);
        } else {
            Splits all = DingCorpus.load(ding, DingCorpus.Options.defaults()).split(1, 0.01, 0.01);
            s = new Splits(sample(all.train(), 30_000, 1), sample(all.dev(), plan.devPairs(), 2), List.of());
        }
        TranslationSetup setup = TranslationSetup.of(s.train(), task.equals("numbers") ? plan.bpe() : 4000);
        return new Data(setup, s.dev(), setup.longest(s.dev()) + 8);
    }

    /** count pairs of at most 60 characters a side, drawn without replacement in a seeded order. */
    private static List<TextPair> sample(List<TextPair> pairs, int count, long seed) {
        List<TextPair> pool = new ArrayList<>(pairs.stream().filter(p -> p.source().length() <= 60 && p.target().length() <= 60)
                .toList());
        Rng rng = new Rng(seed);
        for (int i = pool.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            TextPair t = pool.get(i);
            pool.set(i, pool.get(j));
            pool.set(j, t);
        }
        return pool.subList(0, Math.min(count, pool.size()));
    }

    private static Path cachedDing() {
        return DataCache.standard(m -> { }).cachedDing().orElse(null);
    }

    private static TransformerConfig config(Plan plan, int layers, NormPlacement placement, int vocab, int maxPositions) {
        return TransformerConfig.tinyPaper().withDModel(plan.dModel()).withHeads(plan.heads()).withDFF(plan.dFF())
                .withEncoderLayers(layers).withDecoderLayers(layers).withNormPlacement(placement).withFinalNorm(null)
                .withDropout(0.1f).withVocabSize(vocab).withMaxPositions(maxPositions);
    }

    // ---------------------------------------------------------------- gradient norms

    private void gradientNorms(Report r, ExperimentOptions o, Plan plan, String task) throws IOException {
        Data data = data(task, plan, null);
        r.paragraph("""
                One batch of the number task through a freshly initialised model (dropout off), cross-entropy, \
                backward; for each layer the L2 norm of the gradient of its feed-forward weights (the quantity of \
                Xiong et al.'s Figure 3) and of all its parameters (`inspect.LayerNorms`, also `./t4j inspect norms`). \
                Layers are numbered from the input: encoder 1..N, then decoder 1..N. Seed 1.""");
        for (int layers : plan.layers()) {
            Map<NormPlacement, List<LayerNorms.LayerNorm>> norms = new LinkedHashMap<>();
            for (NormPlacement p : NormPlacement.values()) {
                EncoderDecoder model = new EncoderDecoder(config(plan, layers, p, data.setup().vocabSize(), data.maxLength() + 8),
                        new Rng(1));
                model.train(false);
                var batch = data.setup().batcher(1, plan.maxTokens()).batch(org.transformer4j.data.DataPosition.START);
                norms.put(p, LayerNorms.of(model, () -> data.setup().loss(model, batch, 0f)));
            }
            List<LayerNorms.LayerNorm> post = norms.get(NormPlacement.POST);
            List<LayerNorms.LayerNorm> pre = norms.get(NormPlacement.PRE);
            List<List<String>> rows = new ArrayList<>();
            double[] x = new double[post.size()];
            double[] yPost = new double[post.size()];
            double[] yPre = new double[post.size()];
            for (int i = 0; i < post.size(); i++) {
                x[i] = i + 1;
                yPost[i] = post.get(i).feedForwardGradientNorm();
                yPre[i] = pre.get(i).feedForwardGradientNorm();
                rows.add(List.of(post.get(i).layer(), Report.num(yPost[i], 4), Report.num(yPre[i], 4),
                        Report.num(post.get(i).gradientNorm(), 4), Report.num(pre.get(i).gradientNorm(), 4)));
            }
            r.heading(3, layers + " + " + layers + " layers");
            r.table(List.of("layer", "Post-LN FFN grad norm", "Pre-LN FFN grad norm", "Post-LN layer grad norm",
                    "Pre-LN layer grad norm"), rows);
            r.plot(LinePlot.of("Gradient norm of the FFN weights at initialization, " + layers + "+" + layers + " layers",
                            "layer (encoder 1.." + layers + ", then decoder)", "gradient norm").withLogY(true)
                            .withSeries("Post-LN", x, yPost).withSeries("Pre-LN", x, yPre),
                    "grad-norms-" + layers, "FFN weight gradient norm per layer at initialization, " + layers + "+" + layers
                            + " layers");
            double postRatio = yPost[x.length - 1] / yPost[x.length / 2];
            double preRatio = yPre[x.length - 1] / yPre[x.length / 2];
            r.paragraph(String.format(Locale.ROOT, "Top decoder layer over bottom decoder layer: Post-LN %.2f, Pre-LN %.2f. "
                    + "Xiong et al. predict a ratio well above 1 for Post-LN (gradients grow towards the output) and near 1 "
                    + "for Pre-LN. %s", postRatio, preRatio, postRatio > 1.5 * preRatio
                    ? "**Reproduced** here: Post-LN's ratio is more than 1.5 times Pre-LN's."
                    : "**Not reproduced** here: Post-LN's ratio is not more than 1.5 times Pre-LN's."));
            o.log(String.format(Locale.ROOT, "warmup: gradient norms at init, %d layers: top/bottom decoder Post-LN %.2f, Pre-LN %.2f",
                    layers, postRatio, preRatio));
        }
    }

    // ---------------------------------------------------------------- the training grid

    private List<String> grid(Report r, ExperimentOptions o, Plan plan, String[] task, Data data, int layers, double[] kept)
            throws IOException {
        r.heading(3, task[1] + ", " + layers + " + " + layers + " layers");
        List<Cell> cells = new ArrayList<>();
        for (NormPlacement p : NormPlacement.values()) {
            for (int w : new int[] {0, plan.warmup()}) {
                for (double lr : new double[] {plan.lrLow(), plan.lrHigh()}) {
                    cells.add(new Cell(p, w, lr));
                }
            }
        }
        Map<Cell, List<TranslationSetup.Run>> runs = new LinkedHashMap<>();
        RunStore store = RunStore.of(o, name(), plan.describe() + "; task " + task[0] + "; " + data.setup().describe());
        for (Cell c : cells) {
            for (long seed : o.seedList()) {
                String key = String.format(Locale.ROOT, "%s-%d-%s-w%d-lr%.0e-seed%d", task[0], layers, c.placement(),
                        c.warmup(), c.lr(), seed);
                var stored = store.get(key);
                TranslationSetup.Run run;
                if (stored.isPresent()) {
                    run = stored.get();
                    kept[0]++;
                    kept[1] += run.curve().seconds();
                } else {
                    EncoderDecoder model = new EncoderDecoder(config(plan, layers, c.placement(), data.setup().vocabSize(),
                            Math.max(data.setup().longest(), data.maxLength()) + 8), new Rng(seed));
                    run = data.setup().train(model,
                            Schedules.warmupCosine(c.lr(), c.warmup(), plan.steps(), c.lr() / 10), plan.steps(), 0, 0f, seed,
                            plan.maxTokens(), data.dev(), plan.evalEvery(), data.maxLength());
                    store.put(key, run);
                }
                runs.computeIfAbsent(c, k -> new ArrayList<>()).add(run);
                o.log(String.format(Locale.ROOT, "warmup: %s, %d layers, %s, seed %d: loss %.3f -> %.3f, dev BLEU %s%s (%.0f s%s)",
                        task[0], layers, c.label(), seed, run.curve().firstLoss(), run.curve().finalLoss(0.1),
                        Report.num(run.finalBleu(), 1), run.curve().diverged() == null ? "" : ", diverged", run.curve().seconds(),
                        stored.isPresent() ? ", kept from an earlier run" : ""));
            }
        }
        double best = runs.values().stream().flatMap(List::stream).mapToDouble(x -> x.curve().finalLoss(0.1))
                .filter(Double::isFinite).min().orElse(Double.NaN);
        List<List<String>> rows = new ArrayList<>();
        LinePlot loss = LinePlot.of("Training loss (smoothed), " + task[0] + ", " + layers + "+" + layers + " layers, seed 1",
                "step", "cross-entropy").withLogY(true);
        LinePlot bleu = LinePlot.of("Dev BLEU, " + task[0] + ", " + layers + "+" + layers + " layers, seed 1", "step", "BLEU");
        for (Cell c : cells) {
            List<TranslationSetup.Run> rs = runs.get(c);
            rows.add(List.of(c.placement() == NormPlacement.POST ? "Post-LN" : "Pre-LN", Integer.toString(c.warmup()),
                    String.format(Locale.ROOT, "%.0e", c.lr()),
                    Stats.of(rs.stream().mapToDouble(x -> x.curve().firstLoss()).toArray()).format(3, 1),
                    Stats.of(rs.stream().mapToDouble(x -> x.curve().finalLoss(0.1)).toArray()).format(3, 1),
                    Stats.of(rs.stream().mapToDouble(TranslationSetup.Run::finalExact).toArray()).format(1, 100),
                    Stats.of(rs.stream().mapToDouble(TranslationSetup.Run::finalBleu).toArray()).format(1, 1),
                    outcome(rs, best)));
            TranslationSetup.Run first = rs.get(0);
            loss = loss.withSeries(c.label(), first.curve().steps(), first.curve().smoothed(0.1));
            bleu = bleu.withSeries(c.label(), first.evalSteps(), first.bleu());
        }
        r.table(List.of("norm", "warmup", "peak lr", "first loss", "final loss (last 10%)", "dev exact match %", "dev BLEU",
                "outcome"), rows);
        r.paragraph(String.format(Locale.ROOT, "Outcome: *diverged* when a loss or gradient became NaN or infinite (the run "
                + "stops there); *stuck* when the mean loss of the last 10%% of steps is above %.1f times the best cell's "
                + "(%.3f here); else *ok*.", STUCK_FACTOR, best));
        String file = task[0] + "-" + layers;
        r.plot(loss, "loss-" + file, "Training loss, " + task[1] + ", " + layers + "+" + layers + " layers");
        r.plot(bleu, "bleu-" + file, "Dev BLEU during training, " + task[1] + ", " + layers + "+" + layers + " layers");
        return verdicts(task[0], layers, plan, runs);
    }

    /** A run is stuck when its final loss is more than this times the best final loss of its grid. */
    static final double STUCK_FACTOR = 1.5;

    /** "ok", "stuck" or "diverged (...)", listed per seed when the seeds differ. */
    static String outcome(List<TranslationSetup.Run> runs, double bestFinalLoss) {
        List<String> each = new ArrayList<>();
        for (TranslationSetup.Run run : runs) {
            TrainingCurve c = run.curve();
            each.add(c.diverged() != null ? "diverged (" + c.diverged() + ")"
                    : c.finalLoss(0.1) > STUCK_FACTOR * bestFinalLoss ? "stuck" : "ok");
        }
        return each.stream().distinct().count() == 1 ? each.get(0) : String.join("; ", each);
    }

    private static double meanLoss(List<TranslationSetup.Run> runs) {
        double s = 0;
        for (TranslationSetup.Run run : runs) {
            s += run.curve().finalLoss(0.1);
        }
        return s / runs.size();
    }

    private static double meanBleu(List<TranslationSetup.Run> runs) {
        double s = 0;
        for (TranslationSetup.Run run : runs) {
            s += Double.isFinite(run.finalBleu()) ? run.finalBleu() : 0;   // a diverged run scores 0
        }
        return s / runs.size();
    }

    private static List<String> verdicts(String task, int layers, Plan plan, Map<Cell, List<TranslationSetup.Run>> runs) {
        List<String> out = new ArrayList<>();
        for (double lr : new double[] {plan.lrLow(), plan.lrHigh()}) {
            double postNo = meanBleu(runs.get(new Cell(NormPlacement.POST, 0, lr)));
            double postWarm = meanBleu(runs.get(new Cell(NormPlacement.POST, plan.warmup(), lr)));
            double preNo = meanBleu(runs.get(new Cell(NormPlacement.PRE, 0, lr)));
            double preWarm = meanBleu(runs.get(new Cell(NormPlacement.PRE, plan.warmup(), lr)));
            boolean postNeeds = postWarm - postNo > 5;
            boolean preDoesNot = preNo >= preWarm - 5;
            if (Math.max(Math.max(postNo, postWarm), Math.max(preNo, preWarm)) < 1) {
                // Nothing learned to the point of a translation: BLEU cannot tell the cells apart, say so.
                out.add(String.format(Locale.ROOT, "%s, %d+%d layers, peak lr %.0e: every cell stays below 1 dev BLEU, so "
                                + "the BLEU test is **no evidence either way**. Final training loss (last 10%%): Post-LN %.3f "
                                + "without warmup vs %.3f with, Pre-LN %.3f without vs %.3f with.", task, layers, layers, lr,
                        meanLoss(runs.get(new Cell(NormPlacement.POST, 0, lr))),
                        meanLoss(runs.get(new Cell(NormPlacement.POST, plan.warmup(), lr))),
                        meanLoss(runs.get(new Cell(NormPlacement.PRE, 0, lr))),
                        meanLoss(runs.get(new Cell(NormPlacement.PRE, plan.warmup(), lr)))));
                continue;
            }
            out.add(String.format(Locale.ROOT, "%s, %d+%d layers, peak lr %.0e: Post-LN dev BLEU %.1f without warmup vs %.1f "
                            + "with; Pre-LN %.1f without vs %.1f with. Post-LN needs warmup (more than 5 BLEU lost without): "
                            + "%s. Pre-LN does not (within 5 BLEU without): %s.", task, layers, layers, lr, postNo, postWarm,
                    preNo, preWarm, postNeeds ? "**yes, reproduced**" : "**no, not reproduced**",
                    preDoesNot ? "**yes, reproduced**" : "**no, not reproduced**"));
        }
        return out;
    }

    private static String join(int[] values) {
        return String.join(", ", java.util.Arrays.stream(values).mapToObj(Integer::toString).toList());
    }

    private static String seedText(ExperimentOptions o) {
        return o.seeds() == 1 ? "1 (seed 1: initialisation, dropout, batch order)"
                : o.seeds() + " (seeds 1.." + o.seeds() + "; tables give mean ± sample std (min–max))";
    }
}
