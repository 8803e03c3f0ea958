package org.transformer4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transformer4j.tensor.Tensor;

/**
 * Random valid files, built by a byte builder independent of the reader and writer, parse back exactly; random
 * corruptions of a valid file either parse or fail with {@link IllegalArgumentException}, never anything else.
 */
class SafeTensorsPropertyTest {
    @TempDir
    Path dir;

    private static final String[] DTYPES = {"F32", "F16", "BF16", "I32", "I64"};
    private static final String[] NAME_PARTS = {"w", "bias", "h.0", "é", "日本", "\uD83D\uDE00", "\"q\"",
        "back\\slash", "tab\t", "nl\n", "__meta", " ", ""};

    /** What the builder wrote for one tensor. */
    record Spec(String name, String dtype, long[] shape, byte[] bytes) {
        int width() {
            return switch (dtype) {
                case "F16", "BF16" -> 2;
                case "F32", "I32" -> 4;
                default -> 8;
            };
        }
    }

    /** A random valid file and the specs in the order the reader lists them. */
    record Built(byte[] bytes, List<Spec> dataOrder, Map<String, String> metadata) {
    }

    @Test
    void randomValidFilesParseBackExactly() throws IOException {
        Random rnd = new Random(20240607);
        for (int iter = 0; iter < 300; iter++) {
            Built b = build(rnd);
            Path p = dir.resolve("valid-" + iter + ".safetensors");
            Files.write(p, b.bytes());
            try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
                List<TensorEntry> entries = f.entries();
                assertEquals(b.dataOrder().size(), entries.size(), "iteration " + iter);
                assertEquals(b.metadata(), f.metadata());
                long offset = 0;
                for (int i = 0; i < entries.size(); i++) {
                    Spec s = b.dataOrder().get(i);
                    TensorEntry e = entries.get(i);
                    String ctx = "iteration " + iter + " tensor " + s.name();
                    assertEquals(s.name(), e.name(), ctx);
                    assertEquals(s.dtype(), e.dtype().name(), ctx);
                    assertArrayEquals(s.shape(), e.shape(), ctx);
                    assertEquals(offset, e.begin(), ctx);
                    offset += s.bytes().length;
                    assertEquals(offset, e.end(), ctx);
                    checkValues(f, s, ctx);
                }
            }
        }
    }

    private static void checkValues(SafeTensorsFile f, Spec s, String ctx) {
        Tensor t = f.load(s.name());
        assertArrayEquals(Arrays.stream(s.shape()).mapToInt(Math::toIntExact).toArray(), t.shape(), ctx);
        float[] got = t.toArray();
        ByteBuffer in = ByteBuffer.wrap(s.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        long[] longs = s.dtype().startsWith("I") ? f.loadLongs(s.name()) : null;
        for (int i = 0; i < got.length; i++) {
            float want = switch (s.dtype()) {
                case "F32" -> in.getFloat();
                case "F16" -> halfToFloat(in.getShort() & 0xffff);
                case "BF16" -> Float.intBitsToFloat((in.getShort() & 0xffff) << 16);
                case "I32" -> {
                    int v = in.getInt();
                    assertEquals(v, longs[i], ctx);
                    yield (float) v;
                }
                default -> {
                    long v = in.getLong();
                    assertEquals(v, longs[i], ctx);
                    yield (float) v;
                }
            };
            // NaN payloads may be quieted by the F16 conversion; every other value must match bit for bit.
            if (Float.isNaN(want)) {
                assertTrue(Float.isNaN(got[i]), ctx + " index " + i);
            } else {
                assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got[i]), ctx + " index " + i);
            }
        }
    }

    /** IEEE half to float written from the bit layout, independent of {@code Float.float16ToFloat}. */
    static float halfToFloat(int h) {
        int exp = (h >>> 10) & 0x1f;
        int man = h & 0x3ff;
        float v;
        if (exp == 0) {
            v = Math.scalb((float) man, -24);
        } else if (exp == 31) {
            v = man == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        } else {
            v = Math.scalb((float) (1024 + man), exp - 25);
        }
        return (h & 0x8000) != 0 ? -v : v;
    }

    @Test
    void randomSingleByteCorruptionsOfTheHeaderParseOrFailCleanly() throws IOException {
        Random rnd = new Random(7);
        Built base = build(new Random(99), 6);
        byte[] good = base.bytes();
        long headerEnd = 8 + ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        Path p = dir.resolve("mutant.safetensors");
        int rejected = 0;
        for (int iter = 0; iter < 2000; iter++) {
            byte[] bad = good.clone();
            int at = rnd.nextInt((int) headerEnd);
            // Half the time a structural character, so the JSON and the numbers get hit, not just names.
            byte[] interesting = {'{', '}', '[', ']', '"', ',', ':', '\\', '-', '.', 'e', '0', '9', ' ', 0, (byte) 0x80,
                (byte) 0xff, (byte) 0xc3};
            bad[at] = rnd.nextBoolean() ? interesting[rnd.nextInt(interesting.length)] : (byte) rnd.nextInt(256);
            rejected += openOrFailCleanly(p, bad, "mutation " + iter + ": byte " + at + " -> " + (bad[at] & 0xff));
        }
        assertTrue(rejected > 500, "only " + rejected + " of 2000 mutations were rejected");
    }

    @Test
    void everyTruncationAndEveryInsertedByteIsRejected() throws IOException {
        Built base = build(new Random(5), 4);
        byte[] good = base.bytes();
        Path p = dir.resolve("cut.safetensors");
        for (int n = 0; n < good.length; n++) {
            assertEquals(1, openOrFailCleanly(p, Arrays.copyOf(good, n), "truncated to " + n + " bytes"));
        }
        for (int at = 8; at <= good.length; at += 3) {
            byte[] longer = new byte[good.length + 1];
            System.arraycopy(good, 0, longer, 0, at);
            System.arraycopy(good, at, longer, at + 1, good.length - at);
            // Either the header or the data is now one byte longer than declared.
            assertEquals(1, openOrFailCleanly(p, longer, "byte inserted at " + at));
        }
    }

    /** 1 when the file is rejected with an IllegalArgumentException naming it, 0 when it loads; fails otherwise. */
    private static int openOrFailCleanly(Path p, byte[] bytes, String what) throws IOException {
        Files.write(p, bytes);
        try {
            SafeTensorsMalformedTest.openAndLoadAll(p);
            return 0;
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().startsWith(p + ": "), what + ": " + e.getMessage());
            assertFalse(e.getMessage().contains("\n"), what + ": " + e.getMessage());
            return 1;
        } catch (Throwable t) {
            fail(what + ": threw " + t, t);
            return -1;
        }
    }

    // ---------------------------------------------------------------- the builder

    static Built build(Random rnd) {
        return build(rnd, rnd.nextInt(7));
    }

    /** {@code count} random tensors; header order is a shuffle of data order; padding and escapes vary. */
    static Built build(Random rnd, int count) {
        List<Spec> specs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        while (specs.size() < count) {
            String name = NAME_PARTS[rnd.nextInt(NAME_PARTS.length)]
                    + (rnd.nextBoolean() ? "" : "." + rnd.nextInt(100));
            if (!names.add(name) || name.equals("__metadata__")) {
                continue;
            }
            String dtype = DTYPES[rnd.nextInt(DTYPES.length)];
            long[] shape = new long[rnd.nextInt(4)];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = rnd.nextInt(10) == 0 ? 0 : 1 + rnd.nextInt(4);
            }
            long n = Arrays.stream(shape).reduce(1, (a, x) -> a * x);
            Spec probe = new Spec(name, dtype, shape, new byte[0]);
            byte[] bytes = new byte[(int) n * probe.width()];
            rnd.nextBytes(bytes);
            specs.add(new Spec(name, dtype, shape, bytes));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        if (rnd.nextBoolean()) {
            for (int i = rnd.nextInt(3); i >= 0; i--) {
                metadata.put(NAME_PARTS[rnd.nextInt(NAME_PARTS.length)] + i, "v" + rnd.nextInt(1000) + "\u00e9\n");
            }
        }
        Map<Spec, long[]> offsets = new LinkedHashMap<>();
        long at = 0;
        for (Spec s : specs) {
            offsets.put(s, new long[] {at, at + s.bytes().length});
            at += s.bytes().length;
        }
        List<Spec> headerOrder = new ArrayList<>(specs);
        Collections.shuffle(headerOrder, rnd);
        List<String> members = new ArrayList<>();
        for (Spec s : headerOrder) {
            long[] o = offsets.get(s);
            String shape = String.join(",", Arrays.stream(s.shape()).mapToObj(Long::toString).toList());
            String[] fields = {
                "\"dtype\"" + ws(rnd) + ":" + ws(rnd) + "\"" + s.dtype() + "\"",
                "\"shape\":[" + shape + "]",
                "\"data_offsets\":[" + ws(rnd) + o[0] + "," + ws(rnd) + o[1] + "]"};
            List<String> fieldList = new ArrayList<>(List.of(fields));
            Collections.shuffle(fieldList, rnd);
            members.add(str(s.name(), rnd) + ":{" + String.join(",", fieldList) + "}");
        }
        if (!metadata.isEmpty()) {
            List<String> kv = new ArrayList<>();
            metadata.forEach((k, v) -> kv.add(str(k, rnd) + ":" + str(v, rnd)));
            members.add(rnd.nextInt(members.size() + 1), "\"__metadata__\":{" + String.join(",", kv) + "}");
        }
        String header = "{" + String.join("," + ws(rnd), members) + "}" + " ".repeat(rnd.nextInt(10));
        ByteBuffer data = ByteBuffer.allocate((int) at);
        specs.forEach(s -> data.put(s.bytes()));
        // The reader's documented order: by data offsets, zero-size ties in header order.
        List<Spec> expected = new ArrayList<>(headerOrder);
        expected.sort(Comparator.<Spec>comparingLong(s -> offsets.get(s)[0]).thenComparingLong(s -> offsets.get(s)[1]));
        return new Built(StBytes.file(StBytes.utf8(header), data.array()), expected, metadata);
    }

    private static String ws(Random rnd) {
        return switch (rnd.nextInt(6)) {
            case 0 -> " ";
            case 1 -> "\n\t";
            default -> "";
        };
    }

    /** A JSON string literal, escaping non-ASCII as \\uXXXX half of the time (surrogate pairs included). */
    private static String str(String s, Random rnd) {
        StringBuilder sb = new StringBuilder("\"");
        boolean escapeAll = rnd.nextBoolean();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c == '\n') {
                sb.append(escapeAll ? "\\u000A" : "\\n");
            } else if (c < 0x20 || (escapeAll && c > 0x7e)) {
                sb.append(String.format(escapeAll ? "\\u%04X" : "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
