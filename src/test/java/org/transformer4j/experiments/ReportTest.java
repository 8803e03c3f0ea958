package org.transformer4j.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Markdown report writer, the line plot and the seed statistics. */
class ReportTest {

    @Test
    void writesMarkdownWithTablesListsCodeAndEmbeddedPlots(@TempDir Path dir) throws Exception {
        Report r = new Report(dir, "demo");
        LinePlot p = LinePlot.of("loss", "step", "loss").withLogY(true).withSeries("a", new double[] {1, 2, 3}, new double[] {4, 2, 1});
        Path md = r.heading(1, "Title").paragraph("  Some *text*.  ").bullets(List.of("one", "two\nlines"))
                .table(List.of("x", "y|z"), List.of(List.of("1", "a|b"), List.of("2", "c"))).code("bash", "./t4j x\n")
                .plot(p, "loss", "The loss").write();
        assertEquals(dir.resolve("demo.md"), md);
        assertEquals("""
                # Title

                Some *text*.

                - one
                - two
                  lines

                | x | y\\|z |
                | --- | --- |
                | 1 | a\\|b |
                | 2 | c |

                ```bash
                ./t4j x
                ```

                ![The loss](demo/loss.png)

                *The loss* ([SVG](demo/loss.svg))

                """, Files.readString(md));
        BufferedImage img = ImageIO.read(dir.resolve("demo/loss.png").toFile());
        assertTrue(img.getWidth() > 500 && img.getHeight() > 300);
        assertTrue(Files.readString(dir.resolve("demo/loss.svg")).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assertTrue(Files.list(dir).noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary files left");
    }

    @Test
    void rejectsRaggedTablesBadNamesAndLevels(@TempDir Path dir) {
        Report r = new Report(dir, "x");
        assertEquals("table row 1 has 1 cells, the header 2", assertThrows(IllegalArgumentException.class,
                () -> r.table(List.of("a", "b"), List.of(List.of("1", "2"), List.of("3")))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Report(dir, "../escape"));
        assertThrows(IllegalArgumentException.class, () -> r.heading(7, "x"));
        assertThrows(IllegalArgumentException.class, () -> r.plot(LinePlot.of("t", "x", "y"), "a/b", "c"));
    }

    @Test
    void plotLeavesGapsAtNonFiniteValuesAndDrawsOneLinePerSeries() throws Exception {
        double[] x = {1, 2, 3, 4, 5, 6};
        LinePlot p = LinePlot.of("t", "x", "y").withSeries("with gap", x, new double[] {1, 2, Double.NaN, 3, 4, 5})
                .withSeries("diverged", x, new double[] {1, 2, 3, Double.POSITIVE_INFINITY, Double.NaN, Double.NaN});
        String svg = new String(p.svg(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(3, svg.split("<polyline", -1).length - 1, "two runs for the gap, one for the diverged series");
        assertTrue(svg.contains(">with gap</text>") && svg.contains(">diverged</text>"), "a legend");
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(p.png()));
        assertTrue(img.getWidth() > 0);
        // A log axis drops non-positive values instead of failing; an empty plot still draws.
        LinePlot log = LinePlot.of("t", "x", "y").withLogY(true).withSeries("s", new double[] {1, 2}, new double[] {0, 10});
        assertTrue(new String(log.svg(), java.nio.charset.StandardCharsets.UTF_8).contains("<rect x=\""), "a lone point");
        assertTrue(LinePlot.of("empty", "x", "y").png().length > 100);
        assertThrows(IllegalArgumentException.class, () -> LinePlot.of("t", "x", "y").withSeries("s", x, new double[] {1}));
    }

    @Test
    void ticksAreRoundNumbers() {
        assertEquals(List.of(0.0, 0.2, 0.4, 0.6, 0.8, 1.0), LinePlot.ticks(0, 1, false));
        assertEquals(List.of(0.0, 1.0, 2.0), LinePlot.ticks(-0.5, 2.3, true));
        assertEquals("5e-04", LinePlot.label(5e-4));
        assertEquals("2.5", LinePlot.label(2.5));
        assertEquals("100", LinePlot.label(100));
    }

    @Test
    void statsGiveMeanSampleStdAndRangeOfTheFiniteValues() {
        Stats s = Stats.of(1, 2, 3, Double.NaN);
        assertEquals(3, s.n());
        assertEquals(2, s.mean(), 1e-12);
        assertEquals(1, s.std(), 1e-12);
        assertEquals("2.0 ± 1.0 (1.0–3.0)", s.format(1, 1));
        assertEquals("50.0", Stats.of(0.5).format(1, 100));
        assertEquals("n/a", Stats.of(Double.NaN).format(1, 1));
        assertArrayEquals(new long[] {1, 2, 3}, ExperimentOptions.quick(Path.of("x"), l -> { }).withSeeds(3).seedList());
    }

    @Test
    void trainingCurveStopsAtTheFirstNonFiniteLoss() {
        TrainingCurve c = new TrainingCurve(new double[] {4, 3, 2, 1}, null, 0);
        assertEquals(1.5, c.finalLoss(0.5), 1e-12);
        assertEquals(4, c.firstLoss());
        assertArrayEquals(new double[] {4, 3.5, 2.75, 1.875}, c.smoothed(0.5), 1e-12);
        assertArrayEquals(new double[] {1, 2, 3, 4}, c.steps());
    }
}
