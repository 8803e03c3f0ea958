package org.transformer4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;

/** Written files read back exactly, in insertion order, and writes are atomic. */
class SafeTensorsWriterTest {
    @TempDir
    Path dir;

    @Test
    void roundTripKeepsValuesBitsOrderAndMetadata() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        // Insertion order deliberately not alphabetical.
        tensors.put("z.last", Tensor.of(new float[] {Float.NaN, -0.0f, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MAX_VALUE}, 2, 3));
        tensors.put("a.first", Tensor.randn(new Rng(3), 0f, 1f, 4, 5, 6));
        tensors.put("scalar", Tensor.scalar(42.5f));
        tensors.put("empty", Tensor.zeros(0, 7));
        tensors.put("transposed", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).transpose(0, 1));
        tensors.put("naïve \"quoted\" \\ name\n日本\uD83D\uDE00", Tensor.arange(3));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put("note", "line1\nline2 \"q\" \u00e9 \uD83D\uDE00 \u0001");

        Path p = dir.resolve("model.safetensors");
        SafeTensorsWriter.write(p, tensors, metadata);

        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            assertEquals(List.copyOf(tensors.keySet()), f.entries().stream().map(TensorEntry::name).toList());
            assertEquals(metadata, f.metadata());
            assertEquals(List.copyOf(metadata.keySet()), List.copyOf(f.metadata().keySet()));
            assertEquals(0, f.dataStart() % 8, "header padded to a multiple of 8");
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                TensorEntry entry = f.entry(e.getKey());
                assertEquals(DType.F32, entry.dtype());
                Tensor got = f.load(e.getKey());
                assertArrayEquals(e.getValue().shape(), got.shape(), e.getKey());
                assertArrayEquals(bits(e.getValue().toArray()), bits(got.toArray()), e.getKey());
            }
            assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, f.load("transposed").toArray());
        }
        Map<String, Tensor> all = SafeTensorsFile.readAll(p);
        assertEquals(List.copyOf(tensors.keySet()), List.copyOf(all.keySet()));
        assertArrayEquals(bits(tensors.get("a.first").toArray()), bits(all.get("a.first").toArray()));
        assertOnlyFile(p);
    }

    @Test
    void headerIsPaddedWithSpacesAndMetadataComesFirst() throws IOException {
        Path p = dir.resolve("small.safetensors");
        SafeTensorsWriter.write(p, Map.of("x", Tensor.of(new float[] {1.5f}, 1)), Map.of("k", "v"));
        byte[] bytes = Files.readAllBytes(p);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        String header = new String(bytes, 8, (int) n, java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, n % 8);
        assertEquals("{\"__metadata__\":{\"k\":\"v\"},\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                header.stripTrailing());
        assertTrue(header.substring(header.stripTrailing().length()).chars().allMatch(c -> c == ' '));
        assertEquals(1.5f, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getFloat(8 + (int) n));
        assertEquals(8 + n + 4, bytes.length);
    }

    @Test
    void emptyMapWritesAValidFile() throws IOException {
        Path p = dir.resolve("nothing.safetensors");
        SafeTensorsWriter.write(p, Map.of());
        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            assertTrue(f.entries().isEmpty());
            assertTrue(f.metadata().isEmpty());
        }
    }

    @Test
    void overwriteReplacesAndBadInputLeavesTheOldFileUntouched() throws IOException {
        Path p = dir.resolve("ckpt.safetensors");
        SafeTensorsWriter.write(p, Map.of("w", Tensor.of(new float[] {1, 2}, 2)));
        SafeTensorsWriter.write(p, Map.of("w", Tensor.of(new float[] {3, 4, 5}, 3)));
        assertArrayEquals(new float[] {3, 4, 5}, SafeTensorsFile.readAll(p).get("w").toArray());
        byte[] before = Files.readAllBytes(p);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafeTensorsWriter.write(p,
                Map.of("bad\uD800", Tensor.scalar(1))));
        assertTrue(e.getMessage().contains("is not valid Unicode (lone surrogate at index 3)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SafeTensorsWriter.write(p,
                Map.of("__metadata__", Tensor.scalar(1))));
        assertTrue(e.getMessage().contains("cannot be named __metadata__"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(p));
        assertOnlyFile(p);
    }

    @Test
    void writingIntoAMissingDirectoryFailsWithoutLeftovers() {
        Path p = dir.resolve("no-such-dir").resolve("x.safetensors");
        assertThrows(IOException.class, () -> SafeTensorsWriter.write(p, Map.of("w", Tensor.scalar(1))));
        assertTrue(Files.notExists(p));
    }

    private void assertOnlyFile(Path p) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(p), s.toList(), "temporary files left behind");
        }
    }

    private static int[] bits(float[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Float.floatToRawIntBits(v[i]);
        }
        return out;
    }
}
