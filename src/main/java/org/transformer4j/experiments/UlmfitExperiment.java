package org.transformer4j.experiments;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.transformer4j.autograd.Functions;
import org.transformer4j.autograd.Grad;
import org.transformer4j.autograd.Variable;
import org.transformer4j.data.BrownCorpus;
import org.transformer4j.data.DataCache;
import org.transformer4j.model.ClassificationHead;
import org.transformer4j.model.DecoderOnly;
import org.transformer4j.model.Tokens;
import org.transformer4j.model.TransformerConfig;
import org.transformer4j.nn.Module;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;
import org.transformer4j.train.AdamSettings;
import org.transformer4j.train.AdamW;
import org.transformer4j.train.LearningRateSchedule;
import org.transformer4j.train.ParameterGroup;
import org.transformer4j.train.Schedules;

/**
 * ULMFiT (Howard and Ruder 2018) with a small Transformer decoder instead of an AWD-LSTM: pretrain a language
 * model on the Brown corpus, fine-tune it as a language model, then fine-tune it to classify the genre of a
 * passage with discriminative learning rates, the slanted triangular schedule and gradual unfreezing;
 * compared with a classifier trained from scratch and with each of the three techniques removed.
 */
public final class UlmfitExperiment implements Experiment {
    /** Each layer group's rate is the one above it divided by this (Howard and Ruder, section 3.2). */
    static final double DISCRIMINATIVE_FACTOR = 2.6;

    /** The sizes of one run. */
    record Plan(int dModel, int heads, int layers, int dFF, int length, int batch, int pretrainSteps, int lmSteps,
                int classifierSteps, double lmLr, double classifierLr, int bpe, int tokenizerChars, int chunksPerText,
                int devWindows) {
        static Plan quick() {
            return new Plan(32, 2, 2, 64, 32, 8, 20, 10, 20, 2e-3, 2e-3, 300, 20_000, 3, 4);
        }

        static Plan full() {
            return new Plan(128, 4, 3, 512, 64, 16, 800, 200, 300, 1e-3, 2e-3, 2000, 400_000, 8, 50);
        }
    }

    /** One way to train the classifier. */
    record Variant(String name, boolean pretrained, boolean discriminative, boolean slanted, boolean gradual) {
    }

    static final List<Variant> VARIANTS = List.of(
            new Variant("ULMFiT (all three techniques)", true, true, true, true),
            new Variant("without discriminative learning rates", true, false, true, true),
            new Variant("without the slanted triangular schedule (constant rate)", true, true, false, true),
            new Variant("without gradual unfreezing", true, true, true, false),
            new Variant("from scratch (no pretraining; all layers, slanted triangular)", false, false, true, false));

    @Override
    public String name() {
        return "ulmfit";
    }

    @Override
    public String description() {
        return "Howard and Ruder 2018: pretrain and fine-tune a Brown LM, classify genre with discriminative rates, "
                + "slanted triangular schedule and gradual unfreezing; ablations and from scratch.";
    }

    @Override
    public int defaultSeeds() {
        return 3;
    }

    /** The language model with a classification head on its last position. */
    static final class Classifier extends Module {
        final DecoderOnly lm;
        final ClassificationHead head;

        Classifier(DecoderOnly lm, int labels, Rng rng) {
            this.lm = child("lm", lm);
            this.head = child("head", new ClassificationHead(lm.config().dModel(), labels, ClassificationHead.Pooling.LAST, 0.1f, rng));
        }

        Variable logits(Tokens x) {
            return traced(() -> head.forward(lm.hidden(x, null), x));   // (B, labels)
        }
    }

    static TransformerConfig config(Plan plan, int vocab) {
        return TransformerConfig.tinyGpt().withDModel(plan.dModel()).withHeads(plan.heads()).withDFF(plan.dFF())
                .withDecoderLayers(plan.layers()).withVocabSize(vocab).withMaxPositions(plan.length()).withDropout(0.1f);
    }

