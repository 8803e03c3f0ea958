package org.transformer4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.transformer4j.io.OnnxFile;
import org.transformer4j.io.ProtoBytes;

/**
 * How OnnxBert names initializers by following the graph: every HF name of the real file replaced by a generated
 * one still loads the same model, and the other forms exporters write (Gemm, a Transpose before MatMul, the fused
 * LayerNormalization) name and orient their weights as HF does.
 */
class OnnxBertNamesTest {

    @Test
    void generatedNamesEverywhereLoadTheSameModel() {
        byte[] bytes = MiniLmFixtures.onnxBytes().clone();
        OnnxFile original = OnnxFile.read("minilm.onnx", MemorySegment.ofArray(MiniLmFixtures.onnxBytes()));
        int renamed = 0;
        for (var e : original.initializers()) {
            String name = e.name();
            if (name.startsWith("onnx::") || name.equals("embeddings.position_ids")) {
                continue;
            }
            String generated = "onnx::X_" + "0".repeat(name.length() - 8 - String.valueOf(renamed).length()) + renamed;
            OnnxBertMalformedTest.replace(bytes, name, generated);
            renamed++;
        }
        assertEquals(6 * 10 + 5, renamed, "biases, norms and embeddings had HF names");
        OnnxFile f = OnnxFile.read("renamed.onnx", MemorySegment.ofArray(bytes));
        assertEquals(0, f.initializers().stream().filter(e -> e.name().startsWith("encoder.")).count());
        EncoderOnly model = OnnxBert.load(f);
        EncoderOnly reference = MiniLmFixtures.model();
        assertEquals(reference.config(), model.config());
        reference.stateDict().forEach((k, v) -> assertArrayEquals(v.toArray(), model.stateDict().get(k).toArray(), k));
    }

    @Test
    void gemmTransposeAndFusedLayerNormAreNamedAndOrientedAsHf() {
        ProtoBytes graph = new ProtoBytes()
                .message(1, node("Gemm", "/bert/encoder/layer.0/intermediate/dense/Gemm", "x", "onnx::Gemm_1", "onnx::Gemm_2")
                        .message(5, new ProtoBytes().string(1, "transB").varint(3, 1).varint(20, 2)))
                .message(1, node("Gemm", "/encoder/layer.0/attention/output/dense/Gemm", "x", "onnx::Gemm_3"))
                .message(1, node("Transpose", "/encoder/layer.0/output/dense/Transpose", "encoder.layer.0.output.dense.weight"))
                .message(1, node("MatMul", "/encoder/layer.0/output/dense/MatMul", "x", "t0"))
                .message(1, node("LayerNormalization", "/0/auto_model/encoder/layer.0/output/LayerNorm/LayerNormalization",
                        "x", "onnx::Mul_4", "onnx::Add_5"))
                .message(1, node("Gather", "/embeddings/word_embeddings/Gather", "onnx::Gather_6", "ids"))
                .message(5, tensor("onnx::Gemm_1", 3, 2))     // (out, in) as torch, transB = 1
                .message(5, tensor("onnx::Gemm_2", 3))
                .message(5, tensor("onnx::Gemm_3", 2, 5))     // (in, out), transB = 0
                .message(5, tensor("encoder.layer.0.output.dense.weight", 2, 3))
                .message(5, tensor("onnx::Mul_4", 2))
                .message(5, tensor("onnx::Add_5", 2))
                .message(5, tensor("onnx::Gather_6", 7, 2))
                .message(5, tensor("unused", 1));
        OnnxFile f = OnnxFile.read("forms.onnx", MemorySegment.ofArray(ProtoBytes.model(graph)));
        Map<String, String> got = new LinkedHashMap<>();
        OnnxBert.hfNames(f).forEach((hf, w) -> got.put(hf, w.entry().name() + (w.transpose() ? " transposed" : "")));
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("encoder.layer.0.intermediate.dense.weight", "onnx::Gemm_1");
        expected.put("encoder.layer.0.intermediate.dense.bias", "onnx::Gemm_2");
        expected.put("encoder.layer.0.attention.output.dense.weight", "onnx::Gemm_3 transposed");
        expected.put("encoder.layer.0.output.dense.weight", "encoder.layer.0.output.dense.weight");
        expected.put("encoder.layer.0.output.LayerNorm.weight", "onnx::Mul_4");
        expected.put("encoder.layer.0.output.LayerNorm.bias", "onnx::Add_5");
        expected.put("embeddings.word_embeddings.weight", "onnx::Gather_6");
        assertEquals(expected, got);
        assertEquals("encoder.layer.0.attention.self.query", OnnxBert.scope("/encoder/layer.0/attention/self/query/MatMul"));
        assertEquals("", OnnxBert.scope("MatMul_12"));
    }

    private static ProtoBytes node(String op, String name, String... inputs) {
        ProtoBytes n = new ProtoBytes();
        for (String in : inputs) {
            n.string(1, in);
        }
        return n.string(2, op.equals("Transpose") ? "t0" : name + "_out").string(3, name).string(4, op);
    }

    private static ProtoBytes tensor(String name, long... dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return ProtoBytes.tensor(name, 1, dims).bytes(9, ProtoBytes.floats(new float[(int) n]));
    }
}
