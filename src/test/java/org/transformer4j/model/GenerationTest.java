package org.transformer4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.transformer4j.model.GenerationConfig.EarlyStopping;

/**
 * HF generate's beam-search rules on a scripted decoder whose next-token probabilities depend only on the
 * prefix, so every expected output below is worked out by hand from the rules in {@link Generation}'s
 * Javadoc (HF transformers' _beam_search): the outputs differ with early_stopping, the length penalty and
 * the rank-below-numBeams rule for finished hypotheses, so each rule is pinned.
 *
 * <p>Tokens: 0 eos, 1 a, 2 b, 3 c, 4 the start token. Costs are -ln p.
 */
class GenerationTest {
    private static final int EOS = 0;
    private static final int A = 1;
    private static final int B = 2;
    private static final int START = 4;
    private static final int VOCAB = 5;

    /**
     * Next-token probabilities by prefix ("" at the start, "a b" after a then b); any other prefix puts
     * all mass on eos.
     */
    private static Map<String, double[]> table(double aaA, double aaEos) {
        return Map.of(
                "", probs(A, 0.4, B, 0.35, EOS, 0.25),
                "a", probs(EOS, 0.6, A, 0.4),
                "b", probs(B, 0.7, EOS, 0.3),
                "b b", probs(EOS, 0.9, A, 0.1),
                "a a", probs(A, aaA, EOS, aaEos),
                "a a a", probs(A, 1.0));
    }

    private static double[] probs(double... tokenThenP) {
        double[] p = new double[VOCAB];
        for (int i = 0; i < tokenThenP.length; i += 2) {
            p[(int) tokenThenP[i]] = tokenThenP[i + 1];
        }
        return p;
    }

    /** A decoder that follows the table, tracking each slot's prefix through reorders. */
    private static final class Scripted implements Generation.Steps {
        private final Map<String, double[]> table;
        private List<List<Integer>> prefixes = new ArrayList<>();

        Scripted(Map<String, double[]> table, int slots) {
            this.table = table;
            for (int i = 0; i < slots; i++) {
                prefixes.add(new ArrayList<>());
            }
        }

        @Override
        public float[] next(int[] last) {
            float[] logits = new float[last.length * VOCAB];
            for (int i = 0; i < last.length; i++) {
                if (last[i] != START) {
                    prefixes.get(i).add(last[i]);
                }
                String key = String.join(" ", prefixes.get(i).stream().map(t -> t == A ? "a" : t == B ? "b" : "x" + t).toList());
                double[] p = table.getOrDefault(key, probs(EOS, 1.0));
                for (int v = 0; v < VOCAB; v++) {
                    logits[i * VOCAB + v] = (float) Math.log(p[v]);      // ln 0 = -inf: never chosen
                }
            }
            return logits;
        }

        @Override
        public void reorder(int[] parents) {
            List<List<Integer>> next = new ArrayList<>();
            for (int p : parents) {
                next.add(new ArrayList<>(prefixes.get(p)));
            }
            prefixes = next;
        }
    }

    private static GenerationConfig config(int beams, EarlyStopping stopping, double lengthPenalty) {
        return GenerationConfig.defaults(START, EOS).withMaxLength(10).withNumBeams(beams).withEarlyStopping(stopping)
                .withLengthPenalty(lengthPenalty);
    }

    private static int[] beam(Map<String, double[]> table, GenerationConfig g) {
        return Generation.beam(new Scripted(table, g.numBeams()), 1, VOCAB, g).get(0);
    }

    @Test
    void greedyTakesTheMostLikelyTokenUntilEos() {
        GenerationConfig g = config(1, EarlyStopping.ON, 1.0);
        // "" -> a (0.4), "a" -> eos (0.6)
        assertArrayEquals(new int[] {START, A, EOS}, Generation.greedy(new Scripted(table(0.7, 0.3), 1), 1, VOCAB, g).get(0));
    }

    @Test
    void bannedTokensAndTheForcedEosShapeGreedyOutput() {
        Map<String, double[]> t = table(0.7, 0.3);
        GenerationConfig noA = config(1, EarlyStopping.ON, 1.0).withBadTokenIds(List.of(A)).withMaxLength(3);
        // Without a: "" -> b (0.35), "b" -> b (0.7); max_length 3 ends it there, without eos.
        assertArrayEquals(new int[] {START, B, B}, Generation.greedy(new Scripted(t, 1), 1, VOCAB, noA).get(0));
        // With forced_eos_token_id the last position (max_length - 1 = 2) must be eos.
        assertArrayEquals(new int[] {START, B, EOS},
                Generation.greedy(new Scripted(t, 1), 1, VOCAB, noA.withForcedEosTokenId(EOS)).get(0));
    }

