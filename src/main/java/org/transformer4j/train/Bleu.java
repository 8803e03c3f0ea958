package org.transformer4j.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Corpus BLEU as sacreBLEU computes it by default (Papineni et al. 2002; Post 2018): the "13a" tokenizer of
 * mteval-v13a.pl, case-sensitive, n-grams up to 4 clipped against the references, the brevity penalty
 * against the closest reference length, and the NIST "exp" smoothing of zero precisions.
 *
 * <pre>{@code
 * double bleu = Bleu.corpus(hypotheses, references).score();   // 0..100
 * }</pre>
 */
public final class Bleu {
    /** The highest n-gram order. */
    public static final int MAX_ORDER = 4;

    /** sacreBLEU's default value for {@link Smoothing#FLOOR}. */
    public static final double FLOOR_VALUE = 0.1;

    private Bleu() {
    }

    /** How a zero n-gram precision is treated (sacreBLEU's smooth_method; Chen and Cherry 2014). */
    public enum Smoothing {
        /** No smoothing: a zero precision makes the score 0. */
        NONE,
        /** Method 1: a zero count becomes {@link #FLOOR_VALUE} matches. */
        FLOOR,
        /** Method 3, mteval-v13a's: the i-th zero precision becomes 1 / (2^i total); sacreBLEU's default. */
        EXP
    }

