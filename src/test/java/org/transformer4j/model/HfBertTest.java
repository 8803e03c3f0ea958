package org.transformer4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transformer4j.autograd.Grad;
import org.transformer4j.io.OnnxFile;
import org.transformer4j.io.SafeTensorsWriter;
import org.transformer4j.nn.Activation;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;

/**
 * KeyMapping.BERT and HfBert: our encoder written under HF BertModel's names loads back bit for bit; MiniLM's
 * weights from the ONNX file written as an HF folder load to the same model; bad folders are one-line errors.
 */
class HfBertTest {
    /** all-MiniLM-L6-v2's config.json as sentence-transformers publishes it. */
    static final String MINILM_CONFIG = """
            {"_name_or_path": "nreimers/MiniLM-L6-H384-uncased", "architectures": ["BertModel"],
             "attention_probs_dropout_prob": 0.1, "gradient_checkpointing": false, "hidden_act": "gelu",
             "hidden_dropout_prob": 0.1, "hidden_size": 384, "initializer_range": 0.02, "intermediate_size": 1536,
             "layer_norm_eps": 1e-12, "max_position_embeddings": 512, "model_type": "bert", "num_attention_heads": 12,
             "num_hidden_layers": 6, "pad_token_id": 0, "position_embedding_type": "absolute",
             "transformers_version": "4.8.2", "type_vocab_size": 2, "use_cache": true, "vocab_size": 30522}""";

    static final String SMALL_CONFIG = """
            {"model_type": "bert", "vocab_size": 50, "hidden_size": 16, "num_hidden_layers": 2, "num_attention_heads": 4,
             "intermediate_size": 24, "hidden_act": "gelu", "max_position_embeddings": 20, "type_vocab_size": 2,
             "layer_norm_eps": 1e-12}""";

    @TempDir
    Path tmp;

    /** Our state dict under HF BertModel names (with a "bert." prefix and gamma/beta norms when old). */
    static Map<String, Tensor> toHf(Map<String, Tensor> ours, boolean old) {
        Map<String, Tensor> hf = new LinkedHashMap<>();
        String p = old ? "bert." : "";
        String w = old ? "gamma" : "weight";
        String b = old ? "beta" : "bias";
        hf.put(p + "embeddings.word_embeddings.weight", ours.get("embed.tokens.weight"));
        hf.put(p + "embeddings.position_embeddings.weight", ours.get("embed.positions.weight"));
        hf.put(p + "embeddings.token_type_embeddings.weight", ours.get("embed.types.weight"));
        hf.put(p + "embeddings.LayerNorm." + w, ours.get("embed.norm.weight"));
        hf.put(p + "embeddings.LayerNorm." + b, ours.get("embed.norm.bias"));
        for (int l = 0; ours.containsKey("encoder.layers." + l + ".norm1.weight"); l++) {
            String o = "encoder.layers." + l + ".";
            String h = p + "encoder.layer." + l + ".";
            Tensor in = ours.get(o + "self_attn.in_proj_weight");             // (3d, d): W_Q, W_K, W_V stacked
            Tensor inBias = ours.get(o + "self_attn.in_proj_bias");
            int d = in.dim(1);
            String[] qkv = {"query", "key", "value"};
            for (int i = 0; i < 3; i++) {
                hf.put(h + "attention.self." + qkv[i] + ".weight", in.narrow(0, i * d, d).contiguous());
                hf.put(h + "attention.self." + qkv[i] + ".bias", inBias.narrow(0, i * d, d).contiguous());
            }
            for (String s : new String[] {"weight", "bias"}) {
                hf.put(h + "attention.output.dense." + s, ours.get(o + "self_attn.out_proj." + s));
                hf.put(h + "intermediate.dense." + s, ours.get(o + "linear1." + s));
                hf.put(h + "output.dense." + s, ours.get(o + "linear2." + s));
            }
            hf.put(h + "attention.output.LayerNorm." + w, ours.get(o + "norm1.weight"));
            hf.put(h + "attention.output.LayerNorm." + b, ours.get(o + "norm1.bias"));
            hf.put(h + "output.LayerNorm." + w, ours.get(o + "norm2.weight"));
            hf.put(h + "output.LayerNorm." + b, ours.get(o + "norm2.bias"));
        }
        return hf;
    }