    /**
     * Layer groups from the input up: 0 the embeddings, 1..L the decoder layers, L + 1 everything above (final
     * norm, head). A parameter tied under several names belongs to the group of its first name.
     */
    static List<List<Variable>> layerGroups(Map<String, Variable> named, int layers) {
        List<List<Variable>> groups = new ArrayList<>();
        for (int g = 0; g < layers + 2; g++) {
            groups.add(new ArrayList<>());
        }
        Map<Variable, Boolean> seen = new IdentityHashMap<>();
        named.forEach((key, v) -> {
            if (seen.put(v, Boolean.TRUE) != null) {
                return;
            }
            String k = key.startsWith("lm.") ? key.substring(3) : key;
            int g = layers + 1;
            if (k.startsWith("embed.")) {
                g = 0;
            } else if (k.startsWith("decoder.layers.")) {
                g = 1 + Integer.parseInt(k.substring("decoder.layers.".length(), k.indexOf('.', "decoder.layers.".length())));
            }
            groups.get(g).add(v);
        });
        return groups;
    }

    /** AdamW with ULMFiT's betas (0.7, 0.99); group g's rate scaled by 2.6^-(top - g) when discriminative. */
    static AdamW optimizer(List<List<Variable>> groups, boolean discriminative) {
        List<ParameterGroup> pgs = new ArrayList<>();
        int top = groups.size() - 1;
        for (int g = 0; g <= top; g++) {
            Map<String, Variable> m = new LinkedHashMap<>();
            for (int i = 0; i < groups.get(g).size(); i++) {
                m.put("g" + g + "." + i, groups.get(g).get(i));
            }
            if (!m.isEmpty()) {
                pgs.add(ParameterGroup.of("group" + g, m).withLrScale(discriminative ? Math.pow(DISCRIMINATIVE_FACTOR, g - top) : 1));
            }
        }
        return new AdamW(pgs, new AdamSettings(0.7, 0.99, 1e-8, 0.01));
    }

