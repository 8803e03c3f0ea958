package org.transformer4j.inspect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transformer4j.autograd.Grad;
import org.transformer4j.model.EncoderDecoder;
import org.transformer4j.model.Tokens;
import org.transformer4j.model.TransformerConfig;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;
import org.transformer4j.testing.Approx;

/** Attention maps captured from a real forward pass, and their heatmaps. */
class AttentionMapsTest {
    @TempDir
    Path dir;

    private static EncoderDecoder model() {
        TransformerConfig c = TransformerConfig.tinyPaper().withVocabSize(20);
        EncoderDecoder m = new EncoderDecoder(c, new Rng(3));
        m.eval();
        return m;
    }

    @Test
    void everyAttentionModuleIsCapturedWithItsKindAndMasks() {
        EncoderDecoder m = model();
        TransformerConfig c = m.config();
        // Row 1 of the source is padded after 3 tokens (pad id 0).
        Tokens src = Tokens.padded(new int[][] {{5, 6, 7, 8, 9}, {5, 6, 7}}, 0);
        Tokens tgt = Tokens.padded(new int[][] {{1, 4, 5, 6}, {1, 4, 5, 6}}, 0);
        Tensor logits;
        List<AttentionMaps.Map> maps;
        try (Grad.Scope ignored = Grad.off()) {
            Tensor[] out = new Tensor[1];
            maps = AttentionMaps.capture(() -> out[0] = m.forward(src, tgt).value());
            logits = out[0];
        }
        assertEquals(c.encoderLayers() + 2 * c.decoderLayers(), maps.size());
        for (int i = 0; i < c.encoderLayers(); i++) {
            assertEquals(AttentionMaps.Kind.SELF, maps.get(i).kind());
            assertEquals("encoder.layers." + i + ".self_attn", maps.get(i).module());
            assertArrayEquals(new int[] {2, c.heads(), 5, 5}, maps.get(i).weights().shape());
        }
        for (int i = 0; i < c.decoderLayers(); i++) {
            AttentionMaps.Map self = maps.get(c.encoderLayers() + 2 * i);
            AttentionMaps.Map cross = maps.get(c.encoderLayers() + 2 * i + 1);
            assertEquals(AttentionMaps.Kind.CAUSAL_SELF, self.kind());
            assertEquals(AttentionMaps.Kind.CROSS, cross.kind());
            assertEquals("decoder.layers." + i + ".multihead_attn", cross.module());
            assertArrayEquals(new int[] {2, c.heads(), 4, 4}, self.weights().shape());
            assertArrayEquals(new int[] {2, c.heads(), 4, 5}, cross.weights().shape());
        }
        for (AttentionMaps.Map map : maps) {
            Tensor w = map.weights();
            int tq = w.dim(2);
            Approx.assertMatches(map.module() + " rows sum to 1", Tensor.ones(2, c.heads(), tq), w.sum(false, -1), 1e-5);
            for (int h = 0; h < c.heads(); h++) {
                for (int q = 0; q < tq; q++) {
                    for (int k = 0; k < w.dim(3); k++) {
                        if (map.kind() == AttentionMaps.Kind.CAUSAL_SELF && k > q) {
                            assertEquals(0f, w.get(0, h, q, k), map.module() + ": a future position");
                        }
                        if (map.kind() != AttentionMaps.Kind.CAUSAL_SELF && k >= 3) {
                            assertEquals(0f, w.get(1, h, q, k), map.module() + ": a padded source position");
                        }
                    }
                }
            }
        }
        // Capturing changes nothing: the same forward without it gives the same logits (up to rounding: without
        // capture, inference runs the fused attention kernel, which sums in another order).
        try (Grad.Scope ignored = Grad.off()) {
            Approx.assertMatches("logits without capture", logits, m.forward(src, tgt).value(), 1e-5);
        }
        assertThrows(IllegalArgumentException.class, () -> AttentionMaps.last(maps.subList(0, 1), AttentionMaps.Kind.CROSS));
    }

    @Test
    void translationAttentionDrawsOneRowPerProducedTokenAndOneColumnPerSourceToken() throws Exception {
        EncoderDecoder m = model();
        AttentionHeatmap h = TranslationAttention.crossAttention(m, new int[] {5, 6, 7}, new int[] {8, 9}, 1,
                List.of("drei", "hundert", "zwölf"), List.of("three", "hundred"), "example");
        assertEquals(List.of("three", "hundred", "</s>"), h.rowLabels());
        assertEquals(List.of("drei", "hundert", "zwölf"), h.colLabels());
        assertEquals(m.config().heads(), h.panels().size());
        assertTrue(h.title().contains("decoder.layers." + (m.config().decoderLayers() - 1) + ".multihead_attn"), h.title());
        assertThrows(IllegalArgumentException.class, () -> TranslationAttention.crossAttention(m, new int[] {5}, new int[] {},
                1, List.of(), List.of(), "x"));
    }

    @Test
    void heatmapCellsAreColouredByWeightInSvgAndPng() throws Exception {
        Tensor panel = Tensor.of(new float[] {1f, 0f, 0.5f, 0.5f}, 2, 2);
        AttentionHeatmap h = new AttentionHeatmap("t", List.of(panel), List.of("head 1"), List.of("a", "b"), List.of("x", "y"));
        String svg = h.svg();
        assertEquals(4, svg.split("<title>", -1).length - 1, "one cell per weight");
        assertTrue(svg.contains("fill=\"rgb(8,48,107)\"><title>a \u2192 x: 1.000</title>"), svg);
        assertTrue(svg.contains("fill=\"rgb(255,255,255)\"><title>a \u2192 y: 0.000</title>"), svg);
        h.writePng(dir.resolve("h.png"));
        h.writeSvg(dir.resolve("h.svg"));
        BufferedImage img = ImageIO.read(dir.resolve("h.png").toFile());
        assertEquals(h.width(), img.getWidth());
        assertEquals(h.height(), img.getHeight());
        assertTrue(Files.size(dir.resolve("h.svg")) > 0);
        // Sample the middle of each cell: the PNG paints the same colours as the SVG.
        String[] cells = svg.lines().filter(l -> l.contains("<title>")).toArray(String[]::new);
        for (String cell : cells) {
            int x = Integer.parseInt(attr(cell, "x"));
            int y = Integer.parseInt(attr(cell, "y"));
            String rgb = attr(cell, "fill");
            int p = img.getRGB(x + 9, y + 9) & 0xffffff;
            assertEquals(rgb, String.format("rgb(%d,%d,%d)", p >> 16, (p >> 8) & 0xff, p & 0xff), cell);
        }
        assertThrows(IllegalArgumentException.class, () -> new AttentionHeatmap("t", List.of(panel), List.of("h"),
                List.of("a"), List.of("x", "y")));
    }

    private static String attr(String element, String name) {
        int i = element.indexOf(" " + name + "=\"") + name.length() + 3;
        return element.substring(i, element.indexOf('"', i));
    }
}
