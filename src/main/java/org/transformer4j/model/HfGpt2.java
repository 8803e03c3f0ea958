package org.transformer4j.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.transformer4j.io.DType;
import org.transformer4j.io.SafeTensorsFile;
import org.transformer4j.io.TensorEntry;
import org.transformer4j.nn.Activation;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;
import org.transformer4j.tensor.WeightMatrix;
import org.transformer4j.tensor.WorkerTeam;

/**
 * A GPT-2 model from a Hugging Face folder: config.json plus model.safetensors (or a sharded
 * model.safetensors.index.json), names mapped by {@link KeyMapping#GPT2}.
 */
public final class HfGpt2 {
    private HfGpt2() {
    }

    /** Our config for an HF GPT-2 config.json. */
    public static TransformerConfig config(Path configJson) throws IOException {
        return config(HfFiles.JsonFile.read(configJson));
    }

    static TransformerConfig config(HfFiles.JsonFile file) {
        Map<String, Object> c = file.json();
        if (file.has("model_type") && !"gpt2".equals(c.get("model_type"))) {
            throw new IllegalArgumentException(file.file() + ": model_type " + file.describe(c.get("model_type"))
                    + " is not gpt2");
        }
        int d = file.integer("n_embd", 1, 768);                       // HF GPT2Config's defaults where a key is absent
        int heads = file.integer("n_head", 1, 12);
        if (d % heads != 0) {
            throw new IllegalArgumentException(file.file() + ": n_embd " + d + " is not divisible by n_head " + heads);
        }
        if (!file.bool("scale_attn_weights", true)) {
            throw new IllegalArgumentException(file.file() + ": scale_attn_weights = false is not supported");
        }
        if (file.bool("scale_attn_by_inverse_layer_idx", false)) {
            throw new IllegalArgumentException(file.file() + ": scale_attn_by_inverse_layer_idx = true is not supported");
        }
        String act = String.valueOf(c.getOrDefault("activation_function", "gelu_new"));
        Activation activation = switch (act) {
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> Activation.GELU_TANH;
            case "gelu", "gelu_python" -> Activation.GELU;
            case "relu" -> Activation.RELU;
            case "silu", "swish" -> Activation.SILU;
            default -> throw new IllegalArgumentException(file.file() + ": activation_function '" + act + "' is not supported");
        };
        int positions = file.has("n_positions") ? file.integer("n_positions", 1) : file.integer("n_ctx", 1, 1024);
        return TransformerConfig.gpt2().withVocabSize(file.integer("vocab_size", 1, 50257)).withHeads(1).withDModel(d)
                .withHeads(heads).withDecoderLayers(file.integer("n_layer", 1, 12))
                .withMaxPositions(positions)
                .withDFF(file.integer("n_inner", 1, 4 * d))
                .withLayerNormEps((float) file.number("layer_norm_epsilon", 1e-5))
                .withActivation(activation).withDropout(0f)
                .withTieOutput(file.bool("tie_word_embeddings", true));
    }

    /** The key mapping for a config: lm_head.weight is read only when the output is not tied to wte. */
    static KeyMapping mapping(TransformerConfig config) {
        return config.tieOutput() ? KeyMapping.GPT2 : KeyMapping.GPT2_UNTIED;
    }

    /** Builds the model and loads the weights; the model is in evaluation mode. */
    public static DecoderOnly load(Path dir) throws IOException {
        TransformerConfig config = config(dir.resolve("config.json"));
        HfFiles.requireWeightsFit(dir, config);
        DecoderOnly model = new DecoderOnly(config, new Rng(0));
        HfFiles.loadWeights(model, dir, mapping(config));
        model.eval();
        return model;
    }

