package org.transformer4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code t4j experiment NAME --quick} end to end: the report exists with its tables and plots, its numbers parse,
 * and a NaN appears only in a row that reports divergence. A quick run proves the pipeline, not the claim.
 */
class ExperimentCommandTest {
    private static final Pattern IMAGE = Pattern.compile("!\\[[^\\]]*\\]\\(([^)]+\\.png)\\)");
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");

    @TempDir
    Path dir;

    /** Table rows ("| a | b |") of the report, without header separator lines. */
    static List<List<String>> rows(String md) {
        List<List<String>> out = new ArrayList<>();
        for (String line : md.lines().toList()) {
            if (line.startsWith("|") && !line.startsWith("| ---")) {
                List<String> cells = new ArrayList<>();
                for (String c : line.substring(1, line.length() - 1).split("(?<!\\\\)\\|")) {
                    cells.add(c.strip());
                }
                out.add(cells);
            }
        }
        return out;
    }

    static String runQuick(Path out, String name) throws Exception {
        WeightsCommandTest.Run r = WeightsCommandTest.run("experiment", name, "--quick", "--out", out.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        Path md = out.resolve(name + ".md");
        assertTrue(r.out().contains("Wrote " + md), r.out());
        String text = Files.readString(md);
        assertTrue(text.startsWith("# "), "a title");
        assertTrue(text.contains("**Quick run** (`./t4j experiment " + name + " --quick`)"), "says it is a quick run");
        Matcher m = IMAGE.matcher(text);
        int images = 0;
        while (m.find()) {
            Path png = out.resolve(m.group(1));
            assertTrue(Files.size(png) > 1000, png + " is a real image");
            Path svg = out.resolve(m.group(1).replace(".png", ".svg"));
            assertTrue(Files.readString(svg).contains("<polyline") || Files.readString(svg).contains("<rect"), svg.toString());
            images++;
        }
        assertTrue(images >= 2, "plots embedded: " + images);
        for (List<String> row : rows(text)) {
            String joined = String.join(" | ", row);
            if (joined.contains("NaN")) {
                assertTrue(joined.contains("diverged"), "NaN only where the row reports divergence: " + joined);
            }
        }
        assertFalse(text.contains("Infinity"), "no raw Java infinities");
        return text;
    }

    @Test
    void warmupQuickWritesTheGridAndGradientNorms() throws Exception {
        String md = runQuick(dir, "warmup");
        List<List<String>> rows = rows(md);
        List<List<String>> grid = rows.stream().filter(r -> r.size() == 8 && (r.get(0).equals("Post-LN") || r.get(0).equals("Pre-LN")))
                .toList();
        assertEquals(8, grid.size(), "2 placements x 2 warmups x 2 learning rates: " + grid);
        for (List<String> r : grid) {
            assertTrue(r.get(1).equals("0") || r.get(1).equals("10"), r.toString());
            assertTrue(NUMBER.matcher(r.get(3)).matches(), "first loss parses: " + r);
            if (!r.get(7).startsWith("diverged")) {
                for (int c = 4; c <= 6; c++) {
                    assertTrue(NUMBER.matcher(r.get(c)).matches(), "column " + c + " parses: " + r);
                }
                double exact = Double.parseDouble(r.get(5));
                assertTrue(exact >= 0 && exact <= 100, r.toString());
            }
        }
        List<List<String>> norms = rows.stream().filter(r -> r.get(0).matches("(encoder|decoder)\\.layers\\.\\d+")).toList();
        assertEquals(4, norms.size(), "2 encoder + 2 decoder layers: " + norms);
        for (List<String> r : norms) {
            for (int c = 1; c <= 4; c++) {
                assertTrue(Double.parseDouble(r.get(c)) > 0, "a positive gradient norm: " + r);
            }
        }
        assertTrue(md.contains("## What reproduced"), md);
        assertTrue(Files.exists(dir.resolve("warmup/grad-norms-2.svg")));
        assertTrue(Files.exists(dir.resolve("warmup/loss-numbers-2.png")));
    }

    @Test
    void positionsQuickComparesTheSixSchemes() throws Exception {
        String md = runQuick(dir, "positions");
        List<String> schemes = List.of("sinusoidal, added", "sinusoidal, concatenated", "learned", "RoPE", "ALiBi", "none");
        List<List<String>> rows = rows(md);
        List<List<String>> task = rows.stream().filter(r -> r.size() == 4 && schemes.contains(r.get(0))).toList();
        assertEquals(6, task.size(), task.toString());
        for (List<String> r : task) {
            for (int c = 1; c <= 3; c++) {
                assertTrue(NUMBER.matcher(r.get(c)).matches(), "column " + c + " parses: " + r);
            }
        }
        List<List<String>> extra = rows.stream().filter(r -> r.size() == 7 && schemes.contains(r.get(0))).toList();
        assertEquals(6, extra.size(), extra.toString());
        for (List<String> r : extra) {
            for (int c = 4; c <= 6; c++) {   // 4, 5 and 6 digits always have held-out numbers
                double v = Double.parseDouble(r.get(c));
                assertTrue(v >= 0 && v <= 100, r.toString());
            }
        }
        assertTrue(md.contains("## What reproduced") && md.contains("ALiBi extrapolates best"), md);
    }

    @Test
    void listsTheExperimentsAndRejectsUnknownOnes() {
        WeightsCommandTest.Run list = WeightsCommandTest.run("experiment");
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().contains("warmup") && list.out().contains("positions"), list.out());
        WeightsCommandTest.Run bad = WeightsCommandTest.run("experiment", "nosuch", "--quick", "--out", dir.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("unknown experiment 'nosuch'; known: warmup, positions"), bad.err());
        WeightsCommandTest.Run seeds = WeightsCommandTest.run("experiment", "warmup", "--seeds", "0", "--out", dir.toString());
        assertEquals(2, seeds.code());
        assertTrue(seeds.err().contains("--seeds must be in 1..100, got 0"), seeds.err());
    }
}
