package org.transformer4j.nn;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.transformer4j.autograd.Variable;
import org.transformer4j.io.SafeTensorsFile;
import org.transformer4j.tensor.Kernels;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;
import org.transformer4j.testing.Approx;

/**
 * torch.nn.TransformerEncoderLayer, TransformerDecoderLayer and Transformer (Post-LN and Pre-LN, padding
 * and causal masks, dropout 0) against fixtures from tools/make_transformer_fixtures.py: the torch state
 * dict loads key for key; outputs and the gradient of every parameter and input agree within 1e-4
 * relative to the reference's magnitude.
 */
class TorchTransformerFixtureTest {
    private static final double TOL = 1e-4;

    private static LayerSpec spec(boolean pre, Activation act) {
        return new LayerSpec(16, 4, 4, 32, act, false, 0f, NormLayer.Kind.LAYER_NORM, 1e-5f,
                pre ? NormPlacement.PRE : NormPlacement.POST, true, LayerSpec.AttentionKind.SOFTMAX,
                LayerSpec.Positions.NONE, 0);
    }

    private static Map<String, Tensor> parameters(SafeTensorsFile f, Kernels k) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        f.entries().forEach(e -> {
            String n = e.name();
            if (!n.startsWith("input.") && !n.startsWith("output.") && !n.startsWith("grad.") && !n.startsWith("mask.")) {
                out.put(n, f.load(n, k));
            }
        });
        return out;
    }

    private static SafeTensorsFile open(String name) throws Exception {
        return SafeTensorsFile.open(Path.of("src/test/resources/fixtures/transformer/" + name + ".safetensors"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"encoder_layer_post", "encoder_layer_pre", "decoder_layer_post", "decoder_layer_pre",
        "transformer_post", "transformer_pre"})
    void matchesPyTorch(String name) throws Exception {
        for (Kernels k : new Kernels[] {Kernels.scalar(), Kernels.vector()}) {
            try (SafeTensorsFile f = open(name)) {
                check(name, f, k);
            }
        }
    }

    private static void check(String name, SafeTensorsFile f, Kernels k) {
        boolean pre = name.endsWith("_pre");
        LayerSpec spec = spec(pre, name.equals("encoder_layer_pre") ? Activation.GELU : Activation.RELU);
        Rng rng = new Rng(0);
        Map<String, Variable> inputs = new LinkedHashMap<>();
        for (String in : new String[] {"src", "tgt", "memory"}) {
            if (f.contains("input." + in)) {
                inputs.put(in, Variable.parameter(f.load("input." + in, k)));
            }
        }
        Module module;
        Variable out;
        if (name.startsWith("encoder_layer")) {
            EncoderLayer layer = new EncoderLayer(spec, rng);
            module = layer;
            layer.loadStateDict(parameters(f, k), true);
            out = layer.forward(inputs.get("src"), new AttentionMask(f.load("mask.src_key_padding", k), false));
        } else if (name.startsWith("decoder_layer")) {
            DecoderLayer layer = new DecoderLayer(spec, true, rng);
            module = layer;
            layer.loadStateDict(parameters(f, k), true);
            out = layer.forward(inputs.get("tgt"), new AttentionMask(f.load("mask.tgt_key_padding", k), true),
                    inputs.get("memory"), new AttentionMask(f.load("mask.memory_key_padding", k), false), null);
        } else {
            TorchTransformer t = new TorchTransformer(spec, rng);
            module = t;
            t.loadStateDict(parameters(f, k), true);
            Variable memory = t.encoder.forward(inputs.get("src"), new AttentionMask(f.load("mask.src_key_padding", k), false));
            Approx.assertMatches(name + " encoder output", f.load("output.memory", k), memory.value(), TOL);
            out = t.decoder.forward(inputs.get("tgt"), new AttentionMask(f.load("mask.tgt_key_padding", k), true),
                    memory, new AttentionMask(f.load("mask.memory_key_padding", k), false), null);
        }
        assertTrue(isCausalFixture(f, k), "fixture's causal mask must be the standard one");
        Approx.assertMatches(name + " output (" + k.name() + ")", f.load("output.out", k), out.value(), TOL);
        out.backward(f.load("grad.out", k));
        module.namedParameters().forEach((key, p) -> {
            assertNotNull(p.grad(), name + ": no gradient for " + key);
            Approx.assertMatches(name + " grad " + key + " (" + k.name() + ")",
                    f.load("grad.param." + key, k), p.grad(), TOL);
        });
        inputs.forEach((in, v) -> Approx.assertMatches(name + " grad input " + in + " (" + k.name() + ")",
                f.load("grad.input." + in, k), v.grad(), TOL));
    }

    /** Our causal mask is built, not read; check the fixture used the same one (1 strictly above the diagonal). */
    private static boolean isCausalFixture(SafeTensorsFile f, Kernels k) {
        if (!f.contains("mask.tgt_causal")) {
            return true;
        }
        Tensor m = f.load("mask.tgt_causal", k);
        int t = m.dim(0);
        Tensor ours = AttentionMask.CAUSAL.build(1, t, t, 0).reshape(t, t);
        return java.util.Arrays.equals(m.toArray(), ours.toArray());
    }
}
