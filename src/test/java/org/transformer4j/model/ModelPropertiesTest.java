package org.transformer4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.transformer4j.autograd.Functions;
import org.transformer4j.autograd.Grad;
import org.transformer4j.autograd.Variable;
import org.transformer4j.nn.DecoderLayer;
import org.transformer4j.nn.LayerSpec.AttentionKind;
import org.transformer4j.nn.LayerSpec.Positions;
import org.transformer4j.nn.NormPlacement;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;
import org.transformer4j.testing.Approx;

/**
 * Properties every Transformer must have: permutation equivariance without positions, causality of
 * decoders, incremental decoding with the cache equal to full recomputation, Post-LN and Pre-LN being
 * different computations.
 */
class ModelPropertiesTest {

    private static TransformerConfig gpt() {
        return TransformerConfig.tinyGpt().withDModel(32).withDFF(64).withVocabSize(40).withMaxPositions(32).withDropout(0f);
    }

    private static int[] randomIds(long seed, int n, int vocab) {
        Rng rng = new Rng(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = rng.nextInt(vocab);
        }
        return ids;
    }

    @Test
    void withoutPositionsTheEncoderIsPermutationEquivariant() {
        TransformerConfig c = TransformerConfig.miniLm().withHeads(4).withDModel(32).withDFF(64).withVocabSize(40)
                .withEncoderLayers(2).withPositions(Positions.NONE).withDropout(0f).withTokenTypes(0);
        EncoderOnly model = new EncoderOnly(c, new Rng(3));
        model.eval();
        int[] ids = randomIds(4, 7, 40);
        int[] perm = {3, 0, 6, 1, 5, 2, 4};
        int[] permuted = new int[7];
        for (int i = 0; i < 7; i++) {
            permuted[i] = ids[perm[i]];
        }
        try (Grad.Scope ignored = Grad.off()) {
            Tensor out = model.forward(Tokens.of(ids), null).value();       // (1, 7, d)
            Tensor outPermuted = model.forward(Tokens.of(permuted), null).value();
            for (int i = 0; i < 7; i++) {
                Approx.assertMatches("position " + i, out.select(1, perm[i]), outPermuted.select(1, i), 1e-5);
            }
            // With positions, the same permutation changes the result: this is why positions are added.
            EncoderOnly positional = new EncoderOnly(c.withPositions(Positions.SINUSOIDAL), new Rng(3));
            positional.eval();
            Tensor a = positional.forward(Tokens.of(ids), null).value().select(1, perm[0]);
            Tensor b = positional.forward(Tokens.of(permuted), null).value().select(1, 0);
            assertTrue(maxDiff(a, b) > 1e-3, "sinusoidal positions must break the symmetry");
        }
    }

    static List<TransformerConfig> decoderVariants() {
        TransformerConfig g = gpt();
        List<TransformerConfig> out = new ArrayList<>();
        for (Positions p : Positions.values()) {
            out.add(p == Positions.SINUSOIDAL_CONCAT ? g.withTieOutput(false).withPositions(p) : g.withPositions(p));
        }
        out.add(g.withKvHeads(2).withPositions(Positions.ROPE));
        out.add(g.withNormPlacement(NormPlacement.POST));
        out.add(g.withAttention(AttentionKind.LINEAR).withPositions(Positions.SINUSOIDAL));
        out.add(g.withAttention(AttentionKind.LINEAR_DELTA).withPositions(Positions.LEARNED));
        return out;
    }

    @ParameterizedTest
    @MethodSource("decoderVariants")
    void laterInputsDoNotChangeEarlierOutputs(TransformerConfig c) {
        DecoderOnly model = new DecoderOnly(c, new Rng(5));
        model.eval();
        int[] ids = randomIds(6, 10, c.vocabSize());
        int[] changed = ids.clone();
        for (int i = 6; i < 10; i++) {
            changed[i] = (changed[i] + 7) % c.vocabSize();
        }
        try (Grad.Scope ignored = Grad.off()) {
            Tensor a = model.forward(Tokens.of(ids)).value();
            Tensor b = model.forward(Tokens.of(changed)).value();
            Approx.assertMatches("positions 0..5", a.narrow(1, 0, 6), b.narrow(1, 0, 6), 1e-6);
            assertTrue(maxDiff(a.narrow(1, 6, 4), b.narrow(1, 6, 4)) > 1e-4, "later positions must change");
        }
    }