    /**
     * The result in sacreBLEU's terms: score 0..100, the n-gram precisions in percent, the brevity penalty,
     * the hypothesis and effective reference lengths in tokens, and the clipped matches and totals per order.
     */
    public record Result(double score, double[] precisions, double bp, long sysLen, long refLen, long[] correct,
                         long[] total) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT,
                    "BLEU = %.2f %.1f/%.1f/%.1f/%.1f (BP = %.3f ratio = %.3f hyp_len = %d ref_len = %d)",
                    score, precisions[0], precisions[1], precisions[2], precisions[3], bp,
                    refLen == 0 ? 0.0 : (double) sysLen / refLen, sysLen, refLen);
        }
    }

    /** Corpus BLEU with one reference per hypothesis, 13a tokenization and "exp" smoothing. */
    public static Result corpus(List<String> hypotheses, List<String> references) {
        if (hypotheses.size() != references.size()) {
            throw new IllegalArgumentException("BLEU: " + hypotheses.size() + " hypotheses but " + references.size()
                    + " references");
        }
        return corpusMultiRef(hypotheses, references.stream().map(List::of).toList(), Smoothing.EXP);
    }

    /**
     * Corpus BLEU with any number of references per hypothesis (references.get(i) are those of hypothesis
     * i; sacreBLEU takes the same data as reference streams), 13a tokenization and the given smoothing.
     */
    public static Result corpusMultiRef(List<String> hypotheses, List<List<String>> references, Smoothing smoothing) {
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
            hyps.add(words(tokenize13a(rstrip(hypotheses.get(i)))));
            List<List<String>> r = new ArrayList<>();
            for (String ref : references.get(i)) {
                r.add(words(tokenize13a(rstrip(ref))));
            }
            refs.add(r);
        }
        return fromTokens(hyps, refs, smoothing);
    }

    /** Corpus BLEU of already tokenized sentences (no 13a step). */
    public static Result fromTokens(List<List<String>> hypotheses, List<List<List<String>>> references,
                                    Smoothing smoothing) {
        if (hypotheses.size() != references.size()) {
            throw new IllegalArgumentException("BLEU: " + hypotheses.size() + " hypotheses but " + references.size()
                    + " reference lists");
        }
        long[] correct = new long[MAX_ORDER];
        long[] total = new long[MAX_ORDER];
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
                ngrams(refs.get(j)).forEach((g, c) -> maxRefCounts.merge(g, c, Math::max));
            }
            sysLen += hyp.size();
            refLen += closestRefLength(hyp.size(), refLens);
            for (Map.Entry<List<String>, Integer> e : ngrams(hyp).entrySet()) {
                int order = e.getKey().size() - 1;
                total[order] += e.getValue();
                correct[order] += Math.min(e.getValue(), maxRefCounts.getOrDefault(e.getKey(), 0));
            }
        }
        return fromStatistics(correct, total, sysLen, refLen, smoothing);
    }

    /** The score from corpus statistics, as sacreBLEU's compute_bleu (max order 4, no effective order). */
    public static Result fromStatistics(long[] correct, long[] total, long sysLen, long refLen, Smoothing smoothing) {
        if (correct.length != MAX_ORDER || total.length != MAX_ORDER) {
            throw new IllegalArgumentException("BLEU statistics need " + MAX_ORDER + " orders, got " + correct.length
                    + " and " + total.length);
        }
        double bp = sysLen >= refLen ? 1.0 : sysLen > 0 ? Math.exp(1.0 - (double) refLen / sysLen) : 0.0;
        double[] precisions = new double[MAX_ORDER];
        boolean anyMatch = false;
        for (long c : correct) {
            anyMatch |= c > 0;
        }
        if (!anyMatch) {
            return new Result(0.0, precisions, bp, sysLen, refLen, correct.clone(), total.clone());
        }
        double smoothExp = 1.0;
        for (int n = 0; n < MAX_ORDER; n++) {
            if (total[n] == 0) {
                break;   // no n-grams of this order at all: the remaining precisions stay 0 and so does the score
            }
            if (correct[n] > 0) {
                precisions[n] = 100.0 * correct[n] / total[n];
            } else if (smoothing == Smoothing.EXP) {
                smoothExp *= 2;
                precisions[n] = 100.0 / (smoothExp * total[n]);
            } else if (smoothing == Smoothing.FLOOR) {
                precisions[n] = 100.0 * FLOOR_VALUE / total[n];
            }
        }
        double logSum = 0;
        for (double p : precisions) {
            logSum += p == 0 ? -9_999_999_999.0 : Math.log(p);   // sacreBLEU's my_log
        }
        double score = bp * Math.exp(logSum / MAX_ORDER);
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

    /** Counts of all n-grams of orders 1..4. */
    static Map<List<String>, Integer> ngrams(List<String> words) {
        Map<List<String>, Integer> counts = new HashMap<>();
        for (int n = 1; n <= MAX_ORDER; n++) {
            for (int i = 0; i + n <= words.size(); i++) {
                counts.merge(List.copyOf(words.subList(i, i + n)), 1, Integer::sum);
            }
        }
        return counts;
    }

    // mteval-v13a's rules. Symbols: the ASCII ranges {-~, [-`, space-&, (-+, :-@ and '/', i.e. every ASCII
    // punctuation mark except the apostrophe, comma, hyphen and period.
    private static final Pattern SYMBOL = Pattern.compile("([\\{-\\~\\[-\\` -\\&\\(-\\+\\:-\\@\\/])");
    private static final Pattern PERIOD_COMMA_AFTER_NON_DIGIT = Pattern.compile("([^0-9])([\\.,])");
    private static final Pattern PERIOD_COMMA_BEFORE_NON_DIGIT = Pattern.compile("([\\.,])([^0-9])");
    private static final Pattern DASH_AFTER_DIGIT = Pattern.compile("([0-9])(-)");

    /**
     * The 13a tokenizer (mteval-v13a.pl as sacreBLEU applies it): drop {@code <skipped>}, join "-\n" line
     * breaks, newlines to spaces, unescape {@code &quot; &amp; &lt; &gt;}; then, on the line padded with a
     * space on each side: split off every ASCII symbol except ' , - .; split a period or comma unless it has a
     * digit before it, and again unless it has a digit after it (so "3.5" and "1,000" stay whole but "end."
     * and "5." split); split a hyphen that follows a digit; finally collapse whitespace.
     */
    public static String tokenize13a(String line) {
        String s = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ");
        if (s.indexOf('&') >= 0) {
            s = s.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
        }
        s = " " + s + " ";
        s = SYMBOL.matcher(s).replaceAll(" $1 ");
        s = PERIOD_COMMA_AFTER_NON_DIGIT.matcher(s).replaceAll("$1 $2 ");
        s = PERIOD_COMMA_BEFORE_NON_DIGIT.matcher(s).replaceAll(" $1 $2");
        s = DASH_AFTER_DIGIT.matcher(s).replaceAll("$1 $2 ");
        return String.join(" ", words(s));
    }

    /** Whitespace-separated words, with whitespace as Python's str.split() sees it. */
    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < s.length(); i++) {
            boolean space = isPythonSpace(s.charAt(i));
            if (space && start >= 0) {
                out.add(s.substring(start, i));
                start = -1;
            } else if (!space && start < 0) {
                start = i;
            }
        }
        if (start >= 0) {
            out.add(s.substring(start));
        }
        return out;
    }

    /** Python's str.rstrip(): sacreBLEU strips trailing whitespace before tokenizing. */
    private static String rstrip(String s) {
        int end = s.length();
        while (end > 0 && isPythonSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    private static boolean isPythonSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
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
