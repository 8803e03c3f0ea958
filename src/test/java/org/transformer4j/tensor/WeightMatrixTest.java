package org.transformer4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The inference weight formats: each kernel against the plain-Java reference over the same stored weights,
 * for odd sizes (vector tails, a short last Q8_0 block), both fp32 layouts and any split of the outputs;
 * and each format's rounding against the fp32 weights it was made from.
 */
class WeightMatrixTest {
    private static final int[][] SIZES = {{1, 1}, {3, 5}, {19, 37}, {33, 64}, {64, 96}, {40, 700}, {130, 768}};

    private static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    private static WeightMatrix transposedF32(float[] w, int rows, int cols, Arena arena) {
        MemorySegment seg = arena.allocate((long) rows * cols * 4);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                seg.set(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), ((long) c * rows + r) * 4, w[r * cols + c]);
            }
        }
        return WeightMatrix.f32(seg, rows, cols, true);
    }

    @Test
    void everyKernelMatchesTheReferenceOnItsOwnWeights() {
        Random rnd = new Random(3);
        try (Arena arena = Arena.ofConfined()) {
            for (int[] size : SIZES) {
                int rows = size[0];
                int cols = size[1];
                float[] w = random(rnd, rows * cols);
                float[] x = random(rnd, cols + 3);
                float[] bias = random(rnd, rows);
                WeightMatrix plain = WeightMatrix.f32(w, rows, cols);
                WeightMatrix[] all = {plain, transposedF32(w, rows, cols, arena), WeightMatrix.convert(plain, WeightMatrix.Format.BF16),
                    WeightMatrix.convert(plain, WeightMatrix.Format.Q8_0)};
                for (WeightMatrix m : all) {
                    for (float[] b : new float[][] {null, bias}) {
                        float[] want = new float[rows + 2];
                        m.multiplyReference(x, 3, b, want, 2, 0, rows);
                        float[] whole = null;
                        for (int parts : new int[] {1, 2, 3, 7}) {
                            float[] got = new float[rows + 2];
                            for (int p = 0; p < parts; p++) {
                                int from = WorkerTeam.start(rows, p, parts, m.rowAlign());
                                int to = WorkerTeam.start(rows, p + 1, parts, m.rowAlign());
                                m.multiply(x, 3, b, got, 2, from, to);
                            }
                            for (int r = 0; r < rows; r++) {
                                double tol = 1e-5 * Math.sqrt(cols) * 4 + 1e-6;
                                assertEquals(want[2 + r], got[2 + r], tol, m.format() + " " + rows + "x" + cols
                                        + (m == all[1] ? " transposed" : "") + " parts " + parts + " row " + r);
                            }
                            if (whole == null) {
                                whole = got;
                            } else {
                                assertArrayEquals(whole, got, m.format() + " " + rows + "x" + cols
                                        + ": the same values however the outputs are split (" + parts + " parts)");
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void rowBlocksMatchTheReferenceRowByRowInEveryFormat() {
        // multiplyRows packs W from each format into the GEMM's slivers: odd output counts (partial slivers and tiles),
        // odd row counts (partial micro-tiles), depth over one KC block (1000 = 768 + 232, a second packed block that
        // ends mid-chunk for bf16 and mid-block for Q8_0), and any split of the outputs.
        Random rnd = new Random(11);
        int[][] sizes = {{1, 1}, {5, 3}, {37, 19}, {70, 64}, {33, 1000}, {130, 768}};
        int[] rowCounts = {1, 7, 13, 30};
        try (Arena arena = Arena.ofConfined()) {
            for (int[] size : sizes) {
                int rows = size[0];
                int cols = size[1];
                float[] w = random(rnd, rows * cols);
                float[] bias = random(rnd, rows);
                WeightMatrix plain = WeightMatrix.f32(w, rows, cols);
                WeightMatrix[] all = {plain, transposedF32(w, rows, cols, arena), WeightMatrix.convert(plain, WeightMatrix.Format.BF16),
                    WeightMatrix.convert(plain, WeightMatrix.Format.Q8_0)};
                for (int n : rowCounts) {
                    int ldx = cols + 3;
                    float[] x = random(rnd, 2 + n * ldx);
                    for (WeightMatrix m : all) {
                        String what = m.format() + (m == all[1] ? " transposed " : " ") + rows + "x" + cols + ", " + n + " rows";
                        for (float[] b : new float[][] {null, bias}) {
                            int ldy = rows + 1;
                            float[] whole = null;
                            for (int parts : new int[] {1, 2, 5}) {
                                float[] got = new float[1 + n * ldy];
                                for (int p = 0; p < parts; p++) {
                                    m.multiplyRows(x, 2, ldx, n, b, got, 1, ldy, WorkerTeam.start(rows, p, parts, 1),
                                            WorkerTeam.start(rows, p + 1, parts, 1));
                                }
                                for (int i = 0; i < n; i++) {
                                    float[] want = new float[rows];
                                    m.multiplyReference(x, 2 + i * ldx, b, want, 0, 0, rows);
                                    for (int r = 0; r < rows; r++) {
                                        assertEquals(want[r], got[1 + i * ldy + r], 1e-5 * Math.sqrt(cols) * 4 + 1e-6,
                                                what + ", row " + i + " output " + r);
                                    }
                                    assertEquals(0f, got[1 + i * ldy + rows], what + ": nothing written past the outputs");
                                }
                                if (whole == null) {
                                    whole = got;
                                } else {
                                    assertArrayEquals(whole, got, what + ": the same values however the outputs are split");
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void theFormatsRoundTheWeightsAsDocumented() {
        Random rnd = new Random(5);
        int rows = 17;
        int cols = 70;   // two full Q8_0 blocks and one of 6
        float[] w = random(rnd, rows * cols);
        w[5] = 0f;
        WeightMatrix plain = WeightMatrix.f32(w, rows, cols);
        WeightMatrix bf16 = WeightMatrix.convert(plain, WeightMatrix.Format.BF16);
        WeightMatrix q8 = WeightMatrix.convert(plain, WeightMatrix.Format.Q8_0);
        float[] rb = new float[cols];
        float[] rq = new float[cols];
        for (int r = 0; r < rows; r++) {
            bf16.row(r, rb, 0);
            q8.row(r, rq, 0);
            for (int b = 0; b * 32 < cols; b++) {
                float amax = 0;
                for (int c = b * 32; c < Math.min(cols, b * 32 + 32); c++) {
                    amax = Math.max(amax, Math.abs(w[r * cols + c]));
                }
                for (int c = b * 32; c < Math.min(cols, b * 32 + 32); c++) {
                    float v = w[r * cols + c];
                    // bf16 keeps 8 significant bits: rounding error at most half an ulp, 2^-8 of the value
                    assertTrue(Math.abs(rb[c] - v) <= Math.abs(v) * 0x1p-8f, "bf16 of " + v + " is " + rb[c]);
                    // Q8_0: error at most half a step, step = amax / 127
                    assertTrue(Math.abs(rq[c] - v) <= amax / 127 / 2 * 1.0001f, "q8_0 of " + v + " is " + rq[c]);
                }
            }
        }
        assertEquals(0f, bf16Row0(bf16, cols)[5]);
        assertEquals(rows * cols * 2L, bf16.bytes());
        assertEquals(rows * cols + rows * 3 * 4L, q8.bytes());
        assertEquals(rows * cols * 4L, plain.bytes());
        // round to nearest even at the halfway point, and NaN stays NaN
        assertEquals(Float.intBitsToFloat(0x3f80_0000), Bf16Matrix.toFloat(Bf16Matrix.toBf16(Float.intBitsToFloat(0x3f80_8000))));
        assertEquals(Float.intBitsToFloat(0x3f82_0000), Bf16Matrix.toFloat(Bf16Matrix.toBf16(Float.intBitsToFloat(0x3f81_8000))));
        assertTrue(Float.isNaN(Bf16Matrix.toFloat(Bf16Matrix.toBf16(Float.NaN))));
    }

    private static float[] bf16Row0(WeightMatrix m, int cols) {
        float[] out = new float[cols];
        m.row(0, out, 0);
        return out;
    }

    @Test
    void formatsParseAndBadSizesAreRefused() {
        assertEquals(WeightMatrix.Format.Q8_0, WeightMatrix.Format.parse("Q8_0"));
        assertEquals(WeightMatrix.Format.BF16, WeightMatrix.Format.parse("bf16"));
        assertEquals(WeightMatrix.Format.F32, WeightMatrix.Format.parse("f32"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WeightMatrix.Format.parse("int4"));
        assertTrue(e.getMessage().contains("'int4'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WeightMatrix.f32(new float[6], 2, 4));
    }

    @Test
    void aTeamRunsEveryPartOnceAndPassesOnFailures() {
        WorkerTeam team = new WorkerTeam(3);
        int[] hits = new int[3];
        for (int round = 0; round < 1000; round++) {
            team.run((part, parts) -> hits[part]++);
        }
        assertEquals(1000, hits[0]);
        assertEquals(1000, hits[1]);
        assertEquals(1000, hits[2]);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> team.run((part, parts) -> {
            if (part == 2) {
                throw new IllegalStateException("part 2 failed");
            }
        }));
        assertEquals("part 2 failed", e.getMessage());
        team.run((part, parts) -> hits[part]++);
        assertEquals(1001, hits[2]);
        team.close();
        assertThrows(IllegalStateException.class, () -> team.run((part, parts) -> { }));
        assertThrows(IllegalStateException.class, () -> WorkerTeam.shared().close());
        assertEquals(0, WorkerTeam.start(10, 0, 3, 4));
        assertEquals(4, WorkerTeam.start(10, 1, 3, 4));
        assertEquals(8, WorkerTeam.start(10, 2, 3, 4));
        assertEquals(10, WorkerTeam.start(10, 3, 3, 4));
    }
}
