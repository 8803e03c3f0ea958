package org.transformer4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.transformer4j.autograd.Grad;
import org.transformer4j.nn.DecoderLayer;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;

class DecodingTest {
    private static final int PAD = 0;
    private static final int BOS = 1;
    /** With this id as eos the model below stops its rows after 0, 9, 2 and 0 ids (checked below). */
    private static final int EOS = 12;
    private static final int[][] SOURCES = {{3, 4, 5, 6}, {7, 8}, {9, 10, 11, 12, 13, 14}, {15, 3}};
    private static final int MAX = 10;

    /**
     * A tiny random paper-style model. The output projection is untied: at random init a tied projection
     * makes the decoder copy its input, so every row would just repeat bos.
     */
    private static EncoderDecoder model(int vocab) {
        TransformerConfig c = TransformerConfig.tinyPaper().withDModel(32).withDFF(64).withVocabSize(vocab)
                .withDropout(0f).withTieOutput(false);
        EncoderDecoder m = new EncoderDecoder(c, new Rng(1));
        m.eval();
        return m;
    }

    @Test
    void batchedGreedyEqualsGreedyRowByRow() {
        EncoderDecoder m = model(20);
        List<int[]> batched = Decoding.greedy(m, Tokens.padded(SOURCES, PAD), BOS, EOS, MAX);
        for (int r = 0; r < SOURCES.length; r++) {
            int[] alone = Decoding.greedy(m, Tokens.of(SOURCES[r]), BOS, EOS, MAX).get(0);
            assertArrayEquals(alone, batched.get(r), "row " + r);
        }
    }

    @Test
    void batchedGreedyEqualsRecomputationWithoutCache() {
        EncoderDecoder m = model(20);
        List<int[]> batched = Decoding.greedy(m, Tokens.padded(SOURCES, PAD), BOS, EOS, MAX);
        Set<Integer> lengths = new HashSet<>();
        for (int r = 0; r < SOURCES.length; r++) {
            int[] expected = bruteForceGreedy(m, SOURCES[r], BOS, EOS, MAX);
            assertArrayEquals(expected, batched.get(r), "row " + r);
            assertTrue(Arrays.stream(batched.get(r)).noneMatch(t -> t == EOS), "eos inside row " + r);
            assertTrue(batched.get(r).length <= MAX);
            lengths.add(batched.get(r).length);
        }
        // The rows stop at different steps (after 0, 9, 2 and 0 ids), so the batch mixes finished and growing rows.
        assertTrue(lengths.size() >= 3 && lengths.contains(0), "lengths " + lengths);
    }

    @Test
    void maxLengthBoundsTheOutput() {
        EncoderDecoder m = model(20);
        for (int max = 1; max <= 3; max++) {
            for (int[] out : Decoding.greedy(m, Tokens.padded(SOURCES, PAD), BOS, EOS, max)) {
                assertTrue(out.length <= max, Arrays.toString(out));
            }
            for (int[] out : Decoding.beam(m, Tokens.padded(SOURCES, PAD), BOS, EOS, max, 3, 0.6)) {
                assertTrue(out.length <= max && Arrays.stream(out).noneMatch(t -> t == EOS), Arrays.toString(out));
            }
        }
    }

    @Test
    void beamOfWidthOneIsGreedy() {
        EncoderDecoder m = model(20);
        Tokens src = Tokens.padded(SOURCES, PAD);
        List<int[]> greedy = Decoding.greedy(m, src, BOS, EOS, MAX);
        for (double alpha : new double[] {0.0, 0.6}) {
            List<int[]> beam = Decoding.beam(m, src, BOS, EOS, MAX, 1, alpha);
            for (int r = 0; r < SOURCES.length; r++) {
                assertArrayEquals(greedy.get(r), beam.get(r), "row " + r + ", alpha " + alpha);
            }
        }
    }

    @Test
    void widerBeamScoresAtLeastAsWellAsGreedy() {
        EncoderDecoder m = model(20);
        Tokens src = Tokens.padded(SOURCES, PAD);
        List<int[]> greedy = Decoding.greedy(m, src, BOS, EOS, MAX);
        for (double alpha : new double[] {0.0, 0.6, 1.0}) {
            List<int[]> beam = Decoding.beam(m, src, BOS, EOS, MAX, 4, alpha);
            for (int r = 0; r < SOURCES.length; r++) {
                double g = score(m, SOURCES[r], greedy.get(r), MAX, alpha);
                double b = score(m, SOURCES[r], beam.get(r), MAX, alpha);
                assertTrue(b >= g - 1e-4, "row " + r + ", alpha " + alpha + ": beam " + b + " < greedy " + g);
            }
        }
    }

