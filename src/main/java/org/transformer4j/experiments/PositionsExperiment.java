package org.transformer4j.experiments;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.transformer4j.data.NumberWords;
import org.transformer4j.data.Splits;
import org.transformer4j.data.TextPair;
import org.transformer4j.model.EncoderDecoder;
import org.transformer4j.model.TransformerConfig;
import org.transformer4j.nn.LayerSpec.Positions;
import org.transformer4j.nn.NormPlacement;
import org.transformer4j.tensor.Rng;
import org.transformer4j.train.Schedules;

/**
 * Positional encodings compared: sinusoids added (Vaswani et al. 2017) or concatenated, a learned table
 * (Gehring et al. 2017; BERT, GPT-2), rotary (Su et al. 2021), linear biases (ALiBi, Press et al. 2022) and
 * none, on the number task and on length extrapolation: train on numbers of at most k digits, test on
 * longer ones (ALiBi's claim is that it extrapolates where sinusoids and learned tables do not).
 */
public final class PositionsExperiment implements Experiment {
    static final List<Positions> SCHEMES = List.of(Positions.SINUSOIDAL, Positions.SINUSOIDAL_CONCAT, Positions.LEARNED,
            Positions.ROPE, Positions.ALIBI, Positions.NONE);

    /** The sizes of one run. */
    record Plan(int layers, int dModel, int heads, int dFF, int steps, int warmup, double lr, int trainPairs, int testPairs,
                int perLength, int shortDigits, int bpe, int maxTokens) {
        static Plan quick() {
            return new Plan(1, 32, 2, 64, 25, 5, 2e-3, 1500, 12, 6, 4, 300, 600);
        }

        static Plan full() {
            return new Plan(2, 64, 4, 256, 800, 100, 1e-3, 20_000, 300, 100, 4, 400, 1500);
        }
    }

    @Override
    public String name() {
        return "positions";
    }

    @Override
    public String description() {
        return "Positional encodings (sinusoidal added/concatenated, learned, RoPE, ALiBi, none) on the number task and "
                + "on length extrapolation.";
    }

    @Override
    public int defaultSeeds() {
        return 3;
    }

    static String label(Positions p) {
        return switch (p) {
            case SINUSOIDAL -> "sinusoidal, added";
            case SINUSOIDAL_CONCAT -> "sinusoidal, concatenated";
            case LEARNED -> "learned";
            case ROPE -> "RoPE";
            case ALIBI -> "ALiBi";
            case NONE -> "none";
            case SINUSOIDAL_HALVES -> "sinusoidal (halves)";
        };
    }

    static TransformerConfig config(Plan plan, Positions p, int vocab, int maxPositions) {
        TransformerConfig c = TransformerConfig.tinyPaper().withDModel(plan.dModel()).withHeads(plan.heads()).withDFF(plan.dFF())
                .withEncoderLayers(plan.layers()).withDecoderLayers(plan.layers()).withNormPlacement(NormPlacement.PRE)
                .withFinalNorm(null).withDropout(0.1f).withVocabSize(vocab).withMaxPositions(maxPositions);
        if (p == Positions.SINUSOIDAL_CONCAT) {
            // The token embedding is d - d/4 wide, so it cannot double as the output projection.
            return c.withTieOutput(false).withPositions(p).withPositionalDim(plan.dModel() / 4);
        }
        return c.withPositions(p);
    }