    /**
     * A {@link DecodeEngine} over the folder's weights in format. fp32 weights stored as fp32 are used where they
     * lie in the memory-mapped files, without a copy (GPT-2's Conv1D matrices in their stored, transposed
     * layout), so loading reads nothing until decoding touches it and the weights are never held twice; the
     * files stay mapped until the engine is closed. For bf16 and Q8_0 the weights are converted from the mapping
     * and the files closed.
     */
    public static DecodeEngine decodeEngine(Path dir, WeightMatrix.Format format) throws IOException {
        TransformerConfig config = config(dir.resolve("config.json"));
        HfFiles.requireWeightsFit(dir, config);
        List<SafeTensorsFile> open = new ArrayList<>();
        AutoCloseable closeAll = () -> open.forEach(SafeTensorsFile::close);
        try {
            Map<String, Stored> byOurName = new LinkedHashMap<>();
            for (Path p : HfFiles.weightFiles(dir)) {
                SafeTensorsFile f = SafeTensorsFile.open(p);
                open.add(f);
                for (TensorEntry e : f.entries()) {
                    KeyMapping.Target t = mapping(config).target(e.name());
                    if (t == null) {
                        continue;
                    }
                    Stored previous = byOurName.putIfAbsent(t.ours(), new Stored(f, e, t.rule().transposes()));
                    if (previous != null && !java.util.Arrays.equals(previous.file().load(previous.entry().name()).toArray(),
                            f.load(e.name()).toArray())) {
                        throw new IllegalArgumentException(dir + ": tensors '" + previous.entry().name() + "' and '" + e.name()
                                + "' both map to " + t.ours() + " but differ");
                    }
                }
            }
            DecodeEngine engine = DecodeEngine.build(config, format, new MappedWeights(dir, byOurName), WorkerTeam.shared(),
                    format == WeightMatrix.Format.F32 ? closeAll : () -> { });
            if (format != WeightMatrix.Format.F32) {
                closeAll.close();
            }
            return engine;
        } catch (IOException | RuntimeException e) {
            open.forEach(SafeTensorsFile::close);
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private record Stored(SafeTensorsFile file, TensorEntry entry, boolean transposed) {
    }

    /** The folder's tensors by our names; fp32 matrices as views of the mapping. */
    private record MappedWeights(Path dir, Map<String, Stored> byOurName) implements DecodeEngine.Weights {
        private Stored require(String name, long[] shape) {
            Stored s = byOurName.get(name);
            if (s == null) {
                throw new IllegalArgumentException(dir + ": the checkpoint lacks the tensor that maps to " + name);
            }
            if (!Arrays.equals(s.entry().shape(), shape)) {
                throw new IllegalArgumentException(dir + ": tensor '" + s.entry().name() + "' has shape " + s.entry().shapeString()
                        + ", but the config implies " + Arrays.toString(shape));
            }
            return s;
        }

        @Override
        public WeightMatrix matrix(String name, int rows, int cols) {
            Stored probe = byOurName.get(name);
            boolean transposed = probe != null && probe.transposed();
            Stored s = require(name, transposed ? new long[] {cols, rows} : new long[] {rows, cols});
            if (s.entry().dtype() == DType.F32) {
                return WeightMatrix.f32(s.file().bytes(s.entry().name()), rows, cols, transposed);
            }
            Tensor t = s.file().load(s.entry().name());
            return WeightMatrix.f32((transposed ? t.transpose(0, 1).contiguous() : t).toArray(), rows, cols);
        }

        @Override
        public float[] vector(String name, int n, boolean required) {
            if (!required && !byOurName.containsKey(name)) {
                return null;
            }
            Stored s = require(name, new long[] {n});
            return s.file().load(s.entry().name()).toArray();
        }
    }

    /**
     * A folder's special tokens for generation.
     *
     * @param bosTokenId  the token a generation without a prompt starts from, or -1 when there is none
     * @param eosTokenIds the tokens that end a generation (GPT-2: 50256, {@code <|endoftext|>})
     */
    public record SpecialTokens(int bosTokenId, List<Integer> eosTokenIds) {
        public SpecialTokens {
            eosTokenIds = List.copyOf(eosTokenIds);
        }
    }

    /**
     * bos_token_id and eos_token_id (a number or a list) from generation_config.json when it sets them, else
     * from config.json. Ids outside the model's vocabulary are left out: such a token can never be generated
     * (a test model trimmed to a few tokens keeps GPT-2's 50256).
     */
    public static SpecialTokens specialTokens(Path dir) throws IOException {
        HfFiles.JsonFile config = HfFiles.JsonFile.read(dir.resolve("config.json"));
        int vocab = config.integer("vocab_size", 1);
        HfFiles.JsonFile generation = Files.isRegularFile(dir.resolve("generation_config.json"))
                ? HfFiles.JsonFile.read(dir.resolve("generation_config.json")) : null;
        List<Integer> bos = ids(generation != null && generation.has("bos_token_id") ? generation : config, "bos_token_id");
        List<Integer> eos = ids(generation != null && generation.has("eos_token_id") ? generation : config, "eos_token_id");
        bos.removeIf(id -> id >= vocab);
        eos.removeIf(id -> id >= vocab);
        return new SpecialTokens(bos.isEmpty() ? -1 : bos.get(0), eos);
    }

    /** A field that is absent, null, a token id or a list of token ids. */
    private static List<Integer> ids(HfFiles.JsonFile file, String key) {
        Object v = file.json().get(key);
        List<Integer> out = new ArrayList<>();
        for (Object o : v instanceof List<?> list ? list : v == null ? List.of() : List.of(v)) {
            if (!(o instanceof Long l) || l < 0 || l > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(file.file() + ": field " + key + " must be a token id or a list of "
                        + "them, got " + file.describe(v));
            }
            out.add(l.intValue());
        }
        return out;
    }
}
