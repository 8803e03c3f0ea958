package org.transformer4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transformer4j.model.EncoderDecoder;

/** Training stopped and resumed from a checkpoint continues exactly as an uninterrupted run (dropout on). */
class TrainerResumeTest {
    @TempDir
    Path dir;

    private static EncoderDecoder run(Path folder, long steps, boolean resume, List<String> losses) throws Exception {
        return ReverseTaskRun.run(folder, steps, resume, 0, l -> losses.add(Float.toString(l)),
                new PrintStream(new ByteArrayOutputStream()));
    }

    @Test
    void resumedLossCurveAndWeightsEqualAnUninterruptedRun() throws Exception {
        List<String> straight = new ArrayList<>();
        EncoderDecoder a = run(dir.resolve("a"), 20, false, straight);
        List<String> split = new ArrayList<>();
        run(dir.resolve("b"), 8, false, split);
        EncoderDecoder b = run(dir.resolve("b"), 20, true, split);
        assertEquals(straight, split, "loss of every step, as float text");
        a.namedParameters().forEach((k, v) -> assertArrayEquals(v.value().toArray(), b.namedParameters().get(k).value().toArray(), k));
        assertTrue(Files.readString(dir.resolve("b/metrics.jsonl")).contains("resumed from step 8"));
        assertTrue(Files.size(dir.resolve("a/loss.png")) > 0 && Files.size(dir.resolve("a/loss.svg")) > 0);
    }

    @Test
    void resumingANonexistentRunIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(dir.resolve("none"), 5, true, new ArrayList<>()));
        assertTrue(e.getMessage().contains("no checkpoint"), e.getMessage());
    }
}
