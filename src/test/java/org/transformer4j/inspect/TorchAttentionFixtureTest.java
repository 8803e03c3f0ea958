package org.transformer4j.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.transformer4j.autograd.Grad;
import org.transformer4j.autograd.Variable;
import org.transformer4j.io.SafeTensorsFile;
import org.transformer4j.nn.Activation;
import org.transformer4j.nn.AttentionMask;
import org.transformer4j.nn.LayerSpec;
import org.transformer4j.nn.TorchTransformer;
import org.transformer4j.nn.NormLayer;
import org.transformer4j.nn.NormPlacement;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;
import org.transformer4j.testing.Approx;

/**
 * Attention maps against torch's own per-head weights (nn.MultiheadAttention with need_weights=True,
 * average_attn_weights=False inside nn.Transformer, Post-LN and Pre-LN, padding and causal masks), from
 * tools/make_attention_fixtures.py. The maps come from the ordinary forward pass, captured.
 */
class TorchAttentionFixtureTest {
    private static final Path DIR = Path.of("src/test/resources/fixtures/transformer");

    @ParameterizedTest
    @ValueSource(strings = {"post", "pre"})
    void capturedMapsEqualTorchsAttentionWeights(String variant) throws Exception {
        LayerSpec spec = new LayerSpec(16, 4, 4, 32, Activation.RELU, false, 0f, NormLayer.Kind.LAYER_NORM, 1e-5f,
                variant.equals("pre") ? NormPlacement.PRE : NormPlacement.POST, true, LayerSpec.AttentionKind.SOFTMAX,
                LayerSpec.Positions.NONE, 0);
        TorchTransformer t = new TorchTransformer(spec, new Rng(0));
        List<AttentionMaps.Map> maps;
        try (SafeTensorsFile model = SafeTensorsFile.open(DIR.resolve("transformer_" + variant + ".safetensors"));
             SafeTensorsFile expected = SafeTensorsFile.open(DIR.resolve("attention_" + variant + ".safetensors"))) {
            Map<String, Tensor> params = new LinkedHashMap<>();
            model.entries().forEach(e -> {
                String n = e.name();
                if (!n.startsWith("input.") && !n.startsWith("output.") && !n.startsWith("grad.") && !n.startsWith("mask.")) {
                    params.put(n, model.load(n));
                }
            });
            t.loadStateDict(params, true);
            t.eval();
            Variable src = Variable.constant(model.load("input.src"));
            Variable tgt = Variable.constant(model.load("input.tgt"));
            AttentionMask srcMask = new AttentionMask(model.load("mask.src_key_padding"), false);
            AttentionMask tgtMask = new AttentionMask(model.load("mask.tgt_key_padding"), true);
            AttentionMask memMask = new AttentionMask(model.load("mask.memory_key_padding"), false);
            try (Grad.Scope ignored = Grad.off()) {
                maps = AttentionMaps.capture(() -> {
                    Variable memory = t.encoder.forward(src, srcMask);
                    return t.decoder.forward(tgt, tgtMask, memory, memMask, null);
                });
            }
            assertEquals(6, maps.size());
            assertEquals(6, expected.entries().size());
            for (AttentionMaps.Map m : maps) {
                Approx.assertMatches(variant + " " + m.module(), expected.load("weights." + m.module()), m.weights(), 1e-5);
            }
        }
    }
}
