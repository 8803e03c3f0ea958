package org.transformer4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.transformer4j.tensor.Tensor;

/**
 * Reads the file PyTorch wrote (tools/make_safetensors_fixtures.py) and checks every conversion against torch's
 * own {@code .float()}: exact for F16/BF16 including inf, NaN, -0.0 and subnormals.
 */
class SafeTensorsTorchFixtureTest {
    private static Path fixture;

    @BeforeAll
    static void locate() throws URISyntaxException {
        fixture = Path.of(SafeTensorsTorchFixtureTest.class.getResource("/fixtures/torch-dtypes.safetensors").toURI());
    }

    @Test
    void headerListsTheTensorsInFileOrder() throws IOException {
        try (SafeTensorsFile f = SafeTensorsFile.open(fixture)) {
            List<String> names = f.entries().stream().map(TensorEntry::name).filter(n -> !n.endsWith(".as_f32"))
                    .toList();
            assertEquals(List.of("F16", "BF16", "F32", "F64", "I64", "I32", "I16", "I8", "U8", "BOOL", "scalar",
                    "empty"), names);
            assertEquals(DType.BF16, f.entry("BF16").dtype());
            assertArrayEquals(new long[] {4, 6}, f.entry("F16").shape());
            assertArrayEquals(new long[] {}, f.entry("scalar").shape());
            assertArrayEquals(new long[] {0, 3}, f.entry("empty").shape());
            assertEquals("pt", f.metadata().get("format"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"F16", "BF16", "F32", "F64", "I64", "I32", "I16", "I8", "U8", "BOOL", "scalar"})
    void conversionMatchesTorchFloatExactly(String name) throws IOException {
        try (SafeTensorsFile f = SafeTensorsFile.open(fixture)) {
            Tensor got = f.load(name);
            Tensor want = f.load(name + ".as_f32");
            assertArrayEquals(want.shape(), got.shape());
            float[] g = got.toArray();
            float[] w = want.toArray();
            for (int i = 0; i < w.length; i++) {
                if (Float.isNaN(w[i])) {
                    assertTrue(Float.isNaN(g[i]), name + "[" + i + "] should be NaN, is " + g[i]);
                } else {
                    assertEquals(Float.floatToRawIntBits(w[i]), Float.floatToRawIntBits(g[i]),
                            name + "[" + i + "]: want " + w[i] + ", got " + g[i]);
                }
            }
        }
    }

    @Test
    void specialValuesArePresentAndExact() throws IOException {
        try (SafeTensorsFile f = SafeTensorsFile.open(fixture)) {
            float[] h = f.load("F16").toArray();
            assertContains(h, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0.0f, 65504f, -65504f,
                    0x1p-14f /* smallest normal */, 0x1p-24f /* smallest subnormal */, -0x1p-24f, 3 * 0x1p-24f);
            assertTrue(hasNaN(h));
            float[] b = f.load("BF16").toArray();
            assertContains(b, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0.0f, 0x1p-126f, 0x1p-133f,
                    -0x1p-133f, Float.intBitsToFloat(0x7f7f0000) /* bf16 max */);
            assertTrue(hasNaN(b));
            float[] s = f.load("F32").toArray();
            assertContains(s, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, Float.MIN_NORMAL, -0.0f);
            float[] d = f.load("F64").toArray();
            // 1e300 and double max overflow float32; 2^-1074 underflows to zero with its sign.
            assertContains(d, Float.POSITIVE_INFINITY, -0.0f, 0f);
            assertEquals(-1.5f, f.load("scalar").item());
            assertEquals(0, f.load("empty").size());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"I64", "I32", "I16", "I8", "U8", "BOOL"})
    void integerTensorsLoadExactly(String name) throws IOException {
        try (SafeTensorsFile f = SafeTensorsFile.open(fixture)) {
            long[] want = Arrays.stream(f.metadata().get(name + ".values").split(",")).mapToLong(Long::parseLong)
                    .toArray();
            assertArrayEquals(want, f.loadLongs(name));
            if (name.equals("I64")) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.loadInts(name));
                assertTrue(e.getMessage().contains("value 9223372036854775807 at index 6 does not fit in an int"),
                        e.getMessage());
            } else {
                assertArrayEquals(Arrays.stream(want).mapToInt(Math::toIntExact).toArray(), f.loadInts(name));
            }
        }
    }

    @Test
    void int64ExtremesSurviveExactly() throws IOException {
        try (SafeTensorsFile f = SafeTensorsFile.open(fixture)) {
            long[] v = f.loadLongs("I64");
            assertTrue(Arrays.stream(v).anyMatch(x -> x == Long.MAX_VALUE));
            assertTrue(Arrays.stream(v).anyMatch(x -> x == Long.MIN_VALUE));
            assertTrue(Arrays.stream(v).anyMatch(x -> x == (1L << 53) + 1));
        }
    }

    private static void assertContains(float[] values, float... wanted) {
        for (float w : wanted) {
            int bits = Float.floatToRawIntBits(w);
            assertTrue(Arrays.stream(box(values)).anyMatch(v -> Float.floatToRawIntBits(v) == bits),
                    () -> "missing " + w + " (0x" + Integer.toHexString(bits) + ") in " + Arrays.toString(values));
        }
    }

    private static Float[] box(float[] v) {
        Float[] out = new Float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    private static boolean hasNaN(float[] v) {
        for (float x : v) {
            if (Float.isNaN(x)) {
                return true;
            }
        }
        return false;
    }
}
