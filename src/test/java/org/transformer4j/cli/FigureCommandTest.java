package org.transformer4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transformer4j.io.Json;

/** {@code t4j figure} end to end: every format from a preset, the diff, and one-line errors. */
class FigureCommandTest {
    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void writesEveryFormat() throws Exception {
        for (String ext : List.of("json", "dot", "graphml", "svg", "png")) {
            Path out = dir.resolve("fig." + ext);
            WeightsCommandTest.Run r = WeightsCommandTest.run("figure", "--preset", "tiny-paper", "-o", out.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(Files.size(out) > 100, ext);
        }
        Map<String, Object> json = (Map<String, Object>) Json.parse(Files.readString(dir.resolve("fig.json")));
        List<Map<String, Object>> nodes = (List<Map<String, Object>>) json.get("nodes");
        assertTrue(nodes.stream().anyMatch(n -> "Add & Norm".equals(n.get("label"))), "tiny-paper is Post-LN");
        assertTrue(Files.readString(dir.resolve("fig.svg")).startsWith("<"));
        assertTrue(ImageIO.read(dir.resolve("fig.png").toFile()).getWidth() > 200);
        assertTrue(Files.readString(dir.resolve("fig.dot")).contains("digraph"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void opsLevelAndDiff() throws Exception {
        Path ops = dir.resolve("ops.json");
        assertEquals(0, WeightsCommandTest.run("figure", "--preset", "tiny-gpt", "--level", "ops", "-o", ops.toString()).code());
        List<Map<String, Object>> nodes = (List<Map<String, Object>>) ((Map<String, Object>) Json.parse(Files.readString(ops)))
                .get("nodes");
        assertTrue(nodes.stream().anyMatch(n -> "softmax".equals(n.get("kind"))));
        assertTrue(nodes.stream().anyMatch(n -> "QK\u1d40".equals(n.get("label"))));
        Path diff = dir.resolve("diff.json");
        assertEquals(0, WeightsCommandTest.run("figure", "--preset", "tiny-paper", "--diff", "tiny-gpt", "-o",
                diff.toString()).code());
        assertTrue(Files.readString(diff).contains("diff-"));
    }

    @Test
    void badInputIsOneLineWithExitCode2() {
        for (String[] args : List.of(
                new String[] {"figure", "--preset", "tiny-gpt", "--level", "atoms", "-o", dir.resolve("x.svg").toString()},
                new String[] {"figure", "--preset", "nope", "-o", dir.resolve("x.svg").toString()},
                new String[] {"figure", "--preset", "tiny-gpt", "-o", dir.resolve("x.bmp").toString()},
                new String[] {"figure", "--preset", "tiny-gpt", "-o", dir.resolve("missing/x.svg").toString()},
                new String[] {"figure", "--config", dir.resolve("none.json").toString(), "-o", dir.resolve("x.svg").toString()},
                new String[] {"figure", "-o", dir.resolve("x.svg").toString()})) {
            WeightsCommandTest.Run r = WeightsCommandTest.run(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("t4j: "), r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        }
        assertFalse(Files.exists(dir.resolve("x.svg")), "nothing half-written");
    }
}
