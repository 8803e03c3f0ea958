package org.transformer4j.nn;

import org.transformer4j.autograd.Grad;
import org.transformer4j.autograd.Variable;
import org.transformer4j.tensor.Tensor;

/**
 * Dynamic 8-bit quantization of the inputs of linear layers, as onnxruntime's quantize_dynamic graphs compute
 * (DynamicQuantizeLinear before each MatMulInteger): over the whole input tensor, scale
 * s = (max(0, max x) - min(0, min x)) / 255 and zero point z = clamp(round(-min(0, min x) / s), 0, 255); each value
 * becomes clamp(round(x / s) + z, 0, 255), rounding half to even. The layer then multiplies (q - z) s by its
 * (dequantized) weight, which equals the integer product scaled by both scales up to float rounding: the
 * arithmetic the graph defines (ONNX Runtime's integer kernels come within a cosine of 0.987 of it on quantized
 * MiniLM, model/MiniLmQuantizedTest). Inference only: with gradients on it is refused.
 *
 * <pre>{@code
 * InputQuantization.enable(model, true);     // every Linear and attention in-projection of model
 * }</pre>
 */
public final class InputQuantization {
    private InputQuantization() {
    }

    /** Turns the quantization of linear inputs on or off in every Linear and MultiHeadAttention under root. */
    public static void enable(Module root, boolean on) {
        if (root instanceof Linear l) {
            l.quantizeInput(on);
        } else if (root instanceof MultiHeadAttention a) {
            a.quantizeInput(on);
        }
        for (Module child : root.children().values()) {
            enable(child, on);
        }
    }

    /** x quantized to 8 bits and back, per tensor, as DynamicQuantizeLinear then (q - z) s. */
    static Variable apply(Variable x) {
        if (Grad.isEnabled()) {
            throw new IllegalStateException("8-bit input quantization is for inference: turn gradients off (Grad.off())");
        }
        Tensor t = x.value().contiguous();
        float[] v = t.toArray();
        float min = 0;
        float max = 0;
        for (float f : v) {
            min = Math.min(min, f);
            max = Math.max(max, f);
        }
        float scale = (max - min) / 255f;
        if (scale == 0 || !Float.isFinite(scale)) {
            return x;
        }
        float zero = (float) Math.max(0, Math.min(255, Math.rint(-min / scale)));
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            float q = (float) Math.max(0, Math.min(255, Math.rint(v[i] / scale) + zero));
            out[i] = (q - zero) * scale;
        }
        return Variable.constant(Tensor.of(out, t.shape()).withKernels(t.kernels()));
    }
}