    @Test
    void wideEnoughBeamFindsTheBestSequenceByExhaustiveSearch() {
        // Vocabulary 5 with eos 2 and at most 3 steps: 1 + 4 + 16 finished sequences and 64 cut off at
        // 3 ids, 85 in all, so a beam of 100 keeps every one and must return the best.
        EncoderDecoder m = model(5);
        int eos = 2;
        int max = 3;
        int[][] sources = {{3, 4}, {2, 3, 4}, {4}};
        List<int[]> all = allHypotheses(5, eos, max);
        assertEquals(85, all.size());
        Set<Integer> bestLengths = new HashSet<>();
        for (double alpha : new double[] {0.0, 0.6, 2.0}) {
            List<int[]> beam = Decoding.beam(m, Tokens.padded(sources, PAD), BOS, eos, max, 100, alpha);
            for (int r = 0; r < sources.length; r++) {
                double best = Double.NEGATIVE_INFINITY;
                int[] argBest = null;
                for (int[] y : all) {
                    double s = score(m, sources[r], y, max, alpha, eos);
                    if (s > best) {
                        best = s;
                        argBest = y;
                    }
                }
                double found = score(m, sources[r], beam.get(r), max, alpha, eos);
                assertEquals(best, found, 1e-5, "row " + r + ", alpha " + alpha + ": beam " + Arrays.toString(beam.get(r))
                        + ", exhaustive " + Arrays.toString(argBest));
                bestLengths.add(argBest.length);
            }
        }
        assertTrue(bestLengths.size() >= 2, "the best sequences all have length " + bestLengths);
    }

    @Test
    void decoderOnlyGreedyEqualsRecomputationWithoutCache() {
        TransformerConfig c = TransformerConfig.tinyGpt().withDModel(32).withDFF(64).withVocabSize(20).withDropout(0f);
        DecoderOnly m = new DecoderOnly(c, new Rng(2));
        m.eval();
        int[] prompt = {3, 4, 5};
        int[] free = Decoding.greedy(m, prompt, 8, -1);
        int[] seq = prompt.clone();
        try (Grad.Scope ignored = Grad.off()) {
            for (int i = 0; i < 8; i++) {
                Tensor logits = m.forward(Tokens.of(seq)).value();               // (1, T, V)
                int next = Math.round(logits.select(1, seq.length - 1).argmax(-1, false).item());
                seq = Arrays.copyOf(seq, seq.length + 1);
                seq[seq.length - 1] = next;
            }
        }
        assertArrayEquals(Arrays.copyOfRange(seq, prompt.length, seq.length), free);
        int eos = free[3];
        int stop = 0;
        while (free[stop] != eos) {
            stop++;
        }
        assertArrayEquals(Arrays.copyOf(free, stop), Decoding.greedy(m, prompt, 8, eos));
        assertEquals(0, Decoding.greedy(m, prompt, 0, -1).length);
    }

    @Test
    void cacheReorderGathersBatchRows() {
        EncoderDecoder m = model(20);
        Tokens src = Tokens.padded(SOURCES, PAD);
        List<DecoderLayer.Cache> cache = m.newCache();
        try (Grad.Scope ignored = Grad.off()) {
            m.decode(new Tokens(new int[] {1, 5, 6, 7, 1, 8, 9, 10}, 4, 2, null), m.encode(src), src, cache);
        }
        Tensor before = cache.get(1).self().keys();                               // (4, h, 2, hd)
        cache.get(1).self().reorder(new int[] {3, 0, 0});
        Tensor after = cache.get(1).self().keys();
        assertArrayEquals(new int[] {3, before.dim(1), 2, before.dim(3)}, after.shape());
        assertArrayEquals(before.select(0, 3).toArray(), after.select(0, 0).toArray());
        assertArrayEquals(before.select(0, 0).toArray(), after.select(0, 1).toArray());
        assertArrayEquals(before.select(0, 0).toArray(), after.select(0, 2).toArray());
        assertEquals(2, cache.get(1).self().length());
        assertThrows(IllegalArgumentException.class, () -> cache.get(1).self().reorder(new int[] {3}));
    }