    @Override
    public Path run(ExperimentOptions o) throws IOException {
        Plan plan = o.quick() ? Plan.quick() : Plan.full();
        long started = System.nanoTime();
        Report r = new Report(o.out(), name());
        r.heading(1, "Positional encodings: the number task and length extrapolation");
        r.paragraph(ReportText.banner(o, name()));
        r.paragraph("""
                **Claims.** Vaswani et al. (2017) found sinusoidal and learned positions equally good on translation \
                (Table 3, row E) and chose sinusoids hoping they would extrapolate to longer sequences. Press et al. \
                (2022, ALiBi) showed that sinusoidal, rotary and learned positions do not extrapolate well, and linear \
                attention biases do. Without positions an encoder sees a bag of tokens, which should hurt a task whose \
                meaning depends on order ("zweiundvierzig" is 42, not 24).""");
        r.heading(2, "Setup");
        r.table(List.of("setting", "value"), List.of(
                List.of("model", "encoder-decoder, " + plan.layers() + " + " + plan.layers() + " layers, d_model " + plan.dModel()
                        + ", " + plan.heads() + " heads, d_ff " + plan.dFF() + ", Pre-LN, dropout 0.1, Xavier init"),
                List.of("schemes", "sinusoidal added (paper); sinusoidal concatenated (d_model/4 = " + plan.dModel() / 4
                        + " of the width, untied output); learned table; RoPE and ALiBi on self-attention only (cross-"
                        + "attention has no positions); none"),
                List.of("training", plan.steps() + " steps, AdamW (0.9, 0.98, 1e-9, weight decay 0.01), " + plan.warmup()
                        + " warmup steps to " + String.format(Locale.ROOT, "%.0e", plan.lr()) + ", cosine to a tenth, "
                        + "clipping at 1.0, label smoothing 0.1, batches of about " + plan.maxTokens() + " padded tokens"),
                List.of("number task", plan.trainPairs() + " training pairs drawn uniformly over length (1 to 6 digits), "
                        + plan.testPairs() + " held-out test numbers, greedy decoding"),
                List.of("extrapolation", "train on up to " + plan.trainPairs() + " numbers of at most " + plan.shortDigits()
                        + " digits; test " + plan.perLength() + " held-out numbers of each length 1..6 digits"),
                List.of("reversal", "reverse a sequence of digits (\"3 1 4\" -> \"4 1 3\"): train on " + plan.trainPairs()
                        + " random sequences of 1.." + 2 * plan.shortDigits() + " digits, test " + plan.perLength()
                        + " unseen sequences of each length 1.." + 4 * plan.shortDigits()),
                List.of("seeds", o.seeds() == 1 ? "1" : o.seeds() + " (1.." + o.seeds() + "): mean ± sample std (min–max)")));
        List<String> verdicts = new ArrayList<>();
        numberTask(r, o, plan, verdicts);
        extrapolation(r, o, plan, verdicts);
        reversal(r, o, plan, verdicts);
        r.heading(2, ReportText.verdictHeading(o));
        r.bullets(verdicts);
        r.paragraph(ReportText.footer(o, name(), (System.nanoTime() - started) / 1e9));
        return r.write();
    }

    private static EncoderDecoder model(Plan plan, Positions p, TranslationSetup setup, int maxPositions, long seed) {
        return new EncoderDecoder(config(plan, p, setup.vocabSize(), maxPositions), new Rng(seed));
    }

    private static TranslationSetup.Run train(Plan plan, EncoderDecoder model, TranslationSetup setup, long seed,
                                              List<TextPair> dev, int maxLength) {
        return setup.train(model, Schedules.warmupCosine(plan.lr(), plan.warmup(), plan.steps(), plan.lr() / 10), plan.steps(),
                1.0, 0.1f, seed, plan.maxTokens(), dev, 0, maxLength);
    }

    // ---------------------------------------------------------------- the number task

