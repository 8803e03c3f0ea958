package org.transformer4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transformer4j.tensor.Kernels;

/** OnnxFile on small hand-written models: every value encoding it reads, and every malformed form it refuses. */
class OnnxFileTest {
    static final String LABEL = "hand.onnx";

    /** A graph with one MatMul node and initializers in each encoding. */
    static ProtoBytes graph() {
        ProtoBytes node = new ProtoBytes().string(1, "x").string(1, "w").string(2, "y").string(3, "/lin/MatMul")
                .string(4, "MatMul").message(5, new ProtoBytes().string(1, "alpha").fixed32(2, Float.floatToIntBits(0.5f))
                        .varint(20, 1))
                .message(5, new ProtoBytes().string(1, "perm").bytes(8, ProtoBytes.packedVarints(1, 0)).varint(20, 7));
        return new ProtoBytes().message(1, node).string(2, "g")
                .message(5, ProtoBytes.tensor("w", 1, 2, 3).bytes(9, ProtoBytes.floats(1, 2, 3, 4, 5, 6)))
                .message(5, ProtoBytes.tensor("f", 1, 2).bytes(4, ProtoBytes.floats(-1.5f, 7)))
                .message(5, ProtoBytes.tensor("i", 7, 3).bytes(7, ProtoBytes.packedVarints(5, -2, 1L << 40)))
                .message(5, ProtoBytes.tensor("h", 10, 2).bytes(5, ProtoBytes.packedVarints(
                        Float.floatToFloat16(0.25f), Float.floatToFloat16(-3f))))
                .message(5, ProtoBytes.tensor("s", 1).bytes(9, ProtoBytes.floats(42)))
                .message(11, new ProtoBytes().string(1, "x")).message(12, new ProtoBytes().string(1, "y"));
    }

    static OnnxFile read(byte[] bytes) {
        return OnnxFile.read(LABEL, MemorySegment.ofArray(bytes));
    }

