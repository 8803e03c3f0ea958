package org.transformer4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.transformer4j.autograd.Grad;
import org.transformer4j.io.SafeTensorsFile;
import org.transformer4j.io.SafeTensorsWriter;
import org.transformer4j.nn.Module;
import org.transformer4j.tensor.Tensor;
import org.transformer4j.testing.Approx;

/**
 * Hugging Face folders that are not what they claim: each is refused with one line that names the file,
 * the key or the tensor. Also the sharded layout (model.safetensors.index.json), which must load the same.
 */
class HfFolderErrorsTest {
    private static final Path FIXTURE = HfMarianTest.DIR;

    @TempDir
    Path tmp;

    /** A copy of the Marian fixture with config.json edited as text and the weights edited as a map. */
    private Path folder(UnaryOperator<String> config, UnaryOperator<Map<String, Tensor>> weights) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("m" + System.nanoTime()));
        Files.writeString(dir.resolve("config.json"), config.apply(Files.readString(FIXTURE.resolve("config.json"))));
        Files.copy(FIXTURE.resolve("generation_config.json"), dir.resolve("generation_config.json"));
        Map<String, Tensor> w = new LinkedHashMap<>(SafeTensorsFile.readAll(FIXTURE.resolve("model.safetensors")));
        SafeTensorsWriter.write(dir.resolve("model.safetensors"), weights.apply(w));
        return dir;
    }

    private static String oneLineError(Executable load, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, load);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' lacks '" + p + "'");
        }
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void missingUnknownAndWrongConfigKeysAreNamed() throws IOException {
        Path noDModel = folder(c -> c.replace("\"d_model\": 32,", ""), w -> w);
        // A missing d_model is MarianConfig's default, 1024, which the tiny weights do not fit.
        oneLineError(() -> HfModels.load(noDModel), "config.json", "width 1024", "the weights hold");
        Path unknown = folder(c -> c.replace("\"d_model\": 32,", "\"d_model\": 32, \"rotary_dim\": 8,"), w -> w);
        oneLineError(() -> HfModels.load(unknown), "config.json", "unknown config key 'rotary_dim'");
        Path badValue = folder(c -> c.replace("\"encoder_layers\": 2,", "\"encoder_layers\": \"two\","), w -> w);
        oneLineError(() -> HfModels.load(badValue), "encoder_layers", "\"two\"");
        Path badAct = folder(c -> c.replace("\"activation_function\": \"gelu\"", "\"activation_function\": \"mish\""), w -> w);
        oneLineError(() -> HfModels.load(badAct), "activation_function", "mish");
        Path oddHeads = folder(c -> c.replace("\"encoder_attention_heads\": 4", "\"encoder_attention_heads\": 5")
                .replace("\"decoder_attention_heads\": 4", "\"decoder_attention_heads\": 5"), w -> w);
        oneLineError(() -> HfModels.load(oddHeads), "config.json", "d_model", "heads = 5");
        Path unequal = folder(c -> c.replace("\"decoder_ffn_dim\": 64", "\"decoder_ffn_dim\": 48"), w -> w);
        oneLineError(() -> HfModels.load(unequal), "decoder_ffn_dim 48 differs from encoder_ffn_dim 64");
    }

    @Test
    void unsupportedModelTypesAndArchitecturesAreRefused() throws IOException {
        Path bart = folder(c -> c.replace("\"model_type\": \"marian\"", "\"model_type\": \"bart\""), w -> w);
        oneLineError(() -> HfModels.load(bart), "model_type 'bart' is not supported", "gpt2, marian");
        oneLineError(() -> HfModels.config(bart), "model_type 'bart' is not supported");
        Path causal = folder(c -> c.replace("\"MarianMTModel\"", "\"MarianForCausalLM\""), w -> w);
        oneLineError(() -> HfModels.load(causal), "MarianForCausalLM", "not supported");
        Path noType = folder(c -> c.replace("\"model_type\": \"marian\",", ""), w -> w);
        assertFalse(HfModels.isHfFolder(noType), "without model_type it is not an HF folder");
        oneLineError(() -> HfModels.load(noType), "model_type", "missing");
    }

    @Test
    void aConfigFarLargerThanTheWeightsIsRefusedBeforeBuilding() throws IOException {
        // Built as written these would need gigabytes: refused from the safetensors headers alone.
        Path hugeVocab = folder(c -> c.replace("\"vocab_size\": 1000", "\"vocab_size\": 500000000"), w -> w);
        oneLineError(() -> HfMarian.load(hugeVocab), "config.json", "describes a model of", "but the weights hold");
        Path deep = folder(c -> c.replace("\"encoder_layers\": 2", "\"encoder_layers\": 10000000"), w -> w);
        oneLineError(() -> HfMarian.load(deep), "config.json", "describes a model of");
        Path longPositions = folder(c -> c.replace("\"max_position_embeddings\": 64", "\"max_position_embeddings\": 2000000000"),
                w -> w);
        oneLineError(() -> HfMarian.load(longPositions), "config.json", "positions");
    }

    @Test
    void weightsThatDisagreeWithTheConfigNameTheTensor() throws IOException {
        Path narrowFfn = folder(c -> c.replace("\"encoder_ffn_dim\": 64", "\"encoder_ffn_dim\": 48")
                .replace("\"decoder_ffn_dim\": 64", "\"decoder_ffn_dim\": 48"), w -> w);
        oneLineError(() -> HfModels.load(narrowFfn), ".fc1.", "has shape (64", "of shape (48");
        Path badQ = folder(c -> c, w -> {
            w.put("model.decoder.layers.1.encoder_attn.q_proj.weight", Tensor.zeros(32, 31));
            return w;
        });
        oneLineError(() -> HfModels.load(badQ), "'model.decoder.layers.1.encoder_attn.q_proj.weight'", "(32, 31)",
                "decoder.layers.1.multihead_attn.in_proj_weight", "(96, 32)", "part 1 of 3");
        Path badBias = folder(c -> c, w -> {
            w.put("final_logits_bias", Tensor.zeros(1, 999));
            return w;
        });
        oneLineError(() -> HfModels.load(badBias), "'final_logits_bias'", "(1, 999)");
        Path oneLayer = folder(c -> c.replace("\"encoder_layers\": 2", "\"encoder_layers\": 1"), w -> w);
        oneLineError(() -> HfModels.load(oneLayer), "'model.encoder.layers.1.", "does not have");
    }

    @Test
    void missingAndForeignTensorsAreNamed() throws IOException {
        Path noV = folder(c -> c, w -> {
            w.remove("model.encoder.layers.0.self_attn.v_proj.weight");
            return w;
        });
        oneLineError(() -> HfModels.load(noV), "lacks part 3 of 3 of encoder.layers.0.self_attn.in_proj_weight");
        Path noNorm = folder(c -> c, w -> {
            w.remove("model.decoder.layers.0.final_layer_norm.weight");
            return w;
        });
        oneLineError(() -> HfModels.load(noNorm), "lacks 1 tensors", "decoder.layers.0.norm3.weight");
        Path extra = folder(c -> c, w -> {
            w.put("model.encoder.layernorm_embedding.weight", Tensor.zeros(32));
            return w;
        });
        oneLineError(() -> HfModels.load(extra), "'model.encoder.layernorm_embedding.weight' has no counterpart");
    }

    @Test
    void truncatedOrMalformedFilesAreOneLineErrors() throws IOException {
        Path truncated = folder(c -> c, w -> w);
        byte[] bytes = Files.readAllBytes(truncated.resolve("model.safetensors"));
        Files.write(truncated.resolve("model.safetensors"), java.util.Arrays.copyOf(bytes, bytes.length - 100));
        oneLineError(() -> HfModels.load(truncated), "model.safetensors");
        Path garbage = folder(c -> c, w -> w);
        Files.writeString(garbage.resolve("model.safetensors"), "not a safetensors file at all");
        oneLineError(() -> HfModels.load(garbage), "model.safetensors");
        Path badJson = folder(c -> c.substring(0, c.length() / 2), w -> w);
        oneLineError(() -> HfModels.load(badJson), "config.json", "not valid JSON");
        Path noWeights = folder(c -> c, w -> w);
        Files.delete(noWeights.resolve("model.safetensors"));
        oneLineError(() -> HfModels.load(noWeights), "model.safetensors.index.json");
    }

    @Test
    void aShardedFolderLoadsTheSameModel() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("sharded"));
        Files.copy(FIXTURE.resolve("config.json"), dir.resolve("config.json"));
        Map<String, Tensor> all = new TreeMap<>(SafeTensorsFile.readAll(FIXTURE.resolve("model.safetensors")));
        Map<String, Tensor> encoder = new LinkedHashMap<>();
        Map<String, Tensor> rest = new LinkedHashMap<>();
        StringBuilder index = new StringBuilder("{\"metadata\": {}, \"weight_map\": {");
        all.forEach((k, v) -> {
            boolean first = k.startsWith("model.encoder.");
            (first ? encoder : rest).put(k, v);
            index.append(index.charAt(index.length() - 1) == '{' ? "" : ", ").append('"').append(k).append("\": \"")
                    .append(first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors").append('"');
        });
        SafeTensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"), encoder);
        SafeTensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"), rest);
        Files.writeString(dir.resolve("model.safetensors.index.json"), index.append("}}").toString());
        Module sharded = HfModels.load(dir);
        EncoderDecoder single = HfMarian.load(FIXTURE);
        try (Grad.Scope g = Grad.off()) {
            Tokens src = Tokens.of(5, 17, 230, 0);
            Tokens tgt = Tokens.of(999, 5, 17);
            Approx.assertMatches("sharded", single.forward(src, tgt).value(), ((EncoderDecoder) sharded).forward(src, tgt).value(), 0);
        }
        assertEquals(single.stateDict().keySet(), sharded.stateDict().keySet());
    }
}
