package org.transformer4j.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finished runs survive a restart: written, read back equal, and a resumed experiment trains nothing again. */
class RunStoreTest {
    @TempDir
    Path dir;

    @Test
    void aRunReadsBackAsWritten() {
        TrainingCurve curve = new TrainingCurve(new double[] {6.25, 3.5, Double.NaN}, "loss at step 3", 12.5);
        TranslationSetup.Run run = new TranslationSetup.Run(curve, new double[] {1, 2}, new double[] {0.5, 0.75},
                new double[] {10.25, Double.NaN}, Double.NaN, Double.POSITIVE_INFINITY);
        TranslationSetup.Run back = RunStore.parse(RunStore.format(run));
        assertArrayEquals(curve.losses(), back.curve().losses());
        assertEquals("loss at step 3", back.curve().diverged());
        assertEquals(12.5, back.curve().seconds());
        assertArrayEquals(run.evalSteps(), back.evalSteps());
        assertArrayEquals(run.exact(), back.exact());
        assertArrayEquals(run.bleu(), back.bleu());
        assertTrue(Double.isNaN(back.finalExact()));
        assertEquals(Double.POSITIVE_INFINITY, back.finalBleu());
        TranslationSetup.Run plain = RunStore.parse(RunStore.format(new TranslationSetup.Run(
                new TrainingCurve(new double[] {1}, null, 1), new double[0], new double[0], new double[0], 1, 2)));
        assertNull(plain.curve().diverged());
    }

    @Test
    void aResumedWarmupTakesEveryRunFromTheStoreAndWritesTheSameTables() throws Exception {
        Path store = dir.resolve("store");
        List<String> first = new ArrayList<>();
        Path a = new WarmupExperiment().run(ExperimentOptions.quick(dir.resolve("a"), first::add).withResume(store));
        List<String> second = new ArrayList<>();
        Path b = new WarmupExperiment().run(ExperimentOptions.quick(dir.resolve("b"), second::add).withResume(store));
        List<String> trained = second.stream().filter(l -> l.contains("seed ")).toList();
        assertEquals(8, trained.size(), second.toString());
        assertTrue(trained.stream().allMatch(l -> l.contains("kept from an earlier run")), trained.toString());
        assertTrue(first.stream().noneMatch(l -> l.contains("kept from an earlier run")), first.toString());
        assertEquals(tables(Files.readString(a)), tables(Files.readString(b)));
        List<String> fresh = new ArrayList<>();
        new WarmupExperiment().run(ExperimentOptions.quick(dir.resolve("c"), fresh::add));
        assertTrue(fresh.stream().noneMatch(l -> l.contains("kept from an earlier run")), "no store, no reuse: " + fresh);
    }

    /** The report's table rows, without the footer's wall-clock time. */
    private static List<String> tables(String md) {
        return md.lines().filter(l -> l.startsWith("|")).toList();
    }
}
