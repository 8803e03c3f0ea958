package org.transformer4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.transformer4j.autograd.Grad;
import org.transformer4j.autograd.Variable;
import org.transformer4j.tensor.Tensor;

/** DynamicQuantizeLinear as the ONNX operator documentation's example defines it, then back to floats. */
class InputQuantizationTest {

    @Test
    void theOnnxExampleQuantizesToItsPublishedValues() {
        // ONNX DynamicQuantizeLinear example: x = [0, 2, -3, -2.5, 1.34, 0.5] gives scale 5/255, zero point 153
        // and y = [153, 255, 0, 26, 221, 179].
        float scale = 5f / 255f;
        int[] y = {153, 255, 0, 26, 221, 179};
        float[] expected = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            expected[i] = (y[i] - 153) * scale;
        }
        try (Grad.Scope ignored = Grad.off()) {
            Variable x = Variable.constant(Tensor.of(new float[] {0, 2, -3, -2.5f, 1.34f, 0.5f}, 2, 3));
            assertArrayEquals(expected, InputQuantization.apply(x).value().toArray(), 1e-7f);
        }
    }

    @Test
    void withGradientsOnItIsRefused() {
        Variable x = Variable.leaf(Tensor.of(new float[] {1, 2}, 2), true);
        assertThrows(IllegalStateException.class, () -> InputQuantization.apply(x));
    }
}