    @ParameterizedTest
    @MethodSource("decoderVariants")
    void cachedDecodingEqualsFullRecomputation(TransformerConfig c) {
        DecoderOnly model = new DecoderOnly(c, new Rng(7));
        model.eval();
        int[][] seqs = {randomIds(8, 9, c.vocabSize()), randomIds(9, 9, c.vocabSize())};
        Tokens batch = Tokens.padded(seqs, 0);
        try (Grad.Scope ignored = Grad.off()) {
            Tensor full = model.forward(batch).value();                       // (2, 9, V)
            List<DecoderLayer.Cache> cache = model.newCache();
            // A prompt of 4 positions at once, then one position at a time.
            Tensor first = model.forward(slice(batch, 0, 4), cache).value();
            Approx.assertMatches("prompt", full.narrow(1, 0, 4), first, 1e-5);
            for (int t = 4; t < 9; t++) {
                Tensor step = model.forward(slice(batch, t, 1), cache).value();
                Approx.assertMatches("position " + t, full.narrow(1, t, 1), step, 1e-5);
            }
        }
    }

    @Test
    void cachedDecodingWithCrossAttentionEqualsFullRecomputation() {
        for (AttentionKind kind : AttentionKind.values()) {
            TransformerConfig c = TransformerConfig.tinyPaper().withDModel(32).withDFF(64).withVocabSize(40)
                    .withMaxPositions(32).withDropout(0f).withAttention(kind);
            EncoderDecoder model = new EncoderDecoder(c, new Rng(11));
            model.eval();
            Tokens src = Tokens.padded(new int[][] {randomIds(12, 6, 40), randomIds(13, 4, 40)}, 0);
            Tokens tgt = new Tokens(concat(randomIds(14, 5, 40), randomIds(15, 5, 40)), 2, 5, null);
            try (Grad.Scope ignored = Grad.off()) {
                Variable memory = model.encode(src);
                Tensor full = model.decode(tgt, memory, src, null).value();
                List<DecoderLayer.Cache> cache = model.newCache();
                for (int t = 0; t < 5; t++) {
                    Tensor step = model.decode(slice(tgt, t, 1), memory, src, cache).value();
                    Approx.assertMatches(kind + " position " + t, full.narrow(1, t, 1), step, 1e-5);
                }
            }
        }
    }

    @Test
    void postAndPreLayerNormAreDifferentComputationsOfTheSameWeights() {
        TransformerConfig post = gpt().withNormPlacement(NormPlacement.POST).withFinalNorm(true);
        DecoderOnly a = new DecoderOnly(post, new Rng(21));
        DecoderOnly b = new DecoderOnly(post.withNormPlacement(NormPlacement.PRE), new Rng(21));
        b.loadStateDict(a.stateDict(), true);
        a.eval();
        b.eval();
        int[] ids = randomIds(22, 8, 40);
        try (Grad.Scope ignored = Grad.off()) {
            assertTrue(maxDiff(a.forward(Tokens.of(ids)).value(), b.forward(Tokens.of(ids)).value()) > 1e-2);
        }
    }

    @Test
    void inputsLongerThanTheLearnedTableAreRejected() {
        DecoderOnly model = new DecoderOnly(gpt(), new Rng(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.forward(Tokens.of(new int[33])));
        assertTrue(e.getMessage().contains("33") && e.getMessage().contains("max_positions 32"), e.getMessage());
    }

    @Test
    void sgdStepsReduceTheLossAndGradientsReachEveryParameter() {
        // A smoke test that gradients reach every parameter: one sequence, a few SGD steps.
        DecoderOnly model = new DecoderOnly(gpt(), new Rng(31));
        int[] ids = randomIds(32, 12, 40);
        Tokens in = new Tokens(java.util.Arrays.copyOf(ids, 11), 1, 11, null);
        int[] targets = java.util.Arrays.copyOfRange(ids, 1, 12);
        float first = 0;
        float last = 0;
        for (int step = 0; step < 20; step++) {
            Variable logits = model.forward(in);
            Variable loss = Functions.crossEntropy(logits.reshape(11, 40), targets, -100, 0f);
            loss.backward();
            for (Variable p : model.parameters()) {
                assertTrue(p.grad() != null, "a parameter got no gradient");
                p.value().assign(p.value().sub(p.grad().mul(0.1f)));
                p.zeroGrad();
            }
            last = loss.value().item();
            if (step == 0) {
                first = last;
            }
        }
        assertTrue(last < first * 0.5f, "loss " + first + " -> " + last);
    }

    private static Tokens slice(Tokens t, int start, int len) {
        int[] ids = new int[t.batch() * len];
        for (int b = 0; b < t.batch(); b++) {
            System.arraycopy(t.ids(), b * t.length() + start, ids, b * len, len);
        }
        return new Tokens(ids, t.batch(), len, null);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static double maxDiff(Tensor a, Tensor b) {
        float[] x = a.toArray();
        float[] y = b.toArray();
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            m = Math.max(m, Math.abs(x[i] - y[i]));
        }
        return m;
    }

    @Test
    void sequencesOfEqualLengthNeedNoPaddingMask() {
        assertEquals(null, Tokens.padded(new int[][] {{1, 2}, {3, 4}}, 0).padding());
    }
}
