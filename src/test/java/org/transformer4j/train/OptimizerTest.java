package org.transformer4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.transformer4j.autograd.Variable;
import org.transformer4j.model.Models;
import org.transformer4j.model.TransformerConfig;
import org.transformer4j.nn.Module;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;

class OptimizerTest {

    private static Variable param(float... values) {
        return Variable.parameter(Tensor.of(values, values.length));
    }

    private static Map<String, Variable> named(Object... nameThenVariable) {
        Map<String, Variable> out = new LinkedHashMap<>();
        for (int i = 0; i < nameThenVariable.length; i += 2) {
            out.put((String) nameThenVariable[i], (Variable) nameThenVariable[i + 1]);
        }
        return out;
    }

    @Test
    void plainSgdByHand() {
        Variable p = param(1f, -2f);
        p.setGrad(Tensor.of(new float[] {0.5f, -1f}, 2));
        Sgd.of(named("p", p), SgdSettings.plain()).step(0.1);
        assertArrayEquals(new float[] {0.95f, -1.9f}, p.value().toArray(), 1e-7f);
    }

    @Test
    void adamWFirstStepByHand() {
        // At t = 1 the corrected moments are g and g^2, so the step is lr * g / (|g| + eps) after p *= 1 - lr wd.
        Variable p = param(2f, -1f);
        p.setGrad(Tensor.of(new float[] {0.3f, -0.001f}, 2));
        double lr = 0.01;
        double wd = 0.1;
        new AdamW(List.of(ParameterGroup.of("all", named("p", p))), AdamSettings.adamW().withWeightDecay(wd)).step(lr);
        float[] got = p.value().toArray();
        assertEquals(2 * (1 - lr * wd) - lr * 0.3 / (0.3 + 1e-8), got[0], 1e-6);
        assertEquals(-1 * (1 - lr * wd) + lr * 0.001 / (0.001 + 1e-8), got[1], 1e-6);
    }

    @Test
    void inPlaceAdamStepsEqualTheCopyingLoopBitForBit() {
        // A contiguous parameter takes the in-place vector kernel; a transposed view of the same values takes the
        // per-element loop on copies. 1000 values: whole vectors and a scalar tail. Adam with L2 decay, AdamW with
        // decoupled decay, five steps each.
        Rng rng = new Rng(21);
        int rows = 40;
        int cols = 25;
        for (boolean decoupled : new boolean[] {false, true}) {
            Tensor start = Tensor.randn(rng, 0f, 1f, rows, cols);
            Variable fast = Variable.parameter(start.contiguous().mul(1f));
            Variable slow = Variable.parameter(start.transpose(0, 1).contiguous().transpose(0, 1));   // same values, strided
            assertFalse(slow.value().isContiguous());
            List<ParameterGroup> groups = List.of(ParameterGroup.of("all", named("fast", fast, "slow", slow)));
            Optimizer opt = decoupled ? new AdamW(groups, AdamSettings.adamW().withWeightDecay(0.1))
                    : new Adam(groups, new AdamSettings(0.9, 0.98, 1e-9, 0.01));
            for (int step = 0; step < 5; step++) {
                Tensor g = Tensor.randn(rng, 0f, 0.5f, rows, cols);
                fast.setGrad(g);
                slow.setGrad(g);
                opt.step(1e-3);
                assertArrayEquals(slow.value().toArray(), fast.value().toArray(), (decoupled ? "AdamW" : "Adam")
                        + " step " + step + ": the in-place kernel's values against the loop's");
            }
            assertFalse(java.util.Arrays.equals(start.toArray(), fast.value().toArray()), "the parameter moved");
        }
    }

    @Test
    void paperPresetIsSection53() {
        Adam adam = Adam.paper(named("p", param(1f)));
        assertEquals(new AdamSettings(0.9, 0.98, 1e-9, 0), adam.settings());
    }

    @Test
    void tiedParameterIsUpdatedOnceAndGradientsAreNotModified() {
        Variable shared = param(1f);
        Tensor g = Tensor.of(new float[] {1f}, 1);
        shared.setGrad(g);
        Sgd sgd = Sgd.of(named("embed.weight", shared, "lm_head.weight", shared), SgdSettings.plain());
        sgd.step(0.25);
        assertEquals(0.75f, shared.value().item());
        assertEquals(1f, g.item());
        assertEquals(1, sgd.state().metadata().keySet().stream().filter(k -> k.startsWith("step/")).count());
    }

    @Test
    void parametersWithoutGradientAreSkippedAndNotCounted() {
        Variable a = param(1f);
        Variable b = param(1f);
        a.setGrad(Tensor.of(new float[] {1f}, 1));
        Adam adam = Adam.of(named("a", a, "b", b), AdamSettings.defaults());
        adam.step(0.1);
        assertEquals(1, adam.steps("a"));
        assertEquals(0, adam.steps("b"));
        assertEquals(1f, b.value().item());
        adam.zeroGrad();
        assertEquals(null, a.grad());
    }

    @Test
    void groupLearningRateScaleMultipliesTheRate() {
        Variable a = param(1f);
        Variable b = param(1f);
        a.setGrad(Tensor.of(new float[] {1f}, 1));
        b.setGrad(Tensor.of(new float[] {1f}, 1));
        Sgd sgd = new Sgd(List.of(ParameterGroup.of("body", named("a", a)).withLrScale(0.5),
                ParameterGroup.of("frozen", named("b", b)).withLrScale(0)), SgdSettings.plain());
        sgd.step(0.2);
        assertEquals(0.9f, a.value().item(), 1e-7f);
        assertEquals(1f, b.value().item());
    }

