package org.transformer4j.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.transformer4j.autograd.Grad;
import org.transformer4j.tensor.BinaryOp;
import org.transformer4j.tensor.Tensor;

/**
 * Sentence embeddings from an encoder as sentence-transformers computes them: the last hidden states pooled
 * over the real (unpadded) tokens (the mean, as all-MiniLM-L6-v2's Pooling module does, [CLS] and [SEP]
 * included; or the [CLS] state, as bge's; or the maximum), then by default L2-normalised (its Normalize module),
 * so the dot product of two embeddings is their cosine similarity. {@link Settings#read} takes the pooling,
 * the normalization and the length limit from a sentence-transformers folder (modules.json, 1_Pooling/config.json,
 * sentence_bert_config.json).
 *
 * <pre>{@code
 * float[][] e = SentenceEmbeddings.embed(OnnxBert.load(onnx), Tokens.padded(new int[][] {ids1, ids2}, 0));
 * float[][] bge = SentenceEmbeddings.embed(model, tokens, SentenceEmbeddings.Pooling.CLS, true);
 * }</pre>
 */
public final class SentenceEmbeddings {
    private SentenceEmbeddings() {
    }

    /** How token states become one vector (sentence-transformers' pooling modes). */
    public enum Pooling { MEAN, CLS, MAX }

    /**
     * A sentence-transformers folder's settings.
     *
     * @param pooling      the pooling mode
     * @param normalize    whether a Normalize module follows
     * @param maxSeqLength the most tokens a text keeps (sentence_bert_config.json's max_seq_length), or 0: no limit
     */
    public record Settings(Pooling pooling, boolean normalize, int maxSeqLength) {
        /** all-MiniLM-L6-v2's: mean, normalized, no limit of its own. */
        public static final Settings DEFAULT = new Settings(Pooling.MEAN, true, 0);

        /**
         * The settings of a folder saved by sentence-transformers, or {@link #DEFAULT} where it has no
         * modules.json; a module transformer4j cannot compute (Dense, another pooling mode) is refused.
         */
        public static Settings read(Path dir) throws IOException {
            Path modules = dir.resolve("modules.json");
            int maxSeq = 0;
            Path stConfig = dir.resolve("sentence_bert_config.json");
            if (Files.isRegularFile(stConfig)) {
                maxSeq = HfFiles.JsonFile.read(stConfig).integer("max_seq_length", 1, 0);
            }
            if (!Files.isRegularFile(modules)) {
                return new Settings(Pooling.MEAN, true, maxSeq);
            }
            Object parsed = org.transformer4j.io.Json.parse(readText(modules));
            if (!(parsed instanceof List<?> list)) {
                throw new IllegalArgumentException(modules + ": expected a JSON array of modules");
            }
            Pooling pooling = null;
            boolean normalize = false;
            for (Object o : list) {
                if (!(o instanceof Map<?, ?> m) || !(m.get("type") instanceof String type)) {
                    throw new IllegalArgumentException(modules + ": a module without a \"type\" string");
                }
                String kind = type.substring(type.lastIndexOf('.') + 1);
                switch (kind) {
                    case "Transformer" -> { }
                    case "Normalize" -> normalize = true;
                    case "Pooling" -> {
                        String path = m.get("path") instanceof String p ? p : "";
                        if (path.contains("..")) {
                            throw new IllegalArgumentException(modules + ": module path '" + path + "' leaves the folder");
                        }
                        pooling = poolingMode(dir.resolve(path).resolve("config.json"));
                    }
                    default -> throw new IllegalArgumentException(modules + ": module " + type + " is not supported "
                            + "(transformer4j computes Transformer, Pooling and Normalize)");
                }
            }
            if (pooling == null) {
                throw new IllegalArgumentException(modules + ": no Pooling module");
            }
            return new Settings(pooling, normalize, maxSeq);
        }

