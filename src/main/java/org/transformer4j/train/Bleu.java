package org.transformer4j.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Corpus and sentence BLEU as sacreBLEU computes them (Papineni et al. 2002; Post 2018). The defaults are
 * sacreBLEU's: the "13a" tokenizer of mteval-v13a.pl, case-sensitive, n-grams up to 4 clipped against the
 * best reference, the brevity penalty against the closest reference length, and the NIST "exp"
 * smoothing of zero precisions. {@link Settings} covers sacreBLEU's other options (tokenize none, intl,
 * char; smoothing none, floor, add-k; lowercase; effective order; max n-gram order), and the test checks
 * the values sacreBLEU's own test suite asserts.
 *
 * <pre>{@code
 * double bleu = Bleu.corpus(hypotheses, references).score();   // 0..100
 * Bleu.Result r = Bleu.corpusMultiRef(hyps, refsPerHyp, Bleu.Settings.DEFAULT.withTokenizer(BleuTokenizer.INTL));
 * }</pre>
 */
public final class Bleu {
    /** sacreBLEU's default n-gram order. */
    public static final int MAX_ORDER = 4;

    /** sacreBLEU's default value for {@link Smoothing#FLOOR}. */
    public static final double FLOOR_VALUE = 0.1;

    /** sacreBLEU's default value for {@link Smoothing#ADD_K}. */
    public static final double ADD_K_VALUE = 1.0;

    private Bleu() {
    }

    /** How a zero n-gram precision is treated (sacreBLEU's smooth_method; Chen and Cherry 2014). */
    public enum Smoothing {
        /** No smoothing: a zero precision makes the score 0. */
        NONE,
        /** Method 1: a zero count becomes smoothValue matches (default {@link #FLOOR_VALUE}). */
        FLOOR,
        /** Method 2: orders 2 and up get smoothValue added to matches and totals (default {@link #ADD_K_VALUE}). */
        ADD_K,
        /** Method 3, mteval-v13a's: the i-th zero precision becomes 1 / (2^i total); sacreBLEU's default. */
        EXP
    }

    /**
     * sacreBLEU's options.
     *
     * @param tokenizer      applied to hypotheses and references after right-stripping (and lower-casing)
     * @param smoothing      treatment of zero precisions
     * @param smoothValue    the value of FLOOR or ADD_K; NaN for that method's default
     * @param lowercase      compare case-insensitively
     * @param effectiveOrder average only over the orders that have n-grams (sacreBLEU's sentence BLEU)
     * @param maxOrder       the highest n-gram order
     */
    public record Settings(BleuTokenizer tokenizer, Smoothing smoothing, double smoothValue, boolean lowercase,
                           boolean effectiveOrder, int maxOrder) {
        /** sacreBLEU's corpus_score defaults. */
        public static final Settings DEFAULT = new Settings(BleuTokenizer.THIRTEEN_A, Smoothing.EXP, Double.NaN, false,
                false, MAX_ORDER);

        public Settings {
            if (maxOrder < 1) {
                throw new IllegalArgumentException("BLEU max order must be >= 1, got " + maxOrder);
            }
            if (smoothValue < 0) {
                throw new IllegalArgumentException("BLEU smooth value must be >= 0, got " + smoothValue);
            }
        }

        public Settings withTokenizer(BleuTokenizer t) {
            return new Settings(t, smoothing, smoothValue, lowercase, effectiveOrder, maxOrder);
        }

        /** A smoothing method with its default value. */
        public Settings withSmoothing(Smoothing s) {
            return new Settings(tokenizer, s, Double.NaN, lowercase, effectiveOrder, maxOrder);
        }

        public Settings withSmoothing(Smoothing s, double value) {
            return new Settings(tokenizer, s, value, lowercase, effectiveOrder, maxOrder);
        }

        public Settings withLowercase(boolean on) {
            return new Settings(tokenizer, smoothing, smoothValue, on, effectiveOrder, maxOrder);
        }

        public Settings withEffectiveOrder(boolean on) {
            return new Settings(tokenizer, smoothing, smoothValue, lowercase, on, maxOrder);
        }

        public Settings withMaxOrder(int n) {
            return new Settings(tokenizer, smoothing, smoothValue, lowercase, effectiveOrder, n);
        }

        double floorValue() {
            return Double.isNaN(smoothValue) ? FLOOR_VALUE : smoothValue;
        }

        double addKValue() {
            return Double.isNaN(smoothValue) ? ADD_K_VALUE : smoothValue;
        }
    }