    @Test
    void stepWithoutLearningRateAndBadSettingsFailWithValues() {
        Variable p = param(1f);
        p.setGrad(Tensor.of(new float[] {1f}, 1));
        Sgd sgd = Sgd.of(named("p", p), SgdSettings.plain());
        assertTrue(assertThrows(IllegalStateException.class, sgd::step).getMessage().contains("no learning rate"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> sgd.setLearningRate(-1))
                .getMessage().contains("-1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new AdamSettings(0.9, 1.0, 1e-8, 0))
                .getMessage().contains("beta2 must be in [0, 1), got 1.0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SgdSettings(0, true, 0))
                .getMessage().contains("Nesterov"));
    }

    @Test
    void aParameterBelongsToOneGroup() {
        Variable p = param(1f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Sgd(List.of(
                ParameterGroup.of("one", named("x", p)), ParameterGroup.of("two", named("y", p))), SgdSettings.plain()));
        assertEquals("parameter 'y' of group 'two' is the same variable as 'x' of group 'one'; a parameter belongs"
                + " to one group", e.getMessage());
    }

    @Test
    void loadStateChecksKindNamesAndShapes() {
        Variable p = param(1f, 2f);
        p.setGrad(Tensor.of(new float[] {1f, 1f}, 2));
        Adam adam = Adam.of(named("p", p), AdamSettings.defaults());
        adam.step(0.1);
        OptimizerState state = adam.state();
        assertEquals(Map.of("settings", AdamSettings.defaults().toString(), "step/p", "1"), state.metadata());
        assertEquals(List.of("p/exp_avg", "p/exp_avg_sq"), List.copyOf(state.tensors().keySet()));

        Sgd sgd = Sgd.of(named("p", param(1f, 2f)), SgdSettings.heavyBall());
        assertEquals("optimizer state is for Adam but this optimizer is SGD",
                assertThrows(IllegalArgumentException.class, () -> sgd.loadState(state)).getMessage());
        Adam wider = Adam.of(named("p", param(1f, 2f, 3f)), AdamSettings.defaults());
        assertEquals("optimizer state tensor 'p/exp_avg' has shape (2,) but parameter 'p' has shape (3,)",
                assertThrows(IllegalArgumentException.class, () -> wider.loadState(state)).getMessage());
        Adam renamed = Adam.of(named("q", param(1f, 2f)), AdamSettings.defaults());
        assertEquals("optimizer state has parameter 'p' that this Adam does not optimize",
                assertThrows(IllegalArgumentException.class, () -> renamed.loadState(state)).getMessage());

        Adam fresh = Adam.of(named("p", param(1f, 2f)), AdamSettings.defaults());
        fresh.loadState(state);
        assertEquals(1, fresh.steps("p"));
        assertArrayEquals(state.tensors().get("p/exp_avg_sq").toArray(),
                fresh.state().tensors().get("p/exp_avg_sq").toArray());
    }

    @Test
    void standardDecayRuleExemptsNormsBiasesAndEmbeddingsOfARealModel() {
        Module model = Models.build(TransformerConfig.tinyGpt(), new Rng(1));
        Map<String, Variable> named = model.namedParameters();
        List<ParameterGroup> groups = ParameterGroup.byDecay(named, DecayRule.standard());
        assertEquals(List.of("decay", "no_decay"), groups.stream().map(ParameterGroup::name).toList());
        Map<String, Variable> decay = groups.get(0).parameters();
        Map<String, Variable> noDecay = groups.get(1).parameters();
        assertTrue(decay.containsKey("decoder.layers.0.linear1.weight"));
        assertTrue(decay.containsKey("decoder.layers.1.self_attn.in_proj_weight"));
        assertTrue(noDecay.containsKey("decoder.layers.0.linear1.bias"));
        assertTrue(noDecay.containsKey("decoder.layers.0.norm1.weight"));
        assertTrue(noDecay.containsKey("embed.tokens.weight"));
        assertTrue(noDecay.containsKey("embed.positions.weight"));
        for (String k : decay.keySet()) {
            assertFalse(k.contains("norm") || k.contains("bias") || k.contains("embed"), k);
            assertTrue(decay.get(k).rank() >= 2, k);
        }
        // Every distinct parameter is in exactly one group.
        assertEquals(model.parameters().size(), decay.size() + noDecay.size());
        AdamW opt = AdamW.of(named, AdamSettings.adamW());
        assertEquals(groups, opt.groups());
        assertFalse(opt.groups().get(1).decay());
    }

    @Test
    void tiedParameterIsDecayedOnlyIfEveryNameSaysSo() {
        Variable table = Variable.parameter(Tensor.zeros(4, 3));
        Variable w = Variable.parameter(Tensor.zeros(3, 3));
        List<ParameterGroup> groups = ParameterGroup.byDecay(
                named("tokens.embed.weight", table, "w", w, "lm_head.weight", table), DecayRule.standard());
        assertEquals(List.of("w"), List.copyOf(groups.get(0).parameters().keySet()));
        assertEquals(List.of("tokens.embed.weight"), List.copyOf(groups.get(1).parameters().keySet()));
        assertSame(table, groups.get(1).parameters().get("tokens.embed.weight"));
        // The rule is replaceable: decay everything of rank 2.
        List<ParameterGroup> custom = ParameterGroup.byDecay(named("a", table, "w", w), (n, p) -> p.rank() == 2);
        assertEquals(1, custom.size());
        assertEquals(2, custom.get(0).parameters().size());
    }
}