        private static Pooling poolingMode(Path config) throws IOException {
            HfFiles.JsonFile f = HfFiles.JsonFile.read(config);
            List<Pooling> on = new java.util.ArrayList<>();
            for (Map.Entry<String, Object> e : f.json().entrySet()) {
                if (!e.getKey().startsWith("pooling_mode_") || !Boolean.TRUE.equals(e.getValue())) {
                    continue;
                }
                on.add(switch (e.getKey()) {
                    case "pooling_mode_cls_token" -> Pooling.CLS;
                    case "pooling_mode_mean_tokens" -> Pooling.MEAN;
                    case "pooling_mode_max_tokens" -> Pooling.MAX;
                    default -> throw new IllegalArgumentException(config + ": " + e.getKey() + " is not supported (cls_token,"
                            + " mean_tokens and max_tokens are)");
                });
            }
            if (on.size() != 1) {
                throw new IllegalArgumentException(config + ": " + on.size() + " pooling modes are on; transformer4j "
                        + "computes exactly one");
            }
            return on.get(0);
        }

        private static String readText(Path file) throws IOException {
            return Files.readString(file, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** One L2-normalised, mean-pooled embedding per row of tokens (padding from the tokens' mask), without gradients. */
    public static float[][] embed(EncoderOnly model, Tokens tokens) {
        return embed(model, tokens, Pooling.MEAN, true);
    }

    /** One embedding per row of tokens, pooled as asked and L2-normalised if asked, computed without gradients. */
    public static float[][] embed(EncoderOnly model, Tokens tokens, Pooling pooling, boolean normalize) {
        Tensor pooled;
        try (Grad.Scope ignored = Grad.off()) {
            Tensor states = model.forward(tokens, null).value();                 // (B, T, d)
            pooled = switch (pooling) {
                case MEAN -> meanPool(states, tokens.padding());
                case CLS -> states.select(1, 0);
                case MAX -> maxPool(states, tokens.padding());
            };
            if (normalize) {
                pooled = normalize(pooled);                                       // (B, d)
            }
        }
        int d = pooled.dim(1);
        float[] flat = pooled.contiguous().toArray();
        float[][] out = new float[tokens.batch()][];
        for (int b = 0; b < out.length; b++) {
            out[b] = java.util.Arrays.copyOfRange(flat, b * d, (b + 1) * d);
        }
        return out;
    }

    /** The maximum over the real tokens of states (B, T, d); padding counts as -1e9, as sentence-transformers. */
    public static Tensor maxPool(Tensor states, Tensor padding) {
        Tensor x = states;
        if (padding != null) {
            x = states.maskedFill(padding.withKernels(states.kernels()).unsqueeze(2), -1e9f);
        }
        return x.max(false, 1);
    }

    /**
     * The mean over time of states (B, T, d) where padding (B, T) is 0 (1 marks padding; null: none) -> (B, d).
     * The count is clamped at 1e-9 as sentence-transformers does, so an all-padding row gives zeros.
     */
    public static Tensor meanPool(Tensor states, Tensor padding) {
        int batch = states.dim(0);
        int time = states.dim(1);
        Tensor keep = (padding == null ? Tensor.ones(batch, time) : padding.mul(-1f).add(1f))
                .withKernels(states.kernels());                                 // (B, T), 1 = real token
        Tensor sum = states.mul(keep.unsqueeze(2)).sum(false, 1);               // (B, d)
        Tensor count = keep.sum(true, 1).apply(BinaryOp.MAXIMUM, Tensor.scalar(1e-9f)); // (B, 1)
        return sum.div(count);
    }

    /** Each row divided by its L2 norm, at least 1e-12 (torch.nn.functional.normalize): (B, d) -> (B, d). */
    public static Tensor normalize(Tensor x) {
        Tensor norm = x.mul(x).sum(true, 1).sqrt().apply(BinaryOp.MAXIMUM, Tensor.scalar(1e-12f)); // (B, 1)
        return x.div(norm);
    }
}