    /*
     * The beam walk with 2 beams (costs summed; finished scores are -cost / length^1, length without the
     * start token):
     * step 1: a 0.916, b 1.050, eos 1.386. eos ranks third (>= numBeams): not finished. Running: a, b.
     * step 2: b b 1.407, a eos 1.427, a a 1.833, b eos 2.254. "a eos" ranks second: finished, -0.714;
     *         "b eos" ranks fourth: not. Running: b b, a a.
     * step 3 (a a -> a 0.7 / eos 0.3): b b eos 1.512 -> finished, -0.504; a a a 2.190; a a eos 3.037 ranks
     *         third: not. Two finished: early_stopping true stops here; the best is "b b eos".
     *         early_stopping false stops too: the best running a a a at its current length scores
     *         -2.190 / 3 = -0.730, not above the worst finished -0.714.
     *         early_stopping "never" scores it at max_length - 1 = 9: -0.243, so it goes on:
     * step 4: a a a a 2.190 runs (a a a -> a 1.0); b b a eos 3.710 finishes at -0.928, worse than both kept.
     * step 5: a a a a eos 2.190 -> -0.438, the new best.
     */
    @Test
    void earlyStoppingDecidesWhetherLongerHypothesesAreTried() {
        Map<String, double[]> t = table(0.7, 0.3);
        assertArrayEquals(new int[] {START, B, B, EOS}, beam(t, config(2, EarlyStopping.ON, 1.0)));
        assertArrayEquals(new int[] {START, B, B, EOS}, beam(t, config(2, EarlyStopping.HEURISTIC, 1.0)));
        assertArrayEquals(new int[] {START, A, A, A, A, EOS}, beam(t, config(2, EarlyStopping.NEVER, 1.0)));
    }

    /*
     * With a a -> a 0.8 / eos 0.2, a a a costs 2.056 at step 3: -2.056 / 3 = -0.685 beats the worst finished
     * (-0.714), so early_stopping false goes on (and finds a a a a eos at -0.411); true still stops at two.
     */
    @Test
    void theHeuristicContinuesWhileTheBestRunningBeamCouldStillWin() {
        Map<String, double[]> t = table(0.8, 0.2);
        assertArrayEquals(new int[] {START, B, B, EOS}, beam(t, config(2, EarlyStopping.ON, 1.0)));
        assertArrayEquals(new int[] {START, A, A, A, A, EOS}, beam(t, config(2, EarlyStopping.HEURISTIC, 1.0)));
    }

    /*
     * Without length normalisation (length_penalty 0) the two finished hypotheses compare by summed cost:
     * "a eos" 1.427 beats "b b eos" 1.512.
     */
    @Test
    void lengthPenaltyZeroComparesSummedLogProbabilities() {
        assertArrayEquals(new int[] {START, A, EOS}, beam(table(0.7, 0.3), config(2, EarlyStopping.ON, 0.0)));
    }

    @Test
    void oneBeamIsGreedyAndRowsAreIndependent() {
        Map<String, double[]> t = table(0.7, 0.3);
        assertArrayEquals(new int[] {START, A, EOS}, beam(t, config(1, EarlyStopping.ON, 1.0)));
        GenerationConfig g = config(2, EarlyStopping.ON, 1.0);
        List<int[]> rows = Generation.beam(new Scripted(t, 6), 3, VOCAB, g);
        for (int[] r : rows) {
            assertArrayEquals(new int[] {START, B, B, EOS}, r, Arrays.toString(r));
        }
    }

    @Test
    void badSettingsAreRefusedWithTheirName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> config(0, EarlyStopping.ON, 1.0));
        assertTrue(e.getMessage().contains("num_beams"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GenerationConfig.defaults(START, EOS).withMaxLength(1));
        assertTrue(e.getMessage().contains("max_length"), e.getMessage());
        EncoderDecoder model = new EncoderDecoder(TransformerConfig.tinyPaper().withVocabSize(8).withDModel(16)
                .withDFF(16).withMaxPositions(8), new org.transformer4j.tensor.Rng(1));
        e = assertThrows(IllegalArgumentException.class,
                () -> Generation.generate(model, Tokens.of(3, 9), GenerationConfig.defaults(1, 2).withMaxLength(5)));
        assertTrue(e.getMessage().contains("input id 9"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Generation.generate(model, Tokens.of(3), GenerationConfig.defaults(1, 2).withMaxLength(20)));
        assertTrue(e.getMessage().contains("max_length 20"), e.getMessage());
    }
}