    private void numberTask(Report r, ExperimentOptions o, Plan plan, List<String> verdicts) throws IOException {
        Splits s = NumberWords.splitsByLength(7, plan.trainPairs(), 0, plan.testPairs(), NumberWords.DEFAULT_MAX);
        TranslationSetup setup = TranslationSetup.of(s.train(), plan.bpe());
        int maxLength = setup.longest(s.test()) + 8;
        int maxPositions = Math.max(setup.longest(), maxLength) + 8;
        r.heading(2, "The number task");
        List<List<String>> rows = new ArrayList<>();
        LinePlot loss = LinePlot.of("Training loss (smoothed), number task, seed 1", "step", "cross-entropy").withLogY(true);
        Map<Positions, Stats> exact = new LinkedHashMap<>();
        for (Positions p : SCHEMES) {
            double[] em = new double[o.seeds()];
            double[] bleu = new double[o.seeds()];
            double[] fin = new double[o.seeds()];
            for (int i = 0; i < o.seeds(); i++) {
                long seed = o.seedList()[i];
                TranslationSetup.Run run = train(plan, model(plan, p, setup, maxPositions, seed), setup, seed, s.test(),
                        maxLength);
                em[i] = run.finalExact();
                bleu[i] = run.finalBleu();
                fin[i] = run.curve().finalLoss(0.1);
                if (i == 0) {
                    loss = loss.withSeries(label(p), run.curve().steps(), run.curve().smoothed(0.1));
                }
                o.log(String.format(Locale.ROOT, "positions: number task, %s, seed %d: exact %s, BLEU %s (%.0f s)", label(p), seed,
                        Report.percent(em[i]), Report.num(bleu[i], 1), run.curve().seconds()));
            }
            exact.put(p, Stats.of(em));
            rows.add(List.of(label(p), Stats.of(fin).format(3, 1), Stats.of(em).format(1, 100), Stats.of(bleu).format(1, 1)));
        }
        r.table(List.of("positions", "final training loss", "test exact match %", "test BLEU"), rows);
        r.plot(loss, "loss-numbers", "Training loss on the number task, one line per positional scheme (seed 1)");
        double sin = exact.get(Positions.SINUSOIDAL).mean();
        double learned = exact.get(Positions.LEARNED).mean();
        double none = exact.get(Positions.NONE).mean();
        double best = exact.values().stream().mapToDouble(Stats::mean).max().orElse(Double.NaN);
        verdicts.add(String.format(Locale.ROOT, "Sinusoidal and learned positions about equally good (Vaswani et al., Table 3 "
                + "row E): exact match %.1f%% vs %.1f%%; within 5 points: %s.", 100 * sin, 100 * learned,
                Math.abs(sin - learned) <= 0.05 ? "**yes, reproduced**" : "**no, not reproduced**"));
        verdicts.add(String.format(Locale.ROOT, "No positions hurts a word-order task: exact match %.1f%% vs the best scheme's "
                + "%.1f%%; more than 5 points lower: %s.", 100 * none, 100 * best,
                best - none > 0.05 ? "**yes, as expected**" : "**no**"));
    }

    // ---------------------------------------------------------------- length extrapolation

    private void extrapolation(Report r, ExperimentOptions o, Plan plan, List<String> verdicts) throws IOException {
        int k = plan.shortDigits();
        int max = (int) Math.pow(10, k) - 1;
        // Drawing by length needs at most half the range: 4,500 of the 10,000 numbers below 10^4.
        int trainCount = Math.min(plan.trainPairs(), (max + 1) / 2 - (max + 1) / 20);
        List<TextPair> train = NumberWords.splitsByLength(11, trainCount, 0, 0, max).train();
        Set<String> seen = new HashSet<>();
        train.forEach(p -> seen.add(p.source()));
        Map<Integer, List<TextPair>> byLength = new LinkedHashMap<>();
        Rng rng = new Rng(13);
        for (int d = 1; d <= 6; d++) {
            byLength.put(d, heldOut(d, plan.perLength(), seen, rng));
        }
        LengthTest lt = LengthTest.of(train, byLength, plan);
        TranslationSetup setup = lt.setup();
        List<TextPair> all = lt.all();
        r.heading(2, "Length extrapolation");
        r.paragraph(String.format(Locale.ROOT, "Trained on numbers of at most %d digits (the longest training example is %d "
                + "tokens); tested on held-out numbers of every length, up to %d tokens. A learned table's rows past the "
                + "training lengths keep their random initial values.", k, setup.longest(), setup.longest(all)));
        List<String> headers = new ArrayList<>(List.of("positions"));
        for (int d = 1; d <= 6; d++) {
            headers.add(d + (d == 1 ? " digit" : " digits") + (d > k ? " (longer)" : "") + " exact %");
        }
        List<List<String>> rows = new ArrayList<>();
        LinePlot plot = LinePlot.of("Exact match by number length, trained on at most " + k + " digits (mean over seeds)",
                "digits", "exact match %");
        Map<Positions, double[]> longer = new LinkedHashMap<>();
        for (Positions p : SCHEMES) {
            double[][] em = lt.exactByLength(o, plan, p, "extrapolation", k, k + 1);
            List<String> row = new ArrayList<>(List.of(label(p)));
            double[] x = new double[6];
            double[] y = new double[6];
            for (int d = 1; d <= 6; d++) {
                Stats st = Stats.of(em[d - 1]);
                row.add(byLength.get(d).isEmpty() ? "n/a (all in training)" : st.format(1, 100));
                x[d - 1] = d;
                y[d - 1] = 100 * st.mean();
            }
            rows.add(row);
            plot = plot.withSeries(label(p), x, y);
            longer.put(p, new double[] {Stats.of(em[k - 1]).mean(), Stats.of(em[Math.min(5, k)]).mean()});
        }
        r.table(headers, rows);
        r.plot(plot, "extrapolation", "Exact match by number length; numbers longer than " + k + " digits were never seen in "
                + "training");
        double alibi = longer.get(Positions.ALIBI)[1];
        double others = longer.entrySet().stream().filter(e -> e.getKey() != Positions.ALIBI && e.getKey() != Positions.NONE)
                .mapToDouble(e -> e.getValue()[1]).max().orElse(Double.NaN);
        verdicts.add(String.format(Locale.ROOT, "ALiBi extrapolates best (Press et al. 2022): exact match on %d-digit numbers "
                + "%.1f%% vs the best of sinusoidal/concatenated/learned/RoPE %.1f%%; ALiBi ahead: %s.", k + 1, 100 * alibi,
                100 * others, alibi > others ? "**yes, reproduced**" : "**no, not reproduced**"));
    }