    @Override
    public Path run(ExperimentOptions o) throws IOException {
        Plan plan = o.quick() ? Plan.quick() : Plan.full();
        long started = System.nanoTime();
        Path folder = o.data() != null ? o.data() : DataCache.standard(o::log).fetchBrown();
        BrownCorpus brown = BrownCorpus.load(folder);
        BrownCorpus.Split split = brown.split(1, 0.1, 0.1);
        LanguageModelData data = LanguageModelData.of(split.train(), split.dev(), plan.bpe(), plan.tokenizerChars());
        List<String> genres = brown.genres();
        Examples train = examples(data, split.train(), genres, plan);
        Examples test = examples(data, split.test(), genres, plan);
        Report r = new Report(o.out(), name());
        r.heading(1, "ULMFiT: genre classification of Brown passages with a fine-tuned language model");
        r.paragraph(ReportText.banner(o, name()));
        r.paragraph("""
                **Claims.** Howard and Ruder (2018) fine-tune a pretrained language model into a text classifier in \
                three stages and credit three techniques: *discriminative fine-tuning* (each layer group learns at the \
                rate of the group above divided by 2.6), *slanted triangular learning rates* (a short linear rise to the \
                peak, then a long linear fall) and *gradual unfreezing* (train the top group first, unfreeze one more \
                group at a time). With them a pretrained model classifies much better than one trained from scratch, \
                and removing any one of them costs accuracy (their Tables 6 and 7).""");
        int majority = majority(train.labels(), genres.size());
        double majorityAcc = share(test.labels(), majority);
        r.heading(2, "Setup");
        r.table(List.of("setting", "value"), List.of(
                List.of("data", "Brown corpus (" + brown.summary() + "), split by text within each genre: "
                        + split.train().size() + " training, " + split.dev().size() + " dev, " + split.test().size()
                        + " test texts; byte-level BPE of " + data.vocabSize() + " ids"),
                List.of("task", "the genre (" + genres.size() + " classes) of a passage of " + plan.length() + " ids: up to "
                        + plan.chunksPerText() + " consecutive passages per text; " + train.labels().length + " training and "
                        + test.labels().length + " test passages; the majority class (" + genres.get(majority) + ") is "
                        + Report.percent(majorityAcc) + " of the test passages"),
                List.of("model", "decoder-only, " + plan.layers() + " layers, d_model " + plan.dModel() + ", " + plan.heads()
                        + " heads, d_ff " + plan.dFF() + ", Pre-LN, learned positions, dropout 0.1; classifier head on the "
                        + "last position's hidden state (ULMFiT pools last, max and mean of an LSTM's states)"),
                List.of("stage 1: pretraining", plan.pretrainSteps() + " steps of " + plan.batch() + " windows of "
                        + plan.length() + " ids from the training texts, AdamW (0.9, 0.98), warmup then cosine, peak "
                        + String.format(Locale.ROOT, "%.0e", plan.lmLr()) + "; seed 1, shared by every classifier"),
                List.of("stage 2: LM fine-tuning", plan.lmSteps() + " steps on the training passages' text, discriminative "
                        + "rates and the slanted triangular schedule (cut_frac 0.1, ratio 32), peak "
                        + String.format(Locale.ROOT, "%.0e", plan.lmLr()) + "; seed 1. The Brown corpus is both the general "
                        + "and the target corpus here, so this stage adds little; it is run to keep the recipe whole"),
                List.of("stage 3: classifier", plan.classifierSteps() + " steps of " + plan.batch() + " passages, AdamW "
                        + "(0.7, 0.99) as ULMFiT's Adam, peak " + String.format(Locale.ROOT, "%.0e", plan.classifierLr())
                        + " for the top group, groups = embeddings, each layer, the top (final norm and head); gradual "
                        + "unfreezing adds one group every " + unfreezeEvery(plan) + " steps; without the slanted triangle "
                        + "the rate is constant at the peak"),
                List.of("seeds", o.seeds() + " for stage 3 (head initialisation, dropout, batch order)" + (o.seeds() > 1
                        ? "; mean ± sample std (min–max)" : ""))));
        r.heading(2, "Language model");
        DecoderOnly lm = new DecoderOnly(config(plan, data.vocabSize()), new Rng(1));
        double before = Math.exp(data.devLoss(lm, plan.length(), plan.devWindows()));
        TrainingCurve pre = TrainingCurve.run(lm, AdamW.of(lm.namedParameters(), AdamSettings.paper().withWeightDecay(0.01)),
                Schedules.warmupCosine(plan.lmLr(), Math.max(1, plan.pretrainSteps() / 10), plan.pretrainSteps(), plan.lmLr() / 10),
                plan.pretrainSteps(), 1.0, lmLoss(data, lm, plan, new Rng(101)), step -> { });
        double afterPre = Math.exp(data.devLoss(lm, plan.length(), plan.devWindows()));
        TrainingCurve fine = TrainingCurve.run(lm, optimizer(layerGroups(lm.namedParameters(), plan.layers()), true),
                Schedules.slantedTriangular(plan.lmLr(), plan.lmSteps(), 0.1, 32), plan.lmSteps(), 1.0,
                passageLoss(train, lm, plan, new Rng(102)), step -> { });
        double afterFine = Math.exp(data.devLoss(lm, plan.length(), plan.devWindows()));
        o.log(String.format(Locale.ROOT, "ulmfit: dev perplexity %.1f at init, %.1f pretrained, %.1f fine-tuned", before,
                afterPre, afterFine));
        r.table(List.of("stage", "dev perplexity (dev texts)", "steps", "seconds"), List.of(
                List.of("random initialisation", Report.num(before, 1), "0", "0"),
                List.of("after pretraining", Report.num(afterPre, 1), Integer.toString(pre.losses().length), Report.num(pre.seconds(), 0)),
                List.of("after LM fine-tuning", Report.num(afterFine, 1), Integer.toString(fine.losses().length),
                        Report.num(fine.seconds(), 0))));
        double[] fineSteps = fine.steps();
        for (int i = 0; i < fineSteps.length; i++) {
            fineSteps[i] += pre.losses().length;
        }
        r.plot(LinePlot.of("Language-model training loss (smoothed)", "step", "cross-entropy").withLogY(true)
                        .withSeries("stage 1: pretraining (windows of the training texts)", pre.steps(), pre.smoothed(0.1))
                        .withSeries("stage 2: LM fine-tuning (training passages)", fineSteps, fine.smoothed(0.1)),
                "lm-loss", "Language-model loss in pretraining and LM fine-tuning");
        Map<String, Tensor> pretrained = snapshot(lm);
        r.heading(2, "Genre classification");
        List<List<String>> rows = new ArrayList<>();
        LinePlot curves = LinePlot.of("Classifier training loss (smoothed), seed 1", "step", "cross-entropy").withLogY(true);
        Map<Variant, Double> acc = new LinkedHashMap<>();
        for (Variant v : VARIANTS) {
            double[] a = new double[o.seeds()];
            for (int i = 0; i < o.seeds(); i++) {
                long seed = o.seedList()[i];
                DecoderOnly base = new DecoderOnly(config(plan, data.vocabSize()), new Rng(1000 + seed));
                if (v.pretrained()) {
                    restore(base, pretrained);
                }
                Classifier c = new Classifier(base, genres.size(), new Rng(2000 + seed));
                TrainingCurve curve = trainClassifier(c, v, plan, train, seed);
                a[i] = curve.diverged() != null ? Double.NaN : accuracy(c, test);
                if (i == 0) {
                    curves = curves.withSeries(v.name(), curve.steps(), curve.smoothed(0.1));
                }
                o.log(String.format(Locale.ROOT, "ulmfit: %s, seed %d: test accuracy %s (%.0f s)", v.name(), seed,
                        Report.percent(a[i]), curve.seconds()));
            }
            acc.put(v, Stats.of(a).mean());
            rows.add(List.of(v.name(), Stats.of(a).format(1, 100)));
        }
        rows.add(List.of("majority class (" + genres.get(majority) + ")", Report.num(100 * majorityAcc, 1)));
        r.table(List.of("classifier", "test accuracy %"), rows);
        r.plot(curves, "classifier-loss", "Classifier training loss of each variant (seed 1)");
        List<String> verdicts = new ArrayList<>();
        double full = acc.get(VARIANTS.get(0));
        double scratch = acc.get(VARIANTS.get(4));
        verdicts.add(String.format(Locale.ROOT, "Pretraining helps: ULMFiT %.1f%% vs from scratch %.1f%%; ahead: %s.", 100 * full,
                100 * scratch, full > scratch ? "**yes, reproduced**" : "**no, not reproduced**"));
        for (int k = 1; k <= 3; k++) {
            double without = acc.get(VARIANTS.get(k));
            verdicts.add(String.format(Locale.ROOT, "Removing one technique costs accuracy, %s: %.1f%% vs %.1f%% with all three: %s.",
                    VARIANTS.get(k).name(), 100 * without, 100 * full, without < full ? "**yes, reproduced**" : "**no, not reproduced**"));
        }
        r.heading(2, ReportText.verdictHeading(o));
        r.bullets(verdicts);
        r.paragraph(ReportText.footer(o, name(), (System.nanoTime() - started) / 1e9));
        return r.write();
    }

