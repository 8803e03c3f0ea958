package org.transformer4j.figure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

class PngWriterTest {
    @Test
    void pngDecodesToTheDrawingSizeTimesScale() throws Exception {
        Drawing d = FigureLayout.layout(FigureSamples.encoder());
        for (double scale : new double[] {1, 2}) {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(PngWriter.write(d, scale)));
            assertEquals((int) Math.ceil(d.width() * scale), img.getWidth());
            assertEquals((int) Math.ceil(d.height() * scale), img.getHeight());
            assertEquals(0xFFFFFFFF, img.getRGB(0, 0), "white background");
            long dark = 0;
            long coloured = 0;
            for (int y = 0; y < img.getHeight(); y++) {
                for (int x = 0; x < img.getWidth(); x++) {
                    int rgb = img.getRGB(x, y);
                    int r = rgb >> 16 & 0xff;
                    int g = rgb >> 8 & 0xff;
                    int b = rgb & 0xff;
                    dark += r + g + b < 200 ? 1 : 0;
                    coloured += Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 30 ? 1 : 0;
                }
            }
            assertTrue(dark > 500, "text and arrows drawn: " + dark);
            assertTrue(coloured > 5000, "coloured boxes drawn: " + coloured);
        }
    }

    @Test
    void textIsRendered() {
        // A box's label region has dark pixels only if Java2D could find a font and draw text.
        Drawing d = FigureLayout.layout(FigureSamples.encoder());
        Drawing.Box linear = d.boxes().stream().filter(b -> b.node().id().equals("linear")).findFirst().orElseThrow();
        BufferedImage img = PngWriter.render(d, 2);
        int dark = 0;
        for (int y = (int) (linear.y() * 2) + 8; y < (linear.y() + linear.height()) * 2 - 8; y++) {
            for (int x = (int) (linear.x() * 2) + 8; x < (linear.x() + linear.width()) * 2 - 8; x++) {
                dark += (img.getRGB(x, y) & 0xff) < 100 ? 1 : 0;
            }
        }
        assertTrue(dark > 20, "the word Linear is drawn: " + dark + " dark pixels");
    }

    @Test
    void renderingIsDeterministicAndCoversAllShapes() {
        Drawing d = FigureLayout.layout(FigureSamples.tricky(true));
        assertArrayEquals(PngWriter.write(d, 1), PngWriter.write(d, 1));
    }

    @Test
    void badScaleIsRefused() {
        Drawing d = FigureLayout.layout(FigureSamples.encoder());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PngWriter.render(d, 0));
        assertTrue(e.getMessage().contains("got 0.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PngWriter.render(d, Double.NaN));
    }
}
