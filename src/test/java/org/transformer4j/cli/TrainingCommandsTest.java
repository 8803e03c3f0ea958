package org.transformer4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code t4j demo}, {@code train} and {@code translate} end to end on a few seconds of training. */
class TrainingCommandsTest {
    @TempDir
    Path dir;

    @Test
    void demoWritesTheRunFolderAndReportsExactMatchAndBleu() throws Exception {
        Path run = dir.resolve("demo");
        WeightsCommandTest.Run r = WeightsCommandTest.run("demo", "--minutes", "0.1", "--out", run.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("exact match: ") && r.out().contains("% of 1000 held-out numbers"), r.out());
        assertTrue(r.out().contains("BLEU: "), r.out());
        for (String f : List.of("config.json", "run.json", "tokenizer.json", "latest", "metrics.jsonl", "loss.svg", "loss.png", "figure.png", "attention.png", "attention.svg",
                "test.json")) {
            assertTrue(Files.exists(run.resolve(f)), f);
        }
        WeightsCommandTest.Run t = WeightsCommandTest.run("translate", "--model", run.toString(), "zweiundvierzig");
        assertEquals(0, t.code(), t.err());
        // After seconds of training the translation may be anything, even empty; it is one line.
        assertEquals(1, t.out().lines().count(), t.out());
        // evaluate rebuilds the test split from run.json and scores the same checkpoint: the demo's numbers.
        WeightsCommandTest.Run e = WeightsCommandTest.run("evaluate", "--model", run.toString(), "--json");
        assertEquals(0, e.code(), e.err());
        java.util.Map<?, ?> scores = (java.util.Map<?, ?>) org.transformer4j.io.Json.parse(e.out().strip());
        assertEquals(1000, ((Number) scores.get("sources")).intValue());
        String printed = r.out().lines().filter(l -> l.startsWith("exact match: ")).findFirst().orElseThrow();
        assertEquals(printed, String.format(java.util.Locale.ROOT, "exact match: %.1f%% of 1000 held-out numbers",
                100 * ((Number) scores.get("exact_match")).doubleValue()));
        String bleuLine = r.out().lines().filter(l -> l.startsWith("BLEU: ")).findFirst().orElseThrow();
        assertEquals(bleuLine, String.format(java.util.Locale.ROOT, "BLEU: %.1f", ((Number) scores.get("bleu")).doubleValue()));
        assertTrue(Files.readString(run.resolve("test.json")).contains("\"references\": ["), "test.json lists references");
        WeightsCommandTest.Run ids = WeightsCommandTest.run("translate", "--model", run.toString(), "--input-ids", "[5, 6, 7]",
                "--ids", "--beam", "2", "--max-new-tokens", "4");
        assertEquals(0, ids.code(), ids.err());
        assertTrue(ids.out().strip().matches("\\[(\\d+(, \\d+){0,3})?\\]"), "at most 4 ids as JSON: " + ids.out());
        // inspect attention draws every map of the trained model; heads lists every head of every module.
        Path html = dir.resolve("att.html");
        WeightsCommandTest.Run a = WeightsCommandTest.run("inspect", "attention", "--model", run.toString(), "-o", html.toString(),
                "zweiundvierzig");
        assertEquals(0, a.code(), a.err());
        String page = Files.readString(html);
        assertEquals(6, page.split("<section>", -1).length - 2, "the lines view and a heatmap per attention module");
        assertTrue(page.contains("decoder.layers.1.multihead_attn (cross)"), "cross-attention is labelled");
        WeightsCommandTest.Run h = WeightsCommandTest.run("inspect", "heads", "--model", run.toString(), "--json", "zweiundvierzig");
        assertEquals(0, h.code(), h.err());
        assertEquals(6 * 4, h.out().lines().count(), h.out());
        Path fig = dir.resolve("figure.json");
        assertEquals(0, WeightsCommandTest.run("figure", "--model", run.toString(), "-o", fig.toString()).code());
        assertTrue(Files.readString(fig).contains("Masked Multi-Head"), "the trained model's figure");
    }

    @Test
    void trainResumesAndRefusesToOverwrite() {
        Path run = dir.resolve("run");
        String[] base = {"train", "--out", run.toString(), "--steps", "3"};
        assertEquals(0, WeightsCommandTest.run(base).code());
        WeightsCommandTest.Run again = WeightsCommandTest.run(base);
        assertEquals(2, again.code());
        assertTrue(again.err().contains("already holds a run"), again.err());
        WeightsCommandTest.Run resumed = WeightsCommandTest.run("train", "--out", run.toString(), "--steps", "5", "--resume");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("resumed from step 3"), resumed.out());
    }

    @Test
    void badInputIsOneLineWithExitCode2() {
        for (String[] args : List.of(
                new String[] {"train", "--out", dir.resolve("x").toString(), "--resume"},
                new String[] {"train", "--out", dir.resolve("y").toString(), "--data", "klingon"},
                new String[] {"train", "--out", dir.resolve("z").toString(), "--preset", "tiny-gpt"},
                new String[] {"translate", "--model", dir.resolve("none").toString(), "eins"},
                new String[] {"evaluate", "--model", dir.resolve("none").toString()},
                new String[] {"evaluate", "--model", dir.resolve("none").toString(), "--data", "numbers", "--limit", "-3"},
                new String[] {"demo", "--minutes", "-1"})) {
            WeightsCommandTest.Run r = WeightsCommandTest.run(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("t4j: ") && r.err().strip().lines().count() == 1, r.err());
        }
        assertFalse(Files.exists(dir.resolve("x")), "a failed --resume creates nothing");
    }
}