    // ---------------------------------------------------------------- length extrapolation, same structure

    /**
     * The number task's longer numbers need forms no shorter number has ("zweiundvierzigtausend"), so failing on
     * them mixes length with composition. Reversing digit sequences has one rule at every length: trained on
     * sequences of at most n digits, tested on up to 2n, only the length is new.
     */
    private void reversal(Report r, ExperimentOptions o, Plan plan, List<String> verdicts) throws IOException {
        int shortest = 2 * plan.shortDigits();
        int longest = 2 * shortest;
        Rng rng = new Rng(17);
        Set<String> seen = new HashSet<>();
        List<TextPair> train = new ArrayList<>();
        for (int i = 0; i < plan.trainPairs(); i++) {
            TextPair pair = reversalPair(rng, 1 + rng.nextInt(shortest));
            train.add(pair);
            seen.add(pair.source());
        }
        Map<Integer, List<TextPair>> byLength = new LinkedHashMap<>();
        for (int n = 1; n <= longest; n++) {
            List<TextPair> test = new ArrayList<>();
            for (int tries = 0; test.size() < plan.perLength() && tries < 50 * plan.perLength(); tries++) {
                TextPair pair = reversalPair(rng, n);
                if (seen.add(pair.source())) {
                    test.add(pair);
                }
            }
            byLength.put(n, test);
        }
        LengthTest lt = LengthTest.of(train, byLength, plan);
        TranslationSetup setup = lt.setup();
        List<TextPair> all = lt.all();
        r.heading(2, "Length extrapolation on digit reversal");
        r.paragraph(String.format(Locale.ROOT, "The number task's longer numbers need word forms that no shorter number has "
                + "(\"zweiundvierzigtausend\"), so its extrapolation test mixes length with composition. Reversing a sequence "
                + "of digits follows one rule at every length: trained on sequences of 1 to %d digits (the longest training "
                + "example is %d tokens), tested on unseen sequences of every length up to %d digits (%d tokens), only the "
                + "length is new. Very short sequences may all occur in training; those lengths are marked n/a.",
                shortest, setup.longest(), longest, setup.longest(all)));
        List<String> headers = new ArrayList<>(List.of("positions"));
        List<Integer> shown = new ArrayList<>();
        for (int n = 2; n <= longest; n += 2) {
            shown.add(n);
            headers.add(n + " digits" + (n > shortest ? " (longer)" : "") + " exact %");
        }
        List<List<String>> rows = new ArrayList<>();
        LinePlot plot = LinePlot.of("Digit reversal: exact match by length, trained on at most " + shortest + " digits "
                + "(mean over seeds)", "digits", "exact match %");
        Map<Positions, Double> beyond = new LinkedHashMap<>();
        for (Positions p : SCHEMES) {
            double[][] em = lt.exactByLength(o, plan, p, "reversal", shortest, shortest + 2);
            List<String> row = new ArrayList<>(List.of(label(p)));
            for (int n : shown) {
                row.add(byLength.get(n).isEmpty() ? "n/a (all in training)" : Stats.of(em[n - 1]).format(1, 100));
            }
            rows.add(row);
            double[] x = new double[longest];
            double[] y = new double[longest];
            double sum = 0;
            for (int n = 1; n <= longest; n++) {
                x[n - 1] = n;
                y[n - 1] = 100 * Stats.of(em[n - 1]).mean();
                if (n > shortest) {
                    sum += Stats.of(em[n - 1]).mean();
                }
            }
            plot = plot.withSeries(label(p), x, y);
            beyond.put(p, sum / (longest - shortest));
        }
        r.table(headers, rows);
        r.plot(plot, "reversal", "Digit reversal, exact match by length; sequences longer than " + shortest + " digits were "
                + "never seen in training");
        double alibi = beyond.get(Positions.ALIBI);
        double others = beyond.entrySet().stream().filter(e -> e.getKey() != Positions.ALIBI && e.getKey() != Positions.NONE)
                .mapToDouble(Map.Entry::getValue).max().orElse(Double.NaN);
        verdicts.add(String.format(Locale.ROOT, "On digit reversal, where only the length is new, ALiBi extrapolates best: "
                + "mean exact match over %d to %d digits %.1f%% vs the best of sinusoidal/concatenated/learned/RoPE %.1f%%; "
                + "ALiBi ahead: %s.", shortest + 1, longest, 100 * alibi, 100 * others,
                alibi > others ? "**yes, reproduced**" : "**no, not reproduced**"));
    }