    /**
     * The result in sacreBLEU's terms: score 0..100, the n-gram precisions in percent, the brevity penalty,
     * the hypothesis and effective reference lengths in tokens, and the clipped matches and totals per order.
     */
    public record Result(double score, double[] precisions, double bp, long sysLen, long refLen, long[] correct,
                         long[] total) {
        @Override
        public String toString() {
            StringBuilder p = new StringBuilder();
            for (double x : precisions) {
                p.append(p.isEmpty() ? "" : "/").append(String.format(Locale.ROOT, "%.1f", x));
            }
            return String.format(Locale.ROOT, "BLEU = %.2f %s (BP = %.3f ratio = %.3f hyp_len = %d ref_len = %d)",
                    score, p, bp, refLen == 0 ? 0.0 : (double) sysLen / refLen, sysLen, refLen);
        }
    }

    /** Corpus BLEU with one reference per hypothesis and sacreBLEU's defaults. */
    public static Result corpus(List<String> hypotheses, List<String> references) {
        if (hypotheses.size() != references.size()) {
            throw new IllegalArgumentException("BLEU: " + hypotheses.size() + " hypotheses but " + references.size()
                    + " references");
        }
        return corpusMultiRef(hypotheses, references.stream().map(List::of).toList(), Settings.DEFAULT);
    }

    /** Corpus BLEU with any number of references per hypothesis, 13a tokenization and the given smoothing. */
    public static Result corpusMultiRef(List<String> hypotheses, List<List<String>> references, Smoothing smoothing) {
        return corpusMultiRef(hypotheses, references, Settings.DEFAULT.withSmoothing(smoothing));
    }

    /**
     * Corpus BLEU with any number of references per hypothesis: references.get(i) are those of hypothesis
     * i (sacreBLEU takes the same data as reference streams, one list per reference set).
     */
    public static Result corpusMultiRef(List<String> hypotheses, List<List<String>> references, Settings settings) {
        if (hypotheses.size() != references.size()) {
            throw new IllegalArgumentException("BLEU: " + hypotheses.size() + " hypotheses but " + references.size()
                    + " reference lists");
        }
        List<List<String>> hyps = new ArrayList<>(hypotheses.size());
        List<List<List<String>>> refs = new ArrayList<>(references.size());
        for (int i = 0; i < hypotheses.size(); i++) {
            if (references.get(i).isEmpty()) {
                throw new IllegalArgumentException("BLEU: hypothesis " + i + " has no reference");
            }
            hyps.add(tokens(hypotheses.get(i), settings));
            List<List<String>> r = new ArrayList<>();
            for (String ref : references.get(i)) {
                r.add(tokens(ref, settings));
            }
            refs.add(r);
        }
        return fromTokens(hyps, refs, settings);
    }

    /** Sentence BLEU as sacreBLEU's sentence_score: one hypothesis, effective order on. */
    public static Result sentence(String hypothesis, List<String> references, Settings settings) {
        return corpusMultiRef(List.of(hypothesis), List.of(references), settings.withEffectiveOrder(true));
    }

    private static List<String> tokens(String line, Settings settings) {
        String s = settings.lowercase() ? line.toLowerCase(Locale.ROOT) : line;
        return settings.tokenizer().tokens(BleuTokenizer.rstrip(s));
    }

    /** Corpus BLEU of already tokenized sentences (no tokenizer step). */
    public static Result fromTokens(List<List<String>> hypotheses, List<List<List<String>>> references, Settings settings) {
        if (hypotheses.size() != references.size()) {
            throw new IllegalArgumentException("BLEU: " + hypotheses.size() + " hypotheses but " + references.size()
                    + " reference lists");
        }
        int orders = settings.maxOrder();
        long[] correct = new long[orders];
        long[] total = new long[orders];
        long sysLen = 0;
        long refLen = 0;
        for (int i = 0; i < hypotheses.size(); i++) {
            List<String> hyp = hypotheses.get(i);
            List<List<String>> refs = references.get(i);
            if (refs.isEmpty()) {
                throw new IllegalArgumentException("BLEU: hypothesis " + i + " has no reference");
            }
            Map<List<String>, Integer> maxRefCounts = new HashMap<>();
            int[] refLens = new int[refs.size()];
            for (int j = 0; j < refs.size(); j++) {
                refLens[j] = refs.get(j).size();
                ngrams(refs.get(j), orders).forEach((g, c) -> maxRefCounts.merge(g, c, Math::max));
            }
            sysLen += hyp.size();
            refLen += closestRefLength(hyp.size(), refLens);
            for (Map.Entry<List<String>, Integer> e : ngrams(hyp, orders).entrySet()) {
                int order = e.getKey().size() - 1;
                total[order] += e.getValue();
                correct[order] += Math.min(e.getValue(), maxRefCounts.getOrDefault(e.getKey(), 0));
            }
        }
        return fromStatistics(correct, total, sysLen, refLen, settings);
    }

    /** The score from corpus statistics with sacreBLEU's default settings and the given smoothing. */
    public static Result fromStatistics(long[] correct, long[] total, long sysLen, long refLen, Smoothing smoothing) {
        return fromStatistics(correct, total, sysLen, refLen, Settings.DEFAULT.withSmoothing(smoothing));
    }

