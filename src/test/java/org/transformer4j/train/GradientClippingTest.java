package org.transformer4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.transformer4j.autograd.Variable;
import org.transformer4j.tensor.Tensor;

class GradientClippingTest {

    private static Variable withGrad(float... g) {
        Variable v = Variable.parameter(Tensor.zeros(g.length));
        v.setGrad(Tensor.of(g, g.length));
        return v;
    }

    @Test
    void clipsToMaxNormLikeTorch() {
        Variable a = withGrad(3f, 0f);
        Variable b = withGrad(0f, 4f);
        Variable none = Variable.parameter(Tensor.zeros(2)); // no gradient: counts as zero, stays null
        double norm = GradientClipping.clip(List.of(a, b, none), 1.0);
        assertEquals(5.0, norm);
        float coef = (float) (1.0 / (5.0 + 1e-6));
        assertArrayEquals(new float[] {3f * coef, 0f}, a.grad().toArray());
        assertArrayEquals(new float[] {0f, 4f * coef}, b.grad().toArray());
        assertEquals(null, none.grad());
        assertEquals(1.0, GradientClipping.norm(List.of(a, b)), 1e-6);
    }

    @Test
    void belowMaxNormNothingChangesAndSharedGradientsAreNotScaledTwice() {
        Variable a = withGrad(0.3f, 0.4f);
        Tensor before = a.grad();
        assertEquals(0.5, GradientClipping.clip(List.of(a), 1.0), 1e-7);
        assertSame(before, a.grad());

        // Autograd may give two leaves the very same gradient tensor; clipping must not write into it.
        Tensor shared = Tensor.of(new float[] {6f, 8f}, 2);
        Variable x = Variable.parameter(Tensor.zeros(2));
        Variable y = Variable.parameter(Tensor.zeros(2));
        x.setGrad(shared);
        y.setGrad(shared);
        assertEquals(Math.sqrt(200), GradientClipping.clip(List.of(x, y), 1.0), 1e-12);
        assertArrayEquals(new float[] {6f, 8f}, shared.toArray());
        assertEquals(1.0, GradientClipping.norm(List.of(x, y)), 1e-6);
    }

    @Test
    void tiedParameterCountsOnce() {
        Variable w = withGrad(3f, 4f);
        Map<String, Variable> named = new LinkedHashMap<>();
        named.put("embed.weight", w);
        named.put("lm_head.weight", w);
        assertEquals(5.0, GradientClipping.clip(named, 10.0));
    }

    @Test
    void nonFiniteGradientNamesTheFirstParameterAndWhetherNanOrInf() {
        Map<String, Variable> named = new LinkedHashMap<>();
        named.put("ok", withGrad(1f, 2f));
        named.put("decoder.layers.0.linear1.weight", withGrad(1f, Float.POSITIVE_INFINITY));
        named.put("later", withGrad(Float.NaN));
        Tensor okBefore = named.get("ok").grad();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> GradientClipping.clip(named, 0.1));
        assertEquals("gradient of 'decoder.layers.0.linear1.weight' contains +Inf (first at flat index 1 of shape (2,));"
                + " nothing was clipped", e.getMessage());
        assertSame(okBefore, named.get("ok").grad());

        named.remove("decoder.layers.0.linear1.weight");
        assertEquals("gradient of 'later' contains NaN (first at flat index 0 of shape (1,)); nothing was clipped",
                assertThrows(IllegalStateException.class, () -> GradientClipping.clip(named, 0.1)).getMessage());
        assertEquals("maxNorm must be finite and > 0, got 0.0",
                assertThrows(IllegalArgumentException.class, () -> GradientClipping.clip(named, 0)).getMessage());
    }
}