    // ---------------------------------------------------------------- data

    /** Passages (ids of one length) and their genre indices. */
    record Examples(int[][] ids, int[] labels) {
    }

    private static Examples examples(LanguageModelData data, List<BrownCorpus.Text> texts, List<String> genres, Plan plan) {
        List<int[]> ids = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (BrownCorpus.Text t : texts) {
            for (int[] chunk : data.chunks(t, plan.length(), plan.chunksPerText())) {
                ids.add(chunk);
                labels.add(genres.indexOf(t.genre()));
            }
        }
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("no passages of " + plan.length() + " ids in " + texts.size() + " texts");
        }
        return new Examples(ids.toArray(int[][]::new), labels.stream().mapToInt(Integer::intValue).toArray());
    }

    private static int majority(int[] labels, int classes) {
        int[] count = new int[classes];
        for (int l : labels) {
            count[l]++;
        }
        int best = 0;
        for (int c = 1; c < classes; c++) {
            best = count[c] > count[best] ? c : best;
        }
        return best;
    }

    private static double share(int[] labels, int label) {
        int n = 0;
        for (int l : labels) {
            n += l == label ? 1 : 0;
        }
        return (double) n / labels.length;
    }

    // ---------------------------------------------------------------- training

    private static java.util.function.IntFunction<Variable> lmLoss(LanguageModelData data, DecoderOnly lm, Plan plan, Rng rng) {
        return step -> {
            int[][] w = data.randomWindow(rng, plan.batch(), plan.length());
            return LanguageModelData.loss(lm, w[0], w[1], plan.batch(), plan.length());
        };
    }

    /** Next-token loss on random training passages (their last id has no target inside the passage). */
    private static java.util.function.IntFunction<Variable> passageLoss(Examples train, DecoderOnly lm, Plan plan, Rng rng) {
        int t = plan.length() - 1;
        return step -> {
            int[] in = new int[plan.batch() * t];
            int[] target = new int[plan.batch() * t];
            for (int b = 0; b < plan.batch(); b++) {
                int[] p = train.ids()[rng.nextInt(train.ids().length)];
                System.arraycopy(p, 0, in, b * t, t);
                System.arraycopy(p, 1, target, b * t, t);
            }
            return LanguageModelData.loss(lm, in, target, plan.batch(), t);
        };
    }

    static int unfreezeEvery(Plan plan) {
        return Math.max(1, plan.classifierSteps() / (2 * (plan.layers() + 2)));
    }

    private static TrainingCurve trainClassifier(Classifier c, Variant v, Plan plan, Examples train, long seed) {
        List<List<Variable>> groups = layerGroups(c.namedParameters(), plan.layers());
        AdamW opt = optimizer(groups, v.discriminative());
        LearningRateSchedule schedule = v.slanted() ? Schedules.slantedTriangular(plan.classifierLr(), plan.classifierSteps(), 0.1, 32)
                : Schedules.constant(plan.classifierLr());
        Rng rng = new Rng(3000 + seed);
        int every = unfreezeEvery(plan);
        return TrainingCurve.run(c, opt, schedule, plan.classifierSteps(), 1.0, step -> {
            int[] ids = new int[plan.batch() * plan.length()];
            int[] labels = new int[plan.batch()];
            for (int b = 0; b < plan.batch(); b++) {
                int k = rng.nextInt(train.ids().length);
                System.arraycopy(train.ids()[k], 0, ids, b * plan.length(), plan.length());
                labels[b] = train.labels()[k];
            }
            return Functions.crossEntropy(c.logits(new Tokens(ids, plan.batch(), plan.length(), null)), labels, -100, 0f);
        }, step -> {
            if (v.gradual()) {
                int trainable = 1 + (step - 1) / every;   // the top group from step 1, one more every `every` steps
                for (int g = 0; g < groups.size() - trainable; g++) {
                    groups.get(g).forEach(Variable::zeroGrad);   // frozen: no gradient, so the optimizer skips it
                }
            }
        }, step -> { });
    }

    private static double accuracy(Classifier c, Examples test) {
        c.eval();
        int ok = 0;
        int length = test.ids()[0].length;
        try (Grad.Scope ignored = Grad.off()) {
            for (int start = 0; start < test.ids().length; start += 64) {
                int n = Math.min(64, test.ids().length - start);
                int[] ids = new int[n * length];
                for (int b = 0; b < n; b++) {
                    System.arraycopy(test.ids()[start + b], 0, ids, b * length, length);
                }
                int[] pred = c.logits(new Tokens(ids, n, length, null)).value().argmax(-1, false).toIntArray();
                for (int b = 0; b < n; b++) {
                    ok += pred[b] == test.labels()[start + b] ? 1 : 0;
                }
            }
        }
        return (double) ok / test.ids().length;
    }

    private static Map<String, Tensor> snapshot(Module m) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        m.namedParameters().forEach((k, v) -> out.put(k, Tensor.of(v.value().contiguous().toArray(), v.value().shape())));
        return out;
    }

    private static void restore(Module m, Map<String, Tensor> state) {
        m.namedParameters().forEach((k, v) -> v.value().assign(state.get(k)));
    }
}