    @Test
    void lengthPenaltyIsGnmtFormula() {
        // lp(Y) = ((5 + |Y|) / 6)^alpha: 1 for |Y| = 1 or alpha = 0; (12/6)^1 = 2 for |Y| = 7.
        assertEquals(1.0, Decoding.lengthPenalty(1, 0.6), 1e-12);
        assertEquals(1.0, Decoding.lengthPenalty(9, 0.0), 1e-12);
        assertEquals(2.0, Decoding.lengthPenalty(7, 1.0), 1e-12);
        assertEquals(Math.pow(8.0 / 6.0, 0.6), Decoding.lengthPenalty(3, 0.6), 1e-12);
        assertEquals(-3.0 / Math.pow(8.0 / 6.0, 0.6), Decoding.score(-3.0, 3, 0.6), 1e-12);
    }

    @Test
    void rejectsBadArguments() {
        EncoderDecoder m = model(20);
        Tokens src = Tokens.of(3, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Decoding.beam(m, src, BOS, EOS, MAX, 0, 0.6));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Decoding.greedy(m, src, BOS, EOS, 0));
        assertThrows(IllegalArgumentException.class, () -> Decoding.greedy(m, src, BOS, 20, MAX));
        assertThrows(IllegalArgumentException.class, () -> Decoding.beam(m, src, BOS, EOS, MAX, 2, -1));
        assertThrows(IllegalArgumentException.class, () -> Decoding.beam(m, src, BOS, EOS, MAX, 2, Double.NaN));
    }

    /** Greedy decoding of one row recomputing the whole prefix each step (no cache). */
    private static int[] bruteForceGreedy(EncoderDecoder m, int[] source, int bos, int eos, int max) {
        int[] prefix = {bos};
        try (Grad.Scope ignored = Grad.off()) {
            Tokens src = Tokens.of(source);
            for (int step = 0; step < max; step++) {
                Tensor logits = m.decode(Tokens.of(prefix), m.encode(src), src, null).value();   // (1, T, V)
                int next = Math.round(logits.select(1, prefix.length - 1).argmax(-1, false).item());
                if (next == eos) {
                    break;
                }
                prefix = Arrays.copyOf(prefix, prefix.length + 1);
                prefix[prefix.length - 1] = next;
            }
        }
        return Arrays.copyOfRange(prefix, 1, prefix.length);
    }

    /** log P(y (+ eos if it stopped before max) | source) by teacher forcing without a cache. */
    private static double logProb(EncoderDecoder m, int[] source, int[] y, int max, int eos) {
        int[] target = y.length < max ? Arrays.copyOf(y, y.length + 1) : y;
        if (y.length < max) {
            target[y.length] = eos;
        }
        int[] input = new int[target.length];
        input[0] = BOS;
        System.arraycopy(target, 0, input, 1, target.length - 1);
        try (Grad.Scope ignored = Grad.off()) {
            Tokens src = Tokens.of(source);
            Tensor lp = m.decode(Tokens.of(input), m.encode(src), src, null).value().logSoftmax(-1);   // (1, T, V)
            double sum = 0;
            for (int t = 0; t < target.length; t++) {
                sum += lp.get(0, t, target[t]);
            }
            return sum;
        }
    }

    private static double score(EncoderDecoder m, int[] source, int[] y, int max, double alpha) {
        return score(m, source, y, max, alpha, EOS);
    }

    private static double score(EncoderDecoder m, int[] source, int[] y, int max, double alpha, int eos) {
        int length = y.length < max ? y.length + 1 : y.length;
        return Decoding.score(logProb(m, source, y, max, eos), length, alpha);
    }

    /** Every output: up to max - 1 non-eos ids (then eos), or exactly max non-eos ids (cut off). */
    private static List<int[]> allHypotheses(int vocab, int eos, int max) {
        List<int[]> out = new ArrayList<>();
        List<int[]> level = List.of(new int[0]);
        for (int len = 0; len <= max; len++) {
            out.addAll(level);
            List<int[]> next = new ArrayList<>();
            for (int[] y : level) {
                for (int v = 0; v < vocab; v++) {
                    if (v != eos) {
                        int[] z = Arrays.copyOf(y, y.length + 1);
                        z[y.length] = v;
                        next.add(z);
                    }
                }
            }
            level = next;
        }
        return out;
    }
}
