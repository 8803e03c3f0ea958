package org.transformer4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.transformer4j.autograd.Grad;
import org.transformer4j.autograd.Variable;
import org.transformer4j.io.SafeTensorsFile;
import org.transformer4j.nn.AttentionMask;
import org.transformer4j.nn.NormPlacement;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;
import org.transformer4j.testing.Approx;

/** Loading a torch.nn.Transformer state dict into an EncoderDecoder, and the initialisation schemes. */
class LoadingAndInitTest {
    private static final Path TORCH = Path.of("src/test/resources/fixtures/transformer/transformer_post.safetensors");

    private static TransformerConfig torchShaped() {
        // torch.nn.Transformer(d_model=16, nhead=4, 2+2 layers, dim_feedforward=32, norm_first=False).
        return TorchTransformerLoader.configFor(TransformerConfig.tinyPaper().withDModel(16).withDFF(32)
                .withLayerNormEps(1e-5f).withDropout(0f));
    }

    @Test
    void aTorchTransformerStateDictLoadsDirectly() throws Exception {
        EncoderDecoder model = new EncoderDecoder(torchShaped(), new Rng(1));
        assertTrue(model.config().finalNorm(), "torch.nn.Transformer always has the final norms");
        TorchTransformerLoader.load(model, TORCH);
        model.eval();
        try (SafeTensorsFile f = SafeTensorsFile.open(TORCH); Grad.Scope ignored = Grad.off()) {
            Variable memory = model.encoder().forward(Variable.constant(f.load("input.src")),
                    new AttentionMask(f.load("mask.src_key_padding"), false));
            Approx.assertMatches("encoder output", f.load("output.memory"), memory.value(), 1e-4);
            Variable out = model.decoder().forward(Variable.constant(f.load("input.tgt")),
                    new AttentionMask(f.load("mask.tgt_key_padding"), true), memory,
                    new AttentionMask(f.load("mask.memory_key_padding"), false), null);
            Approx.assertMatches("decoder output", f.load("output.out"), out.value(), 1e-4);
        }
    }

    @Test
    void aMismatchedConfigIsNamedInTheError() {
        EncoderDecoder wrong = new EncoderDecoder(torchShaped().withDecoderLayers(3), new Rng(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TorchTransformerLoader.load(wrong, TORCH));
        assertTrue(e.getMessage().contains("decoder.layers.2"), e.getMessage());
        EncoderDecoder noFinalNorm = new EncoderDecoder(torchShaped().withFinalNorm(false), new Rng(1));
        e = assertThrows(IllegalArgumentException.class, () -> TorchTransformerLoader.load(noFinalNorm, TORCH));
        assertTrue(e.getMessage().contains("unexpected decoder.norm.bias"), e.getMessage());
    }

    @Test
    void xavierInitialisationHasTheGlorotBound() {
        EncoderDecoder model = new EncoderDecoder(TransformerConfig.tinyPaper(), new Rng(2));
        Tensor w = model.namedParameters().get("encoder.layers.0.linear1.weight").value(); // (256, 64)
        double bound = Math.sqrt(6.0 / (256 + 64));
        float[] v = w.toArray();
        double max = 0;
        double sq = 0;
        for (float x : v) {
            max = Math.max(max, Math.abs(x));
            sq += x * x;
        }
        assertTrue(max <= bound && max > 0.95 * bound, "max " + max + " bound " + bound);
        // Uniform(-b, b) has variance b^2 / 3.
        assertEquals(bound * bound / 3, sq / v.length, 0.1 * bound * bound / 3);
        // Shared embeddings: one matrix for source, target and output (the paper's section 3.4).
        Map<String, Variable> p = model.namedParameters();
        assertSame(p.get("src_embed.tokens.weight"), p.get("tgt_embed.tokens.weight"));
        assertSame(p.get("src_embed.tokens.weight"), p.get("generator.weight"));
    }

    @Test
    void gpt2InitialisationScalesResidualProjections() {
        TransformerConfig c = TransformerConfig.tinyGpt().withDModel(128).withDFF(512).withDecoderLayers(8);
        DecoderOnly model = new DecoderOnly(c, new Rng(3));
        Map<String, Variable> p = model.namedParameters();
        assertEquals(0.02, std(p.get("decoder.layers.0.linear1.weight").value()), 0.002);
        assertEquals(0.02 / Math.sqrt(16), std(p.get("decoder.layers.0.linear2.weight").value()), 0.0005);
        assertEquals(0.02 / Math.sqrt(16), std(p.get("decoder.layers.3.self_attn.out_proj.weight").value()), 0.0005);
        assertEquals(0f, p.get("decoder.layers.0.linear1.bias").value().sum().item(), 0f);
        assertEquals(128f, p.get("decoder.layers.0.norm1.weight").value().sum().item(), 0f);
        assertSame(p.get("embed.tokens.weight"), p.get("lm_head.weight"));
        assertEquals(NormPlacement.PRE, model.config().normPlacement());
    }

    private static double std(Tensor t) {
        float[] v = t.toArray();
        double s = 0;
        double s2 = 0;
        for (float x : v) {
            s += x;
            s2 += (double) x * x;
        }
        double mean = s / v.length;
        return Math.sqrt(s2 / v.length - mean * mean);
    }
}
