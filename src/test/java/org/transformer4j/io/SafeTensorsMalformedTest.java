package org.transformer4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.transformer4j.io.StBytes.concat;
import static org.transformer4j.io.StBytes.entry;
import static org.transformer4j.io.StBytes.file;
import static org.transformer4j.io.StBytes.raw;
import static org.transformer4j.io.StBytes.utf8;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each malformed file fails with one line naming the file and the specific problem. */
class SafeTensorsMalformedTest {
    @TempDir
    Path dir;

    private static final String OK_ENTRY = entry("w", "F32", "2,3", 0, 24);

    static Stream<Arguments> cases() {
        List<Arguments> c = new ArrayList<>();
        // ---- the 8-byte length and the header bounds
        add(c, "empty", new byte[0], "0 bytes, too short for the 8-byte header length");
        add(c, "seven-bytes", new byte[7], "7 bytes, too short");
        add(c, "length-past-end", raw(100, utf8("{}      ")), "header length 100 runs past the end of the file");
        add(c, "length-over-100mb", raw(200_000_000L, utf8("{}")), "header length 200000000 exceeds the limit");
        add(c, "length-unsigned-max", raw(-1L, utf8("{}")), "header length 18446744073709551615 exceeds the limit");
        add(c, "length-zero", raw(0, utf8("{}")), "header length is 0");
        // ---- encoding and the first byte
        add(c, "invalid-utf8", file(concat(utf8("{\"a"), new byte[] {(byte) 0xff}, utf8("\":1}")), new byte[0]),
                "header is not valid UTF-8 at byte 3 (0xff)");
        add(c, "overlong-utf8", file(concat(utf8("{\"a"), new byte[] {(byte) 0xc0, (byte) 0xaf}, utf8("\":1}")),
                new byte[0]), "not valid UTF-8 at byte 3");
        add(c, "encoded-surrogate", file(concat(utf8("{\"a"), new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                utf8("\":1}")), new byte[0]), "not valid UTF-8 at byte 3");
        add(c, "header-array", file("[{\"a\":1}]", 0), "header does not start with '{' (first byte 0x5b)");
        add(c, "header-string", file("\"x\"", 0), "header does not start with '{' (first byte 0x22)");
        add(c, "leading-space", file(" {}", 0), "does not start with '{' (first byte 0x20)");
        add(c, "bom", file("\ufeff{}", 0), "does not start with '{' (first byte 0xef)");
        // ---- JSON syntax
        add(c, "truncated-json", file("{\"w\":{\"dtype\":\"F32\"", 0), "not valid JSON: unexpected end of input");
        add(c, "trailing-garbage", file("{} x", 0), "not valid JSON: unexpected 'x' after the JSON value");
        add(c, "two-objects", file("{}{}", 0), "after the JSON value");
        // Read by schema, the header fails at the first '[' where an entry belongs; the parser's own depth bound
        // is checked in JsonTest and by the key-less variant below.
        add(c, "deep-nesting", file("{\"a\":" + "[".repeat(100_000), 0),
                "tensor 'a': entry is not an object (it is an array)");
        add(c, "deep-nesting-in-key-position", file("{" + "[".repeat(100_000), 0), "expected a string key");
        add(c, "invalid-escape", file("{\"a\\x\":1}", 0), "invalid escape \\x in string");
        add(c, "lone-high-surrogate", file("{\"a\\ud800\":1}", 0), "lone surrogate escape \\uD800");
        add(c, "lone-low-surrogate", file("{\"\\udc00\":1}", 0), "lone surrogate escape \\uDC00");
        add(c, "bad-hex-escape", file("{\"\\u12g4\":1}", 0), "'g' is not a hex digit");
        add(c, "control-char", file("{\"a\nb\":1}", 0), "unescaped control character U+000A in string");
        add(c, "nan-shape", file("{\"w\":{\"dtype\":\"F32\",\"shape\":[NaN],\"data_offsets\":[0,4]}}", 4),
                "not valid JSON: unexpected 'N', expected a value");
        add(c, "leading-zero", file("{\"w\":{\"dtype\":\"F32\",\"shape\":[01],\"data_offsets\":[0,4]}}", 4),
                "unexpected '1', expected ',' or ']'");
        add(c, "huge-exponent", file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1e99999999999],\"data_offsets\":[0,4]}}",
                4), "number out of range: 1e99999999999");
        add(c, "long-number", file("{\"w\":{\"dtype\":\"F32\",\"shape\":[" + "9".repeat(5000)
                + "],\"data_offsets\":[0,4]}}", 4), "number literal longer than 1000 characters (5000)");
        add(c, "duplicate-tensor", file("{" + OK_ENTRY + "," + OK_ENTRY + "}", 24), "duplicate key \"w\"");
        add(c, "duplicate-metadata-key", file("{\"__metadata__\":{\"k\":\"a\",\"k\":\"b\"}," + OK_ENTRY + "}", 24),
                "duplicate key \"k\"");
        // ---- structure of the header
        add(c, "metadata-value-number", file("{\"__metadata__\":{\"k\":1}," + OK_ENTRY + "}", 24),
                "__metadata__ value of 'k' is not a string (it is a number)");
        add(c, "metadata-not-object", file("{\"__metadata__\":[\"k\"]," + OK_ENTRY + "}", 24),
                "__metadata__ is not an object (it is an array)");
        add(c, "metadata-null", file("{\"__metadata__\":null}", 0), "__metadata__ is not an object (it is null)");
        add(c, "entry-not-object", file("{\"w\":[1,2]}", 0), "tensor 'w': entry is not an object (it is an array)");
        add(c, "unknown-field", file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"foo\":1}}", 4),
                "tensor 'w': unknown field 'foo'");
        add(c, "missing-dtype", file("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
                "tensor 'w': missing field 'dtype'");
        add(c, "missing-shape", file("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4),
                "tensor 'w': missing field 'shape'");
        add(c, "missing-offsets", file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4),
                "tensor 'w': missing field 'data_offsets'");
        add(c, "dtype-not-string", file("{\"w\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
                "dtype is not a string (it is a number)");
        add(c, "unknown-dtype", file("{" + entry("w", "F31", "1", 0, 4) + "}", 4), "tensor 'w': unknown dtype 'F31'");
        add(c, "lowercase-dtype", file("{" + entry("w", "f32", "1", 0, 4) + "}", 4), "unknown dtype 'f32'");
        add(c, "shape-not-array", file("{\"w\":{\"dtype\":\"F32\",\"shape\":6,\"data_offsets\":[0,24]}}", 24),
                "shape is not an array (it is a number)");
        add(c, "shape-string-dim", file("{" + entry("w", "F32", "\"2\"", 0, 8) + "}", 8),
                "shape[0] is not an integer (it is a string)");
        add(c, "negative-dim", file("{" + entry("w", "F32", "2,-1", 0, 8) + "}", 8), "shape[1] is negative: -1");
        add(c, "fractional-dim", file("{" + entry("w", "F32", "2,2.5", 0, 20) + "}", 20),
                "shape[1] is not an integer: 2.5");
        add(c, "float-integral-dim", file("{" + entry("w", "F32", "2.0", 0, 8) + "}", 8),
                "shape[0] is not an integer: 2.0 (integers are written without fraction or exponent)");
        add(c, "exponent-dim", file("{" + entry("w", "F32", "2e0", 0, 8) + "}", 8),
                "shape[0] is not an integer: 2 (integers are written");
        add(c, "dim-beyond-long", file("{" + entry("w", "F32", "99999999999999999999", 0, 8) + "}", 8),
                "shape[0] is too large: 99999999999999999999");
        add(c, "count-overflow", file("{" + entry("w", "U8", "4294967296,4294967296", 0, 8) + "}", 8),
                "shape (4294967296, 4294967296) has too many elements (overflows 64 bits)");
        add(c, "bytes-overflow", file("{" + entry("w", "F64", "2305843009213693952", 0, 8) + "}", 8),
                "dtype F64 shape (2305843009213693952,) needs too many bytes");
        add(c, "offsets-not-array", file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":\"0-4\"}}", 4),
                "data_offsets is not an array (it is a string)");
        add(c, "offsets-three", file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 8),
                "data_offsets must be [begin, end] but has more than 2 elements");
        add(c, "offsets-one", file("{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0]}}", 0),
                "data_offsets must be [begin, end] but has 1 element");
        add(c, "duplicate-field", file("{\"w\":{\"dtype\":\"F32\",\"dtype\":\"F16\",\"shape\":[1],"
                + "\"data_offsets\":[0,4]}}", 4), "duplicate key \"dtype\"");
        add(c, "metadata-twice", file("{\"__metadata__\":{},\"__metadata__\":{}}", 0),
                "duplicate key \"__metadata__\"");
        add(c, "rank-over-64", file("{" + entry("w", "U8", "1,".repeat(64) + "1", 0, 1) + "}", 1),
                "tensor 'w': shape has more than 64 dimensions");
        add(c, "offsets-negative", file("{" + entry("w", "F32", "1", -4, 0) + "}", 4),
                "data_offsets[0] is negative: -4");
        add(c, "offsets-reversed", file("{" + entry("w", "F32", "1", 8, 4) + "}", 8),
                "data_offsets [8, 4] are reversed (begin > end)");
        add(c, "offsets-size-mismatch", file("{" + entry("wte.weight", "F32", "2,3", 0, 12) + "}", 12),
                "tensor 'wte.weight': data_offsets [0, 12] span 12 bytes but dtype F32 shape (2, 3) needs 24");
        // ---- how the tensors tile the data section
        add(c, "gap", file("{" + entry("a", "F32", "1", 0, 4) + "," + entry("b", "F32", "1", 8, 12) + "}", 12),
                "gap in the data section: bytes [4, 8) belong to no tensor (next is tensor 'b'");
        add(c, "gap-at-start", file("{" + entry("a", "F32", "1", 4, 8) + "}", 8),
                "gap in the data section: bytes [0, 4)");
        add(c, "overlap", file("{" + entry("a", "F32", "2", 0, 8) + "," + entry("b", "F32", "1", 4, 8) + "}", 8),
                "tensor 'b' at data_offsets [4, 8] overlaps tensor 'a' at data_offsets [0, 8]");
        add(c, "trailing-bytes", file("{" + OK_ENTRY + "}", 30), "6 trailing bytes after the last tensor");
        add(c, "no-tensors-but-data", file("{}", 5), "5 trailing bytes");
        add(c, "data-too-short", file("{" + OK_ENTRY + "}", 20),
                "data section too short (file truncated?): tensor 'w' ends at data byte 24 but the file has only 20");
        return c.stream();
    }

    private static void add(List<Arguments> cases, String name, byte[] bytes, String phrase) {
        cases.add(Arguments.of(name, bytes, phrase));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void malformedFileFailsWithOneLineNamingFileAndProblem(String name, byte[] bytes, String phrase)
            throws IOException {
        Path p = dir.resolve(name + ".safetensors");
        Files.write(p, bytes);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> openAndLoadAll(p));
        assertMessage(e, p, phrase);
    }

    @Test
    void casesAreDistinctAndPlenty() {
        Set<String> seen = new HashSet<>();
        cases().forEach(a -> assertTrue(seen.add(Arrays.toString((byte[]) a.get()[1])),
                () -> "duplicate case " + a.get()[0]));
        assertTrue(seen.size() >= 30, "only " + seen.size() + " cases");
    }

    @Test
    void boolOtherThanZeroOrOneFailsOnLoad() throws IOException {
        Path p = dir.resolve("bool.safetensors");
        Files.write(p, StBytes.file(utf8("{" + entry("m", "BOOL", "3", 0, 3) + "}"), new byte[] {0, 1, 7}));
        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            assertMessage(assertThrows(IllegalArgumentException.class, () -> f.load("m")), p,
                    "tensor 'm': BOOL value 7 at index 2 is not 0 or 1");
        }
    }

    @Test
    void integerLoadsRejectFloatsAndOutOfRangeInts() throws IOException {
        Path p = dir.resolve("ints.safetensors");
        byte[] data = java.nio.ByteBuffer.allocate(20).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putLong(5).putLong(1L << 32).putFloat(1f).array();
        Files.write(p, StBytes.file(utf8("{" + entry("ids", "I64", "2", 0, 16) + "," + entry("x", "F32", "", 16, 20)
                + "}"), data));
        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            assertEquals(List.of(5L, 1L << 32), java.util.Arrays.stream(f.loadLongs("ids")).boxed().toList());
            assertMessage(assertThrows(IllegalArgumentException.class, () -> f.loadInts("ids")), p,
                    "tensor 'ids': value 4294967296 at index 1 does not fit in an int");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> f.loadLongs("x")), p,
                    "tensor 'x': dtype F32 is not an integer type");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> f.load("nope")), p,
                    "no tensor 'nope' (the file has 2 tensors)");
        }
    }

    @Test
    void tensorTooLargeForAnArrayFailsBeforeAllocating() throws IOException {
        // A sparse file: 2^31 bytes of declared data cost no disk, and the check must come before any array.
        Path p = dir.resolve("huge.safetensors");
        long n = 1L << 31;
        Files.write(p, StBytes.file(utf8("{" + entry("big", "I8", Long.toString(n), 0, n) + "}"), new byte[0]));
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.setLength(raf.length() + n);
        }
        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            assertEquals(n, f.entry("big").elementCount());
            assertMessage(assertThrows(IllegalArgumentException.class, () -> f.load("big")), p,
                    "tensor 'big' I8 (2147483648,) has 2147483648 elements, more than a Java array holds");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> f.loadLongs("big")), p,
                    "more than a Java array holds");
        }
    }

    @Test
    void zeroSizeTensorWithDimensionBeyondIntFailsOnLoadOnly() throws IOException {
        Path p = dir.resolve("wide-empty.safetensors");
        Files.write(p, StBytes.file("{" + entry("e", "F32", "0,3000000000", 0, 0) + "}", 0));
        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            assertEquals(0, f.entry("e").elementCount());
            assertMessage(assertThrows(IllegalArgumentException.class, () -> f.load("e")), p,
                    "tensor 'e': dimension 3000000000 of shape (0, 3000000000) does not fit in an int");
        }
    }

    @Test
    void directoryIsNotAFile() {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> SafeTensorsFile.open(dir)), dir,
                "is a directory");
    }

    @Test
    void namesWithNewlinesStayOnOneLine() throws IOException {
        Path p = dir.resolve("newline-name.safetensors");
        Files.write(p, StBytes.file("{" + entry("a\\nb", "F99", "1", 0, 4) + "}", 4));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> SafeTensorsFile.open(p)), p,
                "tensor 'a\\u000ab': unknown dtype 'F99'");
    }

    static void openAndLoadAll(Path p) throws IOException {
        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            for (TensorEntry e : f.entries()) {
                f.load(e.name());
                if (!e.dtype().isFloatingPoint()) {
                    f.loadLongs(e.name());
                }
            }
        }
    }

    static void assertMessage(IllegalArgumentException e, Path p, String phrase) {
        String m = e.getMessage();
        assertTrue(m.startsWith(p.toString() + ": "), () -> "message does not name the file: " + m);
        assertTrue(m.contains(phrase), () -> "message lacks '" + phrase + "': " + m);
        assertFalse(m.contains("\n") || m.contains("\r"), () -> "message spans lines: " + m);
    }
}
