package org.transformer4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.transformer4j.autograd.Grad;
import org.transformer4j.autograd.Variable;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;
import org.transformer4j.testing.Approx;

/** RoPE and ALiBi against their papers' formulas, written out; linear attention's two forms and fast weights. */
class PositionsAndAttentionTest {

    @Test
    void ropeRotatesEachPairByPositionTimesTheta() {
        // RoFormer eq. 34 for d = 4: theta_0 = 1, theta_1 = 10000^(-2/4) = 0.01.
        float[] q = {1f, 2f, 3f, 4f};
        RotaryEmbedding rope = new RotaryEmbedding(4, 10000);
        Variable x = Variable.constant(Tensor.of(new float[] {1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4}, 1, 1, 3, 4));
        Tensor out = rope.apply(x, 5).value();  // positions 5, 6, 7
        for (int p = 0; p < 3; p++) {
            int m = 5 + p;
            double c0 = Math.cos(m * 1.0);
            double s0 = Math.sin(m * 1.0);
            double c1 = Math.cos(m * 0.01);
            double s1 = Math.sin(m * 0.01);
            float[] expected = {
                (float) (q[0] * c0 - q[1] * s0), (float) (q[0] * s0 + q[1] * c0),
                (float) (q[2] * c1 - q[3] * s1), (float) (q[2] * s1 + q[3] * c1)};
            assertArrayEquals(expected, out.select(2, p).reshape(4).toArray(), 1e-6f, "position " + m);
        }
    }

    @Test
    void ropeDotProductsDependOnlyOnRelativePosition() {
        RotaryEmbedding rope = new RotaryEmbedding(8, 10000);
        Tensor q = Tensor.rand(new Rng(1), -1f, 1f, 1, 1, 1, 8);
        Tensor k = Tensor.rand(new Rng(2), -1f, 1f, 1, 1, 1, 8);
        float d1 = dot(rope.apply(Variable.constant(q), 3).value(), rope.apply(Variable.constant(k), 1).value());
        float d2 = dot(rope.apply(Variable.constant(q), 12).value(), rope.apply(Variable.constant(k), 10).value());
        assertEquals(d1, d2, 1e-5f);
    }

    private static float dot(Tensor a, Tensor b) {
        return a.mul(b).sum().item();
    }

    @Test
    void alibiSlopesAreThePapersGeometricSequences() {
        // Press et al. 2022, section 3: 8 heads -> 1/2, 1/4, ..., 1/256.
        float[] eight = AlibiBias.slopes(8);
        for (int i = 0; i < 8; i++) {
            assertEquals((float) Math.pow(2, -(i + 1)), eight[i], 0f);
        }
        // 16 heads -> 1/2^0.5, 1/2^1, ..., 1/2^8.
        float[] sixteen = AlibiBias.slopes(16);
        for (int i = 0; i < 16; i++) {
            assertEquals((float) Math.pow(2, -0.5 * (i + 1)), sixteen[i], 1e-7f);
        }
        // 12 heads (not a power of two): the 8-head slopes, then slopes 1, 3, 5, 7 of the 16-head sequence.
        float[] twelve = AlibiBias.slopes(12);
        assertArrayEquals(eight, java.util.Arrays.copyOf(twelve, 8));
        for (int i = 0; i < 4; i++) {
            assertEquals(sixteen[2 * i], twelve[8 + i], 1e-7f);
        }
    }

    @Test
    void alibiBiasIsMinusSlopeTimesDistance() {
        // One head, slope 2^-8 for a single head (8/1 = 8), queries at positions 2..3, keys 0..3.
        Tensor b = new AlibiBias(1).bias(2, 4, 2);
        float m = (float) Math.pow(2, -8);
        float[] expected = {-2 * m, -1 * m, 0, -1 * m, -3 * m, -2 * m, -1 * m, 0};
        assertArrayEquals(expected, b.toArray(), 1e-9f);
    }

    @Test
    void linearAttentionRecurrentFormEqualsParallelFormAndExposesFastWeights() {
        Rng rng = new Rng(4);
        LinearAttention attn = new LinearAttention(8, 2, LinearAttention.Update.SUM, true, rng);
        Variable x = Variable.constant(Tensor.rand(new Rng(5), -1f, 1f, 1, 6, 8));
        try (Grad.Scope ignored = Grad.off()) {
            Attention.Result parallel = attn.forward(x, null, AttentionMask.CAUSAL, null, true);
            AttentionCache cache = new AttentionCache();
            Tensor recurrent = attn.forward(x, null, AttentionMask.CAUSAL, cache, false).output().value();
            Approx.assertMatches("recurrent vs parallel", parallel.output().value(), recurrent, 1e-5);
            assertEquals(6, cache.length());
            // The implied attention weights are rows of a lower-triangular stochastic matrix.
            Tensor w = parallel.weights();
            assertNotNull(w);
            Approx.assertMatches("rows sum to 1", Tensor.ones(1, 2, 6), w.sum(false, -1), 1e-5);
            assertEquals(0f, w.get(0, 1, 2, 4), 0f);
            // The fast weight matrix is the sum of outer products v_t phi(k_t)^T.
            Tensor fw = cache.fastWeights();
            assertArrayEquals(new int[] {1, 2, 4, 4}, fw.shape());
            Tensor kv = x.value().matmul(attn.namedParameters().get("in_proj_weight").value().narrow(0, 8, 16).transpose(0, 1))
                    .add(attn.namedParameters().get("in_proj_bias").value().narrow(0, 8, 16));   // (1, 6, 16)
            Tensor k = kv.narrow(2, 0, 8).reshape(1, 6, 2, 4).transpose(1, 2);                 // (1, 2, 6, 4)
            Tensor v = kv.narrow(2, 8, 8).reshape(1, 6, 2, 4).transpose(1, 2);
            Tensor phiK = LinearAttention.feature(Variable.constant(k)).value();
            Approx.assertMatches("W = sum v phi(k)^T", v.transpose(-1, -2).matmul(phiK), fw, 1e-5);
        }
    }

    @Test
    void deltaRuleDecodesStepByStepExactlyAsOverTheWholeSequence() {
        LinearAttention delta = new LinearAttention(4, 1, LinearAttention.Update.DELTA, false, new Rng(6));
        assertEquals(LinearAttention.Update.DELTA, delta.update());
        Variable x = Variable.constant(Tensor.rand(new Rng(7), -1f, 1f, 2, 5, 4));
        try (Grad.Scope ignored = Grad.off()) {
            Tensor full = delta.forward(x, null, AttentionMask.CAUSAL, null, false).output().value();
            AttentionCache cache = new AttentionCache();
            for (int t = 0; t < 5; t++) {
                Tensor step = delta.forward(Variable.constant(x.value().narrow(1, t, 1)), null, AttentionMask.CAUSAL,
                        cache, false).output().value();
                Approx.assertMatches("delta step " + t, full.narrow(1, t, 1), step, 1e-5);
            }
            assertTrue(cache.fastWeights() != null && cache.length() == 5);
        }
    }
}
