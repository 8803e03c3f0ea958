package org.transformer4j.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.transformer4j.autograd.Variable;
import org.transformer4j.io.Json;
import org.transformer4j.io.SafeTensorsFile;
import org.transformer4j.nn.Activation;
import org.transformer4j.nn.AttentionMask;
import org.transformer4j.nn.LayerSpec;
import org.transformer4j.nn.NormLayer;
import org.transformer4j.nn.NormPlacement;
import org.transformer4j.nn.TorchTransformer;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;

/** Head summaries, query-key forms and layer norms against hand-made maps, numpy and PyTorch's gradients. */
class InspectStatisticsTest {
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    private static AttentionMaps.Map map(float[] weights, int t) {
        return new AttentionMaps.Map("encoder.layers.0.self_attn", AttentionMaps.Kind.SELF, Tensor.of(weights, 1, 1, t, t));
    }

    @Test
    void headSummariesOfHandMadeMaps() {
        // identity: all weight on the diagonal
        HeadSummaries.HeadSummary id = HeadSummaries.summarize(map(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, 3), 0);
        assertEquals(0, id.entropy(), 1e-12);
        assertEquals(0, id.meanDistance(), 1e-12);
        assertEquals(1, id.diagonal(), 1e-12);
        assertEquals(0, id.previousToken(), 1e-12);
        assertEquals(1.0 / 3, id.firstToken(), 1e-12);   // only query 0's diagonal is key 0
        // previous token (query 0 on itself): rows (1,0,0), (1,0,0), (0,1,0)
        HeadSummaries.HeadSummary prev = HeadSummaries.summarize(map(new float[] {1, 0, 0, 1, 0, 0, 0, 1, 0}, 3), 0);
        assertEquals(1, prev.previousToken(), 1e-12);
        assertEquals(2.0 / 3, prev.meanDistance(), 1e-7);   // distances 0, 1, 1
        assertEquals(2.0 / 3, prev.firstToken(), 1e-7);
        // uniform over 4 keys: entropy log 4, mean distance from query q = mean |q - k|
        float[] u = new float[16];
        java.util.Arrays.fill(u, 0.25f);
        HeadSummaries.HeadSummary uni = HeadSummaries.summarize(map(u, 4), 0);
        assertEquals(Math.log(4), uni.entropy(), 1e-6);
        // |q-k| summed over k: q=0: 6, q=1: 4, q=2: 4, q=3: 6 -> mean over q of sum/4 = 20/16
        assertEquals(20.0 / 16, uni.meanDistance(), 1e-6);
        assertEquals(0.25, uni.diagonal(), 1e-7);
    }

    @Test
    @SuppressWarnings("unchecked")
    void queryKeyFormsEqualNumpy() throws Exception {
        TorchTransformer t = torchTransformer();
        Map<String, Object> doc = (Map<String, Object>) Json.parse(
                Files.readString(FIXTURES.resolve("inspect/qk_forms.json"), StandardCharsets.UTF_8));
        List<QueryKeyForms.HeadForm> forms = QueryKeyForms.of(t);
        List<Object> expected = (List<Object>) doc.get("forms");
        assertEquals(expected.size(), forms.size());
        Map<String, QueryKeyForms.HeadForm> byKey = new LinkedHashMap<>();
        forms.forEach(f -> byKey.put(f.module() + "/" + f.head(), f));
        for (Object o : expected) {
            check((Map<String, Object>) o, byKey);
        }
        // Two zeroed rows of head 0's W_Q: rank 2; the other heads keep rank 4.
        Tensor w = t.encoder.namedParameters().get("layers.0.self_attn.in_proj_weight").value();
        float[] zeroed = w.toArray();
        java.util.Arrays.fill(zeroed, 0, 2 * w.dim(1), 0f);
        w.assign(Tensor.of(zeroed, w.shape()));
        Map<String, QueryKeyForms.HeadForm> low = new LinkedHashMap<>();
        QueryKeyForms.of(t).forEach(f -> low.put(f.module() + "/" + f.head(), f));
        for (Object o : (List<Object>) ((Map<String, Object>) doc.get("low_rank")).get("forms")) {
            check((Map<String, Object>) o, low);
        }
        assertEquals(2, low.get("encoder.layers.0.self_attn/0").rank());
    }

