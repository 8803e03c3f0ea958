package org.transformer4j.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.transformer4j.tensor.Tensor;

/** The mechanics of the graph: accumulation, shared inputs, no-grad scopes, detach, release, observers. */
class AutogradTest {

    private static Variable param(float... v) {
        return Variable.parameter(Tensor.of(v, v.length));
    }

    @Test
    void gradientsOfASharedInputAddUp() {
        Variable x = param(2f, 3f);
        // y = x*x + x: dy/dx = 2x + 1
        x.mul(x).add(x).sum().backward();
        assertArrayEquals(new float[] {5f, 7f}, x.grad().toArray());
    }

    @Test
    void gradientsAccumulateAcrossBackwardCallsUntilZeroed() {
        Variable x = param(1f, -1f);
        x.mul(3f).sum().backward();
        x.mul(3f).sum().backward();
        assertArrayEquals(new float[] {6f, 6f}, x.grad().toArray());
        x.zeroGrad();
        assertNull(x.grad());
    }

    @Test
    void noGradRecordsNothing() {
        Variable x = param(1f, 2f);
        Variable y;
        try (Grad.Scope ignored = Grad.off()) {
            y = x.mul(x);
            assertFalse(Grad.isEnabled());
        }
        assertTrue(Grad.isEnabled());
        assertFalse(y.requiresGrad());
        assertNull(y.op());
        assertThrows(IllegalStateException.class, () -> y.sum().backward());
    }

    @Test
    void detachCutsTheGraph() {
        Variable x = param(2f);
        Variable y = x.mul(x).detach().mul(x); // d/dx = x^2 (the detached factor is a constant)
        y.sum().backward();
        assertArrayEquals(new float[] {4f}, x.grad().toArray());
    }

    @Test
    void theGraphIsReleasedAfterBackward() {
        Variable x = param(1f, 2f);
        Variable loss = x.exp().sum();
        loss.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("released"), e.getMessage());
    }

    @Test
    void deepChainsDoNotOverflowTheStack() {
        Variable x = param(1f);
        Variable y = x;
        for (int i = 0; i < 20_000; i++) {
            y = y.mul(1f);
        }
        y.sum().backward();
        assertEquals(1f, x.grad().item());
    }

    @Test
    void observersSeeEveryOpWithItsInputs() {
        List<String> ops = new ArrayList<>();
        Variable a = param(1f, 2f);
        try (Grad.Scope ignored = Grad.observe((op, in, out) -> ops.add(op + "/" + in.size()));
             Grad.Scope noGrad = Grad.off()) {
            a.mul(a).softmax(0).sum();
        }
        assertEquals(List.of("mul/2", "softmax/1", "sum/1"), ops);
    }

    @Test
    void backwardChecksTheSeedShape() {
        Variable x = param(1f, 2f);
        Variable y = x.mul(2f);
        assertThrows(IllegalArgumentException.class, y::backward);
        assertThrows(IllegalArgumentException.class, () -> y.backward(Tensor.ones(3)));
    }
}
