package org.transformer4j.inspect;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.transformer4j.autograd.Functions;
import org.transformer4j.autograd.Grad;
import org.transformer4j.autograd.Variable;
import org.transformer4j.model.DecoderOnly;
import org.transformer4j.model.EncoderDecoder;
import org.transformer4j.model.EncoderOnly;
import org.transformer4j.model.Tokens;
import org.transformer4j.nn.Module;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;

/**
 * Activation and gradient norms per layer for one batch (Xiong et al. 2020, "On Layer Normalization in
 * the Transformer Architecture": at initialization, Post-LN's gradients grow towards the top layers while
 * Pre-LN's stay level, which is why Post-LN needs learning-rate warmup). A layer is a member of a
 * "layers" list (encoder.layers.0, decoder.layers.3, ...); its activation is the output of its last op,
 * its gradient norm the L2 norm of the gradients of all its parameters after backward of the loss.
 */
public final class LayerNorms {
    private static final Pattern LAYER = Pattern.compile("(.*\\.)?layers\\.\\d+");

    private LayerNorms() {
    }

    /**
     * One layer's numbers.
     *
     * @param layer          the layer's module path
     * @param activationRms  root mean square of the layer's output
     * @param gradientNorm   L2 norm of the gradients of the layer's parameters
     * @param feedForwardGradientNorm L2 norm of the gradients of the layer's feed-forward parameters
     * @param parameters     the number of scalar parameters in the layer
     */
    public record LayerNorm(String layer, double activationRms, double gradientNorm, double feedForwardGradientNorm,
                            long parameters) {
    }

    /** Runs the loss forward (recording each layer's output) and backward; the model's gradients are cleared first and after. */
    public static List<LayerNorm> of(Module model, Supplier<Variable> loss) {
        Map<String, Variable> params = model.namedParameters();
        params.values().forEach(Variable::zeroGrad);
        Map<String, Variable> outputs = new LinkedHashMap<>();
        Variable l;
        try (Grad.Scope ignored = Grad.observe((op, inputs, output) -> {
            String layer = layerOf(Grad.modulePath());
            if (layer != null) {
                outputs.put(layer, output);   // the last op run inside the layer is its output
            }
        })) {
            l = loss.get();
        }
        l.backward();
        List<LayerNorm> out = new ArrayList<>();
        for (Map.Entry<String, Variable> e : outputs.entrySet()) {
            String prefix = e.getKey() + ".";
            double g2 = 0;
            double ff2 = 0;
            long count = 0;
            for (Map.Entry<String, Variable> p : params.entrySet()) {
                if (p.getKey().startsWith(prefix)) {
                    count += p.getValue().value().size();
                    Tensor g = p.getValue().grad();
                    if (g != null) {
                        double s = sumOfSquares(g);
                        g2 += s;
                        String local = p.getKey().substring(prefix.length());
                        if (local.startsWith("linear1.") || local.startsWith("linear2.") || local.startsWith("linear_gate.")) {
                            ff2 += s;
                        }
                    }
                }
            }
            Tensor a = e.getValue().value();
            out.add(new LayerNorm(e.getKey(), Math.sqrt(sumOfSquares(a) / Math.max(1, a.size())), Math.sqrt(g2),
                    Math.sqrt(ff2), count));
        }
        params.values().forEach(Variable::zeroGrad);
        return out;
    }

    /**
     * The loss the Xiong et al. analysis uses, on a random batch: cross-entropy of the model's next-token
     * (or target) logits against random ids (batch rows of length tokens, ids from rng). For an
     * encoder-only model without a head, the mean square of the final hidden states.
     */
    public static Supplier<Variable> randomBatchLoss(Module model, int batch, int tokens, Rng rng) {
        return switch (model) {
            case EncoderDecoder m -> () -> {
                Variable logits = m.forward(random(batch, tokens, m.config().sourceVocabSize(), rng),
                        random(batch, tokens, m.config().vocabSize(), rng));   // (B, T, V)
                return Functions.crossEntropy(logits.reshape(-1, logits.dim(-1)), ids(batch * tokens, m.config().vocabSize(), rng),
                        -100, 0f);
            };
            case DecoderOnly m -> () -> {
                Variable logits = m.forward(random(batch, tokens, m.config().vocabSize(), rng));   // (B, T, V)
                return Functions.crossEntropy(logits.reshape(-1, logits.dim(-1)), ids(batch * tokens, m.config().vocabSize(), rng),
                        -100, 0f);
            };
            case EncoderOnly m -> () -> {
                Variable h = m.forward(random(batch, tokens, m.config().vocabSize(), rng), null);   // (B, T, d)
                return h.mul(h).mean();
            };
            default -> throw new IllegalArgumentException("no loss for " + model.getClass().getSimpleName());
        };
    }

    static String layerOf(String path) {
        // the shortest prefix of the path that is a layer: encoder.layers.0.self_attn -> encoder.layers.0
        int from = 0;
        while (true) {
            int dot = path.indexOf('.', from);
            String prefix = dot < 0 ? path : path.substring(0, dot);
            if (LAYER.matcher(prefix).matches()) {
                return prefix;
            }
            if (dot < 0) {
                return null;
            }
            from = dot + 1;
        }
    }

    private static Tokens random(int batch, int tokens, int vocab, Rng rng) {
        int[][] rows = new int[batch][];
        for (int b = 0; b < batch; b++) {
            rows[b] = ids(tokens, vocab, rng);
        }
        return Tokens.padded(rows, -1);
    }

    private static int[] ids(int n, int vocab, Rng rng) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = rng.nextInt(vocab);
        }
        return out;
    }

    private static double sumOfSquares(Tensor t) {
        double s = 0;
        for (float x : t.contiguous().toArray()) {
            s += (double) x * x;
        }
        return s;
    }
}
