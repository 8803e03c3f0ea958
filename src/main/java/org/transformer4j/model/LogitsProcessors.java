package org.transformer4j.model;

import java.util.Arrays;
import org.transformer4j.tensor.Rng;

/**
 * The steps between a language model's next-token logits and the chosen token, each as Hugging Face
 * transformers' logits processor of the same name defines it and in the order its {@code generate} applies
 * them: repetition penalty, temperature, top-k, top-p, then a draw from the softmax (or, greedy, the argmax).
 * Each works in place on one vocabulary-sized row of float32 scores; removed tokens become -inf.
 *
 * <pre>{@code
 * LogitsProcessors.repetitionPenalty(scores, idsSoFar, 1.2f);
 * LogitsProcessors.temperature(scores, 0.8f);
 * LogitsProcessors.topK(scores, 40);
 * LogitsProcessors.topP(scores, 0.95);
 * int next = LogitsProcessors.sample(scores, rng);
 * }</pre>
 *
 * <p>Checked against the same processors written in torch (tools/make_sampling_fixtures.py).
 */
public final class LogitsProcessors {
    private LogitsProcessors() {
    }

    /**
     * CTRL's repetition penalty (Keskar et al. 2019, as HF's RepetitionPenaltyLogitsProcessor): the score of
     * every id occurring in {@code ids} (the prompt and what was generated so far; repeats count once) is
     * multiplied by the penalty when negative and divided by it otherwise, so a penalty above 1 makes
     * repeats less likely. Products and quotients are float32, as HF's.
     */
    public static void repetitionPenalty(float[] scores, int[] ids, float penalty) {
        if (!(penalty > 0) || Float.isInfinite(penalty)) {
            throw new IllegalArgumentException("repetition penalty must be a positive number, got " + penalty);
        }
        boolean[] seen = new boolean[scores.length];
        for (int id : ids) {
            checkId(id, scores.length);
            if (!seen[id]) {
                seen[id] = true;
                float s = scores[id];
                scores[id] = s < 0 ? s * penalty : s / penalty;
            }
        }
    }

    /** Divides every score by the temperature (> 0): below 1 sharpens the distribution, above 1 flattens it. */
    public static void temperature(float[] scores, float temperature) {
        if (!(temperature > 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a positive number here (0 means greedy, "
                    + "which skips this step), got " + temperature);
        }
        for (int i = 0; i < scores.length; i++) {
            scores[i] /= temperature;
        }
    }

    /**
     * Keeps the k highest scores (HF's TopKLogitsWarper): every score below the k-th largest becomes -inf,
     * so scores tied with the k-th are all kept. k >= the vocabulary keeps everything; k must be >= 1.
     */
    public static void topK(float[] scores, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("top-k must be >= 1 (0 means off, which skips this step), got " + k);
        }
        if (k >= scores.length) {
            return;
        }
        float[] sorted = scores.clone();
        Arrays.sort(sorted);
        float kth = sorted[scores.length - k];                        // the k-th largest
        for (int i = 0; i < scores.length; i++) {
            if (scores[i] < kth) {
                scores[i] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    /**
     * Nucleus filtering (Holtzman et al. 2020, as HF's TopPLogitsWarper): keeps the smallest set of the most
     * probable tokens whose probabilities sum to at least p, and always the most probable one. As HF: sort
     * ascending, and drop each token whose cumulative probability (itself and all less probable ones) is
     * {@code <= 1 - p}. Equal scores rank lower ids as more probable. p = 1 keeps everything, p = 0 only the
     * most probable token. Probabilities and sums are computed in double.
     */
    public static void topP(float[] scores, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("top-p must be in [0, 1], got " + p);
        }
        // Ascending by score; among equal scores the higher id first, so that the lower id ranks as more probable.
        // Key: the score's bits made order-preserving as a signed int, then MAX_VALUE - id.
        long[] order = new long[scores.length];
        for (int i = 0; i < scores.length; i++) {
            int bits = Float.floatToIntBits(scores[i]);
            long sortable = bits < 0 ? bits ^ 0x7fffffff : bits;
            order[i] = sortable << 32 | (Integer.MAX_VALUE - i);
        }
        Arrays.sort(order);
        double[] probs = softmax(scores);
        double cumulative = 0;
        double threshold = 1 - p;
        for (int r = 0; r < order.length - 1; r++) {                 // the last (most probable) always stays
            int id = Integer.MAX_VALUE - (int) order[r];
            cumulative += probs[id];
            if (cumulative <= threshold) {
                scores[id] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    /** softmax(scores) in double; -inf scores get probability 0. At least one score must be finite. */
    public static double[] softmax(float[] scores) {
        float max = Float.NEGATIVE_INFINITY;
        for (float s : scores) {
            max = Math.max(max, s);
        }
        if (max == Float.NEGATIVE_INFINITY || Float.isNaN(max)) {
            throw new IllegalArgumentException("softmax: no finite score (max " + max + ")");
        }
        double[] p = new double[scores.length];
        double sum = 0;
        for (int i = 0; i < scores.length; i++) {
            p[i] = Math.exp((double) scores[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** The id of the highest score; ties go to the lowest id (as torch.argmax). NaN scores are never chosen. */
    public static int argmax(float[] scores) {
        int best = 0;
        for (int i = 1; i < scores.length; i++) {
            if (scores[i] > scores[best] || Float.isNaN(scores[best])) {
                best = i;
            }
        }
        return best;
    }

    /** A draw from softmax(scores) with one uniform number from the generator (see {@link #draw}). */
    public static int sample(float[] scores, Rng rng) {
        return draw(softmax(scores), rng.nextDouble());
    }

    /**
     * The id whose cumulative-probability interval holds u: the first i with p[0] + ... + p[i] > u (u in
     * [0, 1)), so each id is chosen with its probability and ids of probability 0 never are. Rounding that
     * leaves u above the total picks the last id of positive probability.
     */
    static int draw(double[] probs, double u) {
        double cumulative = 0;
        int last = -1;
        for (int i = 0; i < probs.length; i++) {
            if (probs[i] > 0) {
                cumulative += probs[i];
                last = i;
                if (cumulative > u) {
                    return i;
                }
            }
        }
        if (last < 0) {
            throw new IllegalArgumentException("no token has a positive probability");
        }
        return last;
    }

    private static void checkId(int id, int vocab) {
        if (id < 0 || id >= vocab) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary (0.." + (vocab - 1) + ")");
        }
    }
}