    /** The score from corpus statistics, as sacreBLEU's compute_bleu (one entry per order in correct and total). */
    public static Result fromStatistics(long[] correct, long[] total, long sysLen, long refLen, Settings settings) {
        int orders = settings.maxOrder();
        if (correct.length != orders || total.length != orders) {
            throw new IllegalArgumentException("BLEU statistics need " + orders + " orders, got " + correct.length
                    + " and " + total.length);
        }
        double bp = sysLen >= refLen ? 1.0 : sysLen > 0 ? Math.exp(1.0 - (double) refLen / sysLen) : 0.0;
        double[] precisions = new double[orders];
        boolean anyMatch = false;
        for (long c : correct) {
            anyMatch |= c > 0;
        }
        if (!anyMatch) {
            return new Result(0.0, precisions, bp, sysLen, refLen, correct.clone(), total.clone());
        }
        double smoothExp = 1.0;
        int effectiveOrder = orders;
        for (int n = 0; n < orders; n++) {
            double c = correct[n];
            double t = total[n];
            if (settings.smoothing() == Smoothing.ADD_K && n > 0) {
                c += settings.addKValue();
                t += settings.addKValue();
            }
            if (t == 0) {
                break;   // no n-grams of this order at all: the remaining precisions stay 0
            }
            if (settings.effectiveOrder()) {
                effectiveOrder = n + 1;
            }
            if (c > 0) {
                precisions[n] = 100.0 * c / t;
            } else if (settings.smoothing() == Smoothing.EXP) {
                smoothExp *= 2;
                precisions[n] = 100.0 / (smoothExp * t);
            } else if (settings.smoothing() == Smoothing.FLOOR) {
                precisions[n] = 100.0 * settings.floorValue() / t;
            }
        }
        double logSum = 0;
        for (int n = 0; n < effectiveOrder; n++) {
            logSum += precisions[n] == 0 ? -9_999_999_999.0 : Math.log(precisions[n]);   // sacreBLEU's my_log
        }
        double score = bp * Math.exp(logSum / effectiveOrder);
        return new Result(score, precisions, bp, sysLen, refLen, correct.clone(), total.clone());
    }

    /** The reference length closest to the hypothesis length; the shorter one on a tie. */
    static int closestRefLength(int hypLen, int[] refLens) {
        int best = refLens[0];
        for (int len : refLens) {
            int d = Math.abs(hypLen - len);
            int bestD = Math.abs(hypLen - best);
            if (d < bestD || (d == bestD && len < best)) {
                best = len;
            }
        }
        return best;
    }

    /** Counts of all n-grams of orders 1..maxOrder. */
    static Map<List<String>, Integer> ngrams(List<String> words, int maxOrder) {
        Map<List<String>, Integer> counts = new HashMap<>();
        for (int n = 1; n <= maxOrder; n++) {
            for (int i = 0; i + n <= words.size(); i++) {
                counts.merge(List.copyOf(words.subList(i, i + n)), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** The 13a tokenization of a line as one string (see {@link BleuTokenizer#tokenize13a}). */
    public static String tokenize13a(String line) {
        return BleuTokenizer.tokenize13a(line);
    }

    /** The fraction (0..1) of hypotheses exactly equal to their reference strings. */
    public static double exactMatch(List<String> hypotheses, List<String> references) {
        if (hypotheses.size() != references.size() || hypotheses.isEmpty()) {
            throw new IllegalArgumentException("exactMatch needs equally many hypotheses and references, at least one; got "
                    + hypotheses.size() + " and " + references.size());
        }
        int same = 0;
        for (int i = 0; i < hypotheses.size(); i++) {
            same += hypotheses.get(i).equals(references.get(i)) ? 1 : 0;
        }
        return (double) same / hypotheses.size();
    }

    /**
     * Token accuracy (0..1): tokens equal to the reference token at the same position, over all reference
     * tokens (a missing hypothesis token counts as wrong, an extra one is ignored).
     */
    public static double tokenAccuracy(int[][] hypotheses, int[][] references) {
        if (hypotheses.length != references.length) {
            throw new IllegalArgumentException("tokenAccuracy: " + hypotheses.length + " hypotheses but "
                    + references.length + " references");
        }
        long same = 0;
        long all = 0;
        for (int i = 0; i < references.length; i++) {
            int[] h = hypotheses[i];
            int[] r = references[i];
            all += r.length;
            for (int t = 0; t < Math.min(h.length, r.length); t++) {
                same += h[t] == r[t] ? 1 : 0;
            }
        }
        if (all == 0) {
            throw new IllegalArgumentException("tokenAccuracy: the " + references.length + " references hold no tokens");
        }
        return (double) same / all;
    }
}
