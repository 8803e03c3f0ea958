package org.transformer4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.transformer4j.io.Json;

/** {@code t4j bench}: each benchmark runs on a tiny model and prints parseable JSON (speed is never asserted). */
class BenchCommandTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String... args) {
        WeightsCommandTest.Run r = WeightsCommandTest.run(args);
        assertEquals(0, r.code(), r.err());
        return (Map<String, Object>) Json.parse(r.out());
    }

    private static double number(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).doubleValue();
    }

    @Test
    void gemmPrintsGflops() {
        Map<String, Object> m = json("bench", "gemm", "--m", "17", "--n", "33", "--k", "9", "--json", "--warmup", "0", "--reps", "1");
        assertEquals("gemm", m.get("bench"));
        assertTrue(number(m, "gflops") > 0, m.toString());
        assertEquals(33L, m.get("n"));
    }

    @Test
    void trainForwardAndDecodePrintTokensPerSecond() {
        Map<String, Object> t = json("bench", "train", "--preset", "tiny-gpt", "--batch", "2", "--seq", "8", "--steps", "1",
                "--warmup", "0", "--json");
        assertTrue(number(t, "tokens_per_s") > 0, t.toString());
        assertTrue(Double.isFinite(number(t, "last_loss")), t.toString());
        assertTrue(number(t, "allocated_mb_per_step") > 0, t.toString()); // a training step allocates its tensors
        Map<String, Object> f = json("bench", "forward", "--preset", "tiny-gpt", "--seq", "16", "--reps", "1", "--warmup", "0",
                "--json");
        assertTrue(number(f, "tokens_per_s") > 0, f.toString());
        Map<String, Object> d = json("bench", "decode", "--preset", "tiny-gpt", "--positions", "0,200", "--reps", "3",
                "--warmup", "1", "--json");
        assertTrue(number(d, "tokens_per_s_at_200") > 0, d.toString());
    }

    @Test
    void badInputIsOneLineAndExitCode2() {
        WeightsCommandTest.Run r = WeightsCommandTest.run("bench", "decode", "--preset", "tiny-gpt", "--positions", "250");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("does not fit"), r.err());
        WeightsCommandTest.Run p = WeightsCommandTest.run("bench", "forward", "--preset", "tiny-paper");
        assertEquals(2, p.code());
    }
}