    @SuppressWarnings("unchecked")
    private static void check(Map<String, Object> e, Map<String, QueryKeyForms.HeadForm> byKey) {
        String key = e.get("module") + "/" + ((Number) e.get("head")).intValue();
        QueryKeyForms.HeadForm f = byKey.get(key);
        List<Object> sv = (List<Object>) e.get("singular_values");
        for (int i = 0; i < sv.size(); i++) {
            assertEquals(((Number) sv.get(i)).doubleValue(), f.singularValues()[i], 1e-6, key + " singular value " + i);
        }
        assertEquals(((Number) e.get("rank")).intValue(), f.rank(), key + " rank");
        assertEquals(((Number) e.get("frobenius")).doubleValue(), f.frobenius(), 1e-6, key);
        assertEquals(((Number) e.get("symmetric_share")).doubleValue(), f.symmetricShare(), 1e-6, key);
        assertEquals(((Number) e.get("antisymmetric_share")).doubleValue(), f.antisymmetricShare(), 1e-6, key);
    }

    @Test
    void layerGradientNormsEqualPyTorchs() throws Exception {
        // transformer_post's fixture holds torch's gradients of sum(out * grad_out) for every parameter.
        TorchTransformer t = torchTransformer();
        try (SafeTensorsFile f = SafeTensorsFile.open(FIXTURES.resolve("transformer/transformer_post.safetensors"))) {
            Variable src = Variable.constant(f.load("input.src"));
            Variable tgt = Variable.constant(f.load("input.tgt"));
            AttentionMask srcMask = new AttentionMask(f.load("mask.src_key_padding"), false);
            AttentionMask tgtMask = new AttentionMask(f.load("mask.tgt_key_padding"), true);
            AttentionMask memMask = new AttentionMask(f.load("mask.memory_key_padding"), false);
            Variable gradOut = Variable.constant(f.load("grad.out"));
            List<LayerNorms.LayerNorm> norms = LayerNorms.of(t, () -> {
                Variable memory = t.encoder.forward(src, srcMask);
                return t.decoder.forward(tgt, tgtMask, memory, memMask, null).mul(gradOut).sum();
            });
            assertEquals(List.of("encoder.layers.0", "encoder.layers.1", "decoder.layers.0", "decoder.layers.1"),
                    norms.stream().map(LayerNorms.LayerNorm::layer).toList());
            for (LayerNorms.LayerNorm n : norms) {
                double g2 = 0;
                double ff2 = 0;
                long count = 0;
                for (var e : f.entries()) {
                    if (e.name().startsWith("grad.param." + n.layer() + ".")) {
                        double s = 0;
                        for (float x : f.load(e.name()).toArray()) {
                            s += (double) x * x;
                        }
                        g2 += s;
                        count += f.load(e.name()).size();
                        String local = e.name().substring(("grad.param." + n.layer() + ".").length());
                        ff2 += local.startsWith("linear") ? s : 0;
                    }
                }
                assertEquals(Math.sqrt(g2), n.gradientNorm(), 1e-4 * Math.sqrt(g2), n.layer());
                assertEquals(Math.sqrt(ff2), n.feedForwardGradientNorm(), 1e-4 * Math.sqrt(ff2), n.layer());
                assertEquals(count, n.parameters(), n.layer());
                assertTrue(n.activationRms() > 0.5 && n.activationRms() < 2, n + ": a Post-LN layer ends in a norm");
            }
            // gradients are cleared afterwards
            t.namedParameters().values().forEach(p -> assertEquals(null, p.grad()));
        }
    }

    @Test
    void layerOfFindsTheEnclosingLayer() {
        assertEquals("encoder.layers.3", LayerNorms.layerOf("encoder.layers.3.self_attn.out_proj"));
        assertEquals("decoder.layers.0", LayerNorms.layerOf("decoder.layers.0"));
        assertEquals(null, LayerNorms.layerOf("decoder.norm"));
        assertEquals(null, LayerNorms.layerOf(""));
    }

    private static TorchTransformer torchTransformer() throws Exception {
        LayerSpec spec = new LayerSpec(16, 4, 4, 32, Activation.RELU, false, 0f, NormLayer.Kind.LAYER_NORM, 1e-5f,
                NormPlacement.POST, true, LayerSpec.AttentionKind.SOFTMAX, LayerSpec.Positions.NONE, 0);
        TorchTransformer t = new TorchTransformer(spec, new Rng(0));
        try (SafeTensorsFile f = SafeTensorsFile.open(FIXTURES.resolve("transformer/transformer_post.safetensors"))) {
            Map<String, Tensor> params = new LinkedHashMap<>();
            f.entries().forEach(e -> {
                String n = e.name();
                if (!n.startsWith("input.") && !n.startsWith("output.") && !n.startsWith("grad.") && !n.startsWith("mask.")) {
                    params.put(n, f.load(n));
                }
            });
            t.loadStateDict(params, true);
        }
        t.eval();
        return t;
    }
}
