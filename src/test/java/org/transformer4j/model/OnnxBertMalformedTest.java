package org.transformer4j.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.transformer4j.io.OnnxFile;
import org.transformer4j.io.ProtoBytes;

/**
 * all-MiniLM-L6-v2's ONNX file cut short, with bytes changed, and with names, types and operators edited: reading it
 * either works or ends in one IllegalArgumentException line that names the file, never another exception.
 */
class OnnxBertMalformedTest {
    static final String LABEL = "minilm.onnx";

    @Test
    void truncatedAtRandomPointsIsAlwaysAOneLineError() {
        byte[] bytes = MiniLmFixtures.onnxBytes();
        MemorySegment whole = MemorySegment.ofArray(bytes);
        Random random = new Random(6);
        int errors = 0;
        int tries = 300;
        for (int i = 0; i < tries; i++) {
            long cut = position(random, bytes.length);
            try {
                OnnxFile f = OnnxFile.read(LABEL, whole.asSlice(0, cut));
                OnnxBert.inFile(f, () -> OnnxBert.config(f, OnnxBert.hfNames(f)));
            } catch (IllegalArgumentException e) {
                assertOneLine(e, "cut at " + cut);
                errors++;
            }
        }
        // Only a cut after the graph (in the few bytes of opset imports that follow it) leaves a readable model.
        assertTrue(errors >= tries * 9 / 10, errors + " of " + tries + " truncations were refused");
    }

    @Test
    void flippedBytesAreReadOrRefusedInOneLine() {
        byte[] bytes = MiniLmFixtures.onnxBytes().clone();
        Random random = new Random(7);
        int full = 0;
        for (int i = 0; i < 200; i++) {
            int at = (int) position(random, bytes.length);
            byte before = bytes[at];
            bytes[at] = (byte) (before ^ (1 + random.nextInt(255)));
            try {
                OnnxFile f = OnnxFile.read(LABEL, MemorySegment.ofArray(bytes));
                OnnxBert.inFile(f, () -> OnnxBert.config(f, OnnxBert.hfNames(f)));
                if (full < 1 && at < 300_000) {           // now and then the whole load, which checks every weight's shape
                    full++;
                    OnnxBert.load(f);
                }
            } catch (IllegalArgumentException e) {
                assertOneLine(e, "byte " + at + " changed");
            } finally {
                bytes[at] = before;
            }
        }
    }

    @Test
    void editedNamesTypesAndOperatorsAreNamedInTheError() {
        byte[] bytes = MiniLmFixtures.onnxBytes().clone();
        String node = "/encoder/layer.0/attention/self/query/MatMul";
        replace(bytes, node, node.replace("query", "qxery"));
        expect(bytes, "initializer 'onnx::MatMul_787' (input 1 of MatMul node '/encoder/layer.0/attention/self/qxery/MatMul')"
                + " is not a weight of HF BertModel");

        bytes = MiniLmFixtures.onnxBytes().clone();
        byte[] typeAndName = concat(new byte[] {0x10, 0x01, 0x42, 16}, "onnx::MatMul_787".getBytes(StandardCharsets.UTF_8));
        int at = indexOf(bytes, typeAndName, 0);
        bytes[at + 1] = 6;                                 // FLOAT -> INT32, the same 4 bytes a value
        expect(bytes, "initializer 'onnx::MatMul_787' (encoder.layer.0.attention.self.query.weight) is INT32;"
                + " transformer4j loads FLOAT and FLOAT16 weights");

        bytes = MiniLmFixtures.onnxBytes().clone();
        byte[] erf = concat(new byte[] {0x22, 3}, "Erf".getBytes(StandardCharsets.UTF_8));
        for (int from = indexOf(bytes, erf, 0); from >= 0; from = indexOf(bytes, erf, from + 1)) {
            System.arraycopy(concat(new byte[] {0x22, 3}, "Abs".getBytes(StandardCharsets.UTF_8)), 0, bytes, from, 5);
        }
        expect(bytes, "cannot tell the feed-forward activation");

        bytes = MiniLmFixtures.onnxBytes().clone();
        replace(bytes, "encoder.layer.5.output.LayerNorm.bias", "encoder.layer.7.output.LayerNorm.bias");
        expect(bytes, "the graph's encoder layers are numbered [0, 1, 2, 3, 4, 5, 7], not 0..N-1");
    }

    @Test
    void anotherGraphIsRefusedByName() {
        ProtoBytes node = new ProtoBytes().string(1, "x").string(1, "w").string(2, "y").string(3, "/lin/MatMul").string(4, "MatMul");
        byte[] model = ProtoBytes.model(new ProtoBytes().message(1, node)
                .message(5, ProtoBytes.tensor("w", 1, 1, 1).bytes(9, ProtoBytes.floats(1))));
        expect(model, "initializer 'w' (input 1 of MatMul node '/lin/MatMul') is not a weight of HF BertModel");
        expect(ProtoBytes.model(new ProtoBytes()), "no initializer of the graph is HF BertModel's embeddings.word_embeddings.weight");
    }

    private static void expect(byte[] bytes, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxBert.load(OnnxFile.read(LABEL, MemorySegment.ofArray(bytes))));
        assertOneLine(e, fragment);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    /** Mostly where the structure is (nodes at the start, inputs and outputs at the end), sometimes anywhere. */
    private static long position(Random random, int length) {
        return switch (random.nextInt(3)) {
            case 0 -> random.nextInt(Math.min(length, 400_000));
            case 1 -> length - 1 - random.nextInt(4096);
            default -> random.nextInt(length);
        };
    }

    private static void assertOneLine(IllegalArgumentException e, String what) {
        assertTrue(e.getMessage().startsWith(LABEL + ": "), what + ": " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), what + ": " + e.getMessage());
    }

    /** Replaces every occurrence of from (node names, value names, initializer names) by to, of the same length. */
    static void replace(byte[] bytes, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.UTF_8);
        byte[] t = to.getBytes(StandardCharsets.UTF_8);
        assertTrue(f.length == t.length && indexOf(bytes, f, 0) >= 0, from);
        for (int at = indexOf(bytes, f, 0); at >= 0; at = indexOf(bytes, f, at + 1)) {
            System.arraycopy(t, 0, bytes, at, t.length);
        }
    }

    static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