    @Test
    void readsNodesAttributesAndEveryValueEncoding() {
        OnnxFile f = read(ProtoBytes.model(graph()));
        assertEquals(8, f.irVersion());
        assertEquals("test", f.producer());
        assertEquals(17L, f.opsets().get(""));
        assertEquals(List.of("x"), f.inputs());
        assertEquals(List.of("y"), f.outputs());
        OnnxNode n = f.nodes().get(0);
        assertEquals("MatMul", n.opType());
        assertEquals("/lin/MatMul", n.name());
        assertEquals(List.of("x", "w"), n.inputs());
        assertEquals(0.5f, n.attribute("alpha").f());
        assertArrayEquals(new long[] {1, 0}, n.attribute("perm").ints());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, f.load("w").toArray());
        assertArrayEquals(new int[] {2, 3}, f.load("w").shape());
        assertArrayEquals(new float[] {-1.5f, 7}, f.load("f").toArray());
        assertArrayEquals(new long[] {5, -2, 1L << 40}, f.loadLongs(f.initializer("i")));
        assertArrayEquals(new float[] {0.25f, -3f}, f.load("h").toArray());
        assertEquals(42f, f.load("s").item());
        assertEquals(0, f.load("s").rank());
        assertEquals(OnnxTensorEntry.Storage.RAW, f.initializer("w").storage());
    }

    @Test
    void mapsFilesAndReadsPathsOfOtherFileSystems(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("m.onnx");
        Files.write(file, ProtoBytes.model(graph()));
        try (OnnxFile f = OnnxFile.open(file)) {
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, f.load("w").toArray());
        }
        Path jar = dir.resolve("m.jar");
        try (var zip = java.nio.file.FileSystems.newFileSystem(jar, java.util.Map.of("create", "true"))) {
            Files.write(zip.getPath("inner.onnx"), ProtoBytes.model(graph()));
        }
        try (var zip = java.nio.file.FileSystems.newFileSystem(jar); OnnxFile f = OnnxFile.open(zip.getPath("inner.onnx"))) {
            assertArrayEquals(new float[] {-1.5f, 7}, f.load("f").toArray());
        }
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxFile.open(dir));
        assertTrue(e.getMessage().contains("directory"), e.getMessage());
    }

    @Test
    void closedFilesNoLongerLoad(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("m.onnx");
        Files.write(file, ProtoBytes.model(graph()));
        OnnxFile f = OnnxFile.open(file);
        f.close();
        assertThrows(IllegalStateException.class, () -> f.load("w"));
        assertEquals(5, f.initializers().size());
    }

    @Test
    void malformedFilesAreOneLineErrorsNamingTheFile() {
        byte[] tensorTooShort = ProtoBytes.model(new ProtoBytes()
                .message(5, ProtoBytes.tensor("w", 1, 2, 3).bytes(9, ProtoBytes.floats(1, 2, 3))));
        expectError(new byte[0], "file is empty");
        expectError(new ProtoBytes().varint(1, 8).toByteArray(), "no graph");
        expectError(new ProtoBytes().tag(7, 2).rawVarint(1L << 62).toByteArray(), "claims 4611686018427387904 bytes");
        expectError(new ProtoBytes().tag(7, 2).rawVarint(5).raw((byte) 0x0a, (byte) 0, (byte) 0, (byte) 0).toByteArray(),
                "only 4 are left");
        expectError(new ProtoBytes().tag(1, 0).raw(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 1}).toByteArray(),
                "varint longer than");
        expectError(new ProtoBytes().tag(1, 0).raw((byte) 0x80).toByteArray(), "varint runs past the end");
        expectError(new ProtoBytes().tag(3, 3).toByteArray(), "group");
        expectError(new ProtoBytes().tag(3, 7).toByteArray(), "invalid wire type 7");
        expectError(new ProtoBytes().tag(0, 0).rawVarint(1).toByteArray(), "invalid field number 0");
        expectError(new ProtoBytes().tag(99, 1).raw((byte) 1, (byte) 2).toByteArray(), "64-bit value");
        expectError(new ProtoBytes().tag(1, 2).rawVarint(0).toByteArray(), "wire type 2, expected 0");
        expectError(tensorTooShort, "needs 6 values but its RAW field has 12 bytes");
        expectError(ProtoBytes.model(new ProtoBytes().message(5, ProtoBytes.tensor("w", 1, -1))), "negative dimension");
        expectError(ProtoBytes.model(new ProtoBytes().message(5, ProtoBytes.tensor("w", 1, 1L << 40, 1L << 40))),
                "overflows 64 bits");
        long[] many = new long[65];
        java.util.Arrays.fill(many, 1);
        expectError(ProtoBytes.model(new ProtoBytes().message(5, ProtoBytes.tensor("w", 1, many))), "more than 64 dimensions");
        expectError(ProtoBytes.model(new ProtoBytes().message(5, ProtoBytes.tensor("w", 1, 1).raw().fixed32(4, 0))),
                "not packed");
        expectError(ProtoBytes.model(new ProtoBytes().message(5, ProtoBytes.tensor("w", 1, 1).varint(3, 0))), "segmented");
        expectError(ProtoBytes.model(new ProtoBytes().message(15, new ProtoBytes())), "sparse initializers");
        expectError(ProtoBytes.model(new ProtoBytes().message(5, ProtoBytes.tensor("w", 1, 1).bytes(9, ProtoBytes.floats(1)))
                .message(5, ProtoBytes.tensor("w", 1, 1).bytes(9, ProtoBytes.floats(2)))), "two initializers are named 'w'");
        expectError(ProtoBytes.model(new ProtoBytes().message(1, new ProtoBytes().bytes(3, new byte[] {(byte) 0xC3, 0x28}))),
                "not valid UTF-8");
        expectError(new ProtoBytes().message(7, new ProtoBytes()).message(7, new ProtoBytes()).toByteArray(), "a second graph");
        expectError(ProtoBytes.model(new ProtoBytes().message(5, ProtoBytes.tensor("w\nx", 1, 1).bytes(9, new byte[3]))),
                "'w\\u000ax'");
        // 2^20 + 1 packed one-byte ints: a list no real graph has, refused before it can grow without bound
        byte[] zeros = new byte[(1 << 20) + 1];
        expectError(ProtoBytes.model(new ProtoBytes().message(1, new ProtoBytes().string(4, "Reshape")
                .message(5, new ProtoBytes().string(1, "shape").bytes(8, zeros)))), "attribute 'shape' has more than 1048576 ints");
    }

    @Test
    void valuesThatCannotBeReadAreRefusedOnLoad() {
        OnnxFile f = read(ProtoBytes.model(new ProtoBytes()
                .message(5, ProtoBytes.tensor("ext", 1, 4).message(13, new ProtoBytes().string(1, "location")
                        .string(2, "weights.bin")).varint(14, 1))
                .message(5, ProtoBytes.tensor("str", 8, 1).bytes(9, new byte[] {'a'}))
                .message(5, ProtoBytes.tensor("empty", 1, 3))
                .message(5, ProtoBytes.tensor("zero", 1, 0))
                .message(5, ProtoBytes.tensor("hugeEmpty", 1, 2_000_000_000L))
                .message(5, ProtoBytes.tensor("hugeExternal", 1, 2_000_000_000L).message(13, new ProtoBytes().string(1, "location")
                        .string(2, "weights.bin")).varint(14, 1))));
        expectLoadError(f, "ext", "external file");
        // A shape that promises more than the file stores (8 GB here, more than the tests' heap) fails before its
        // array is allocated, not with an OutOfMemoryError.
        expectLoadError(f, "hugeEmpty", "has no values");
        expectLoadError(f, "hugeExternal", "external file");
        expectLoadError(f, "str", "STRING stored as RAW cannot be read");
        expectLoadError(f, "empty", "has no values");
        assertEquals(0, f.load("zero").size());
        OnnxException e = assertThrows(OnnxException.class, () -> f.loadLongs(f.initializer("zero")));
        assertTrue(e.getMessage().contains("not an integer tensor"), e.getMessage());
        e = assertThrows(OnnxException.class, () -> f.initializer("nope"));
        assertTrue(e.getMessage().startsWith(LABEL + ": no initializer 'nope'"), e.getMessage());
    }

    static void expectError(byte[] bytes, String fragment) {
        OnnxException e = assertThrows(OnnxException.class, () -> read(bytes));
        assertOneLine(e);
        if (fragment != null) {
            assertTrue(e.getMessage().contains(fragment), e.getMessage());
        }
    }

    static void expectLoadError(OnnxFile f, String name, String fragment) {
        OnnxException e = assertThrows(OnnxException.class, () -> f.load(f.initializer(name), Kernels.defaults()));
        assertOneLine(e);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    static void assertOneLine(IllegalArgumentException e) {
        assertTrue(e.getMessage().startsWith(LABEL + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"), e.getMessage());
    }
}
