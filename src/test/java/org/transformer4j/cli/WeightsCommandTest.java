package org.transformer4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.transformer4j.io.Json;
import org.transformer4j.io.SafeTensorsWriter;
import org.transformer4j.tensor.Tensor;

/** Runs {@code t4j weights} through {@link Main#execute} with stdout and stderr captured. */
class WeightsCommandTest {
    @TempDir
    Path dir;

    /** What one run printed and returned. */
    record Run(int code, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    /** Swaps System.out/err (picocli's defaults) for buffers during the run, and always puts them back. */
    static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            code = Main.execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path sample() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("wte.weight", Tensor.zeros(10, 4));
        tensors.put("h.0.ln_1.bias", Tensor.zeros(4));
        tensors.put("scale", Tensor.scalar(2));
        Path p = dir.resolve("model.safetensors");
        SafeTensorsWriter.write(p, tensors, Map.of("format", "pt"));
        return p;
    }

    @Test
    void listsTensorsAlignedWithSummaryAndMetadata() throws IOException {
        Run r = run("weights", sample().toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(List.of(
                "wte.weight     F32    (10, 4)",
                "h.0.ln_1.bias  F32    (4,)",
                "scale          F32    ()",
                "3 tensors, 45 parameters, 180 bytes",
                "metadata:",
                "  format = pt"), lines);
    }

    @Test
    void listsEveryDtypeOfTheTorchFixture() throws Exception {
        Path fixture = Path.of(getClass().getResource("/fixtures/torch-dtypes.safetensors").toURI());
        Run r = run("weights", fixture.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("BF16 +BF16 +\\(4, 6\\)")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("I64 +I64 +\\(2, 8\\)")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("empty +BF16 +\\(0, 3\\)")), r.out());
        assertTrue(r.out().contains("23 tensors,"), r.out());
    }

    @Test
    void jsonOutputParsesWithTheRightFields() throws IOException {
        Path p = sample();
        Run r = run("weights", "--json", p.toString());
        assertEquals(0, r.code(), r.err());
        Map<?, ?> root = (Map<?, ?>) Json.parse(r.out());
        assertEquals(List.of("file", "tensors", "metadata"), List.copyOf(root.keySet()));
        assertEquals(p.toString(), root.get("file"));
        List<?> tensors = (List<?>) root.get("tensors");
        assertEquals(3, tensors.size());
        assertEquals(Map.of("name", "wte.weight", "dtype", "F32", "shape", List.of(10L, 4L), "bytes", 160L),
                tensors.get(0));
        assertEquals(Map.of("name", "scale", "dtype", "F32", "shape", List.of(), "bytes", 4L), tensors.get(2));
        assertEquals(Map.of("format", "pt"), root.get("metadata"));
    }

    @Test
    void jsonOfAnEmptyFileIsStillJson() throws IOException {
        Path p = dir.resolve("empty.safetensors");
        SafeTensorsWriter.write(p, Map.of());
        Run r = run("weights", "--json", p.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(Map.of("file", p.toString(), "tensors", List.of(), "metadata", Map.of()), Json.parse(r.out()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"empty", "short-length", "huge-length", "unknown-dtype", "gap", "bad-utf8",
        "truncated-json", "missing", "directory"})
    void malformedFileIsOneLineOnStderrWithExitCode2(String kind) throws IOException {
        Path p = dir.resolve(kind + ".safetensors");
        switch (kind) {
            case "empty" -> Files.write(p, new byte[0]);
            case "short-length" -> Files.write(p, new byte[] {1, 2, 3});
            case "huge-length" -> Files.write(p, withLength(Long.MAX_VALUE, "{}"));
            case "unknown-dtype" -> Files.write(p, withHeader(
                    "{\"w\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4));
            case "gap" -> Files.write(p, withHeader(
                    "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8));
            case "bad-utf8" -> Files.write(p, withLength(3, "{\"\u00ff".getBytes(StandardCharsets.ISO_8859_1)));
            case "truncated-json" -> Files.write(p, withHeader("{\"w\":{\"dtype\":", 0));
            case "missing" -> { } // not created
            case "directory" -> Files.createDirectory(p);
            default -> throw new AssertionError(kind);
        }
        Run r = run("weights", p.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals("", r.out());
        List<String> lines = r.errLines();
        assertEquals(1, lines.size(), () -> "stderr: " + r.err());
        assertTrue(lines.get(0).startsWith("t4j: " + p), lines.get(0));
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
        if (kind.equals("missing")) {
            assertEquals("t4j: " + p + ": no such file", lines.get(0));
        }
    }

    @Test
    void helpDescribesTheCommand() {
        Run r = run("weights", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("List the tensors (name, dtype, shape) and metadata of a safetensors file."));
        assertTrue(r.out().contains("--json"));
    }

    private static byte[] withHeader(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h)
                .array();
    }

    private static byte[] withLength(long length, String rest) {
        return withLength(length, rest.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] withLength(long length, byte[] rest) {
        return ByteBuffer.allocate(8 + rest.length).order(ByteOrder.LITTLE_ENDIAN).putLong(length).put(rest).array();
    }
}