    /** A random sequence of n digits, space-separated, and its reverse. */
    static TextPair reversalPair(Rng rng, int n) {
        StringBuilder src = new StringBuilder();
        int[] digits = new int[n];
        for (int i = 0; i < n; i++) {
            digits[i] = rng.nextInt(10);
            src.append(i == 0 ? "" : " ").append(digits[i]);
        }
        StringBuilder tgt = new StringBuilder();
        for (int i = n - 1; i >= 0; i--) {
            tgt.append(i == n - 1 ? "" : " ").append(digits[i]);
        }
        return new TextPair(src.toString(), tgt.toString());
    }

    /**
     * A length test: the data set up from the training pairs, the test pairs by length (1, 2, ...), and the decoding
     * and position limits that fit the longest of them.
     */
    private record LengthTest(TranslationSetup setup, Map<Integer, List<TextPair>> byLength, List<TextPair> all,
                              int maxLength, int maxPositions) {
        static LengthTest of(List<TextPair> train, Map<Integer, List<TextPair>> byLength, Plan plan) {
            TranslationSetup setup = TranslationSetup.of(train, plan.bpe());
            List<TextPair> all = byLength.values().stream().flatMap(List::stream).toList();
            int maxLength = setup.longest(all) + 8;
            return new LengthTest(setup, byLength, all, maxLength, Math.max(setup.longest(), maxLength) + 8);
        }

        /** Exact match [length - 1][seed] of scheme p trained once per seed; NaN where a length has no test or a run diverged. */
        double[][] exactByLength(ExperimentOptions o, Plan plan, Positions p, String task, int a, int b) {
            double[][] em = new double[byLength.size()][o.seeds()];
            for (int i = 0; i < o.seeds(); i++) {
                long seed = o.seedList()[i];
                EncoderDecoder model = model(plan, p, setup, maxPositions, seed);
                TranslationSetup.Run run = train(plan, model, setup, seed, List.of(), maxLength);
                for (int n = 1; n <= byLength.size(); n++) {
                    List<TextPair> test = byLength.get(n);
                    em[n - 1][i] = test.isEmpty() || run.curve().diverged() != null ? Double.NaN
                            : setup.evaluate(model, test, maxLength).exactMatch();
                }
                o.log(String.format(Locale.ROOT, "positions: %s, %s, seed %d: %d digits %s, %d digits %s (%.0f s)", task,
                        label(p), seed, a, Report.percent(em[a - 1][i]), b, Report.percent(em[b - 1][i]),
                        run.curve().seconds()));
            }
            return em;
        }
    }

    /** count numbers of d digits whose source is not in seen (all of them when fewer exist), in a seeded order. */
    static List<TextPair> heldOut(int digits, int count, Set<String> seen, Rng rng) {
        int lo = digits == 1 ? 0 : (int) Math.pow(10, digits - 1);
        int hi = (int) Math.pow(10, digits) - 1;
        List<TextPair> out = new ArrayList<>();
        Set<Integer> used = new HashSet<>();
        int span = hi - lo + 1;
        for (int tries = 0; out.size() < count && tries < 20 * count + 4 * span; tries++) {
            int n = lo + rng.nextInt(span);
            TextPair p = NumberWords.pair(n);
            if (used.add(n) && !seen.contains(p.source())) {
                out.add(p);
            }
        }
        return out;
    }
}
