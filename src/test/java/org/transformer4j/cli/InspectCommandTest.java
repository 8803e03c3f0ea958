package org.transformer4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transformer4j.io.Json;
import org.transformer4j.model.TransformerConfig;

/** {@code t4j inspect attention|heads|norms} on presets. */
class InspectCommandTest {
    @TempDir
    Path dir;

    @Test
    void normsListEveryLayerWithItsParameterCount() {
        WeightsCommandTest.Run r = WeightsCommandTest.run("inspect", "norms", "--preset", "tiny-paper", "--json");
        assertEquals(0, r.code(), r.err());
        TransformerConfig c = TransformerConfig.preset("tiny-paper");
        List<String> lines = r.out().lines().toList();
        assertEquals(c.encoderLayers() + c.decoderLayers(), lines.size(), r.out());
        long d = c.dModel();
        long ff = c.dFF();
        long attention = 4 * d * d + 4 * d;
        long feedForward = 2 * d * ff + ff + d;
        for (int i = 0; i < lines.size(); i++) {
            Map<?, ?> layer = (Map<?, ?>) Json.parse(lines.get(i));
            boolean encoder = i < c.encoderLayers();
            assertEquals((encoder ? "encoder.layers." + i : "decoder.layers." + (i - c.encoderLayers())), layer.get("layer"));
            long expected = encoder ? attention + feedForward + 4 * d : 2 * attention + feedForward + 6 * d;
            assertEquals(expected, ((Number) layer.get("parameters")).longValue(), lines.get(i));
            assertTrue(((Number) layer.get("gradient_norm")).doubleValue() > 0, lines.get(i));
            assertTrue(((Number) layer.get("gradient_norm")).doubleValue() >= ((Number) layer.get("feed_forward_gradient_norm"))
                    .doubleValue(), lines.get(i));
        }
    }

    @Test
    void attentionOfAPresetAsPngAndHeadsAsJson() throws Exception {
        Path png = dir.resolve("a.png");
        WeightsCommandTest.Run r = WeightsCommandTest.run("inspect", "attention", "--preset", "tiny-gpt", "-o", png.toString(),
                "hello");
        assertEquals(0, r.code(), r.err());
        BufferedImage img = ImageIO.read(png.toFile());
        assertTrue(img.getWidth() > 100 && img.getHeight() > 100, img.getWidth() + "x" + img.getHeight());
        TransformerConfig c = TransformerConfig.preset("tiny-gpt");
        WeightsCommandTest.Run h = WeightsCommandTest.run("inspect", "heads", "--preset", "tiny-gpt", "--json", "hello");
        assertEquals(0, h.code(), h.err());
        List<String> lines = h.out().lines().toList();
        assertEquals(c.decoderLayers() * c.heads(), lines.size());
        for (String line : lines) {
            Map<?, ?> head = (Map<?, ?>) Json.parse(line);
            assertEquals("causal_self", head.get("kind"));
            double entropy = ((Number) head.get("entropy")).doubleValue();
            assertTrue(entropy >= 0 && entropy <= Math.log(5) + 1e-6, line);   // 5 characters: at most uniform
            assertEquals(c.dModel() / c.heads(), ((Number) head.get("qk_rank")).intValue(), line);
        }
    }

    @Test
    void badInputIsOneLineWithExitCode2() {
        for (String[] args : List.of(
                new String[] {"inspect", "attention", "--preset", "tiny-gpt", "-o", dir.resolve("x.txt").toString(), "hi"},
                new String[] {"inspect", "attention", "--preset", "tiny-gpt", "-o", dir.resolve("x.png").toString(), "--layer", "9",
                    "hi"},
                new String[] {"inspect", "attention", "--preset", "tiny-gpt", "-o", dir.resolve("x.png").toString(), " "},
                new String[] {"inspect", "heads", "--model", dir.resolve("none").toString(), "hi"},
                new String[] {"inspect", "heads", "--preset", "tiny-gpt", "--max-tokens", "3", "hello"},
                new String[] {"inspect", "norms", "--preset", "tiny-gpt", "--tokens", "100000"},
                new String[] {"inspect", "norms"},
                new String[] {"inspect"})) {
            WeightsCommandTest.Run r = WeightsCommandTest.run(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("t4j: ") && r.err().strip().lines().count() == 1, String.join(" ", args) + ": " + r.err());
        }
    }
}