    private Path folder(String config, Map<String, Tensor> weights) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("bert" + System.nanoTime()));
        Files.writeString(dir.resolve("config.json"), config);
        SafeTensorsWriter.write(dir.resolve("model.safetensors"), weights);
        return dir;
    }

    private static EncoderOnly small() {
        EncoderOnly m = new EncoderOnly(HfBert.config(50, 16, 4, 2, 24, 20, 2, 1e-12f, Activation.GELU), new Rng(11));
        Map<String, Tensor> state = new LinkedHashMap<>(m.stateDict());
        Rng rng = new Rng(12);
        state.replaceAll((k, v) -> k.contains("norm") ? Tensor.randn(rng, 1f, 0.1f, v.shape()) : v);   // not all 1 and 0
        m.loadStateDict(state, true);
        m.eval();
        return m;
    }

    private static float[] run(EncoderOnly m) {
        Tokens t = Tokens.padded(new int[][] {{1, 7, 9, 3, 2}, {1, 4, 2}}, 0);
        try (Grad.Scope ignored = Grad.off()) {
            return m.forward(t, new int[] {0, 0, 1, 1, 1, 0, 1, 1, 0, 0}).value().toArray();
        }
    }

    @Test
    void ourEncoderUnderHfNamesLoadsBackBitForBit() throws IOException {
        EncoderOnly ours = small();
        for (boolean old : new boolean[] {false, true}) {
            Map<String, Tensor> hf = toHf(ours.stateDict(), old);
            hf.put((old ? "bert." : "") + "pooler.dense.weight", Tensor.zeros(16, 16));     // skipped
            hf.put((old ? "bert." : "") + "embeddings.position_ids", Tensor.arange(20).reshape(1, 20));
            EncoderOnly back = (EncoderOnly) HfModels.load(folder(SMALL_CONFIG, hf));
            assertEquals(ours.config(), back.config());
            ours.stateDict().forEach((k, v) -> assertArrayEquals(v.toArray(), back.stateDict().get(k).toArray(), k));
            assertArrayEquals(run(ours), run(back));
        }
    }

    @Test
    void miniLmWeightsFromOnnxWrittenAsAnHfFolderGiveTheSameEmbeddings() throws IOException {
        Map<String, Tensor> hf = new LinkedHashMap<>();
        try (FileSystem zip = FileSystems.newFileSystem(MiniLmFixtures.jar());
             OnnxFile f = OnnxFile.open(zip.getPath("/all-minilm-l6-v2.onnx"))) {
            OnnxBert.hfNames(f).forEach((name, w) -> {
                if (!name.equals("embeddings.position_ids")) {
                    Tensor t = f.load(w.entry(), org.transformer4j.tensor.Kernels.defaults());
                    hf.put(name, w.transpose() ? t.transpose(0, 1).contiguous() : t);
                }
            });
        }
        assertEquals(6 * 16 + 5, hf.size());
        assertArrayEquals(new int[] {384, 1536}, hf.get("encoder.layer.3.output.dense.weight").shape());   // (out, in)
        EncoderOnly fromFolder = HfBert.load(folder(MINILM_CONFIG, hf));
        EncoderOnly fromOnnx = MiniLmFixtures.model();
        assertEquals(fromOnnx.config(), fromFolder.config());
        int[][] ids = {MiniLmFixtures.tokenizer().encode("A sentence to embed."), MiniLmFixtures.tokenizer().encode("Two.")};
        float[][] a = SentenceEmbeddings.embed(fromOnnx, Tokens.padded(ids, 0));
        float[][] b = SentenceEmbeddings.embed(fromFolder, Tokens.padded(ids, 0));
        assertArrayEquals(a[0], b[0]);
        assertArrayEquals(a[1], b[1]);
    }

    @Test
    void badFoldersAreOneLineErrors() throws IOException {
        Map<String, Tensor> hf = toHf(small().stateDict(), false);
        error(folder(SMALL_CONFIG.replace("\"layer_norm_eps\"", "\"rotary\": 1, \"layer_norm_eps\""), hf),
                "config.json: unknown config key 'rotary'");
        error(folder(SMALL_CONFIG.replace("}", ", \"is_decoder\": true}"), hf), "a BERT decoder");
        error(folder(SMALL_CONFIG.replace("}", ", \"position_embedding_type\": \"relative_key\"}"), hf),
                "position_embedding_type \"relative_key\" is not supported");
        error(folder(SMALL_CONFIG.replace("\"gelu\"", "\"mish\""), hf), "hidden_act 'mish' is not supported");
        error(folder(SMALL_CONFIG.replace("\"num_attention_heads\": 4", "\"num_attention_heads\": 5"), hf),
                "config field d_model: invalid value 16 (not divisible by heads = 5)");
        Map<String, Tensor> extra = new LinkedHashMap<>(hf);
        extra.put("classifier.weight", Tensor.zeros(2, 16));
        error(folder(SMALL_CONFIG, extra), "bert checkpoint: tensor 'classifier.weight' has no counterpart in the model");
        Map<String, Tensor> missing = new LinkedHashMap<>(hf);
        missing.remove("encoder.layer.1.attention.self.key.bias");
        error(folder(SMALL_CONFIG, missing), "lacks part 2 of 3 of encoder.layers.1.self_attn.in_proj_bias");
        Map<String, Tensor> wrong = new LinkedHashMap<>(hf);
        wrong.put("encoder.layer.0.intermediate.dense.weight", Tensor.zeros(16, 24));
        error(folder(SMALL_CONFIG, wrong), "'encoder.layer.0.intermediate.dense.weight' has shape (16, 24), which does not fit"
                + " encoder.layers.0.linear1.weight of shape (24, 16)");
        assertEquals("encoder.layers.4.self_attn.in_proj_weight", KeyMapping.BERT.ours("bert.encoder.layer.4.attention.self.value.weight"));
        assertTrue(KeyMapping.BERT.knows("cls.predictions.bias") && KeyMapping.BERT.ours("cls.predictions.bias") == null);
        assertFalse(KeyMapping.BERT.knows("encoder.layer.0.attention.self.rotary.weight"));
    }

    private static void error(Path dir, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HfModels.load(dir));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
