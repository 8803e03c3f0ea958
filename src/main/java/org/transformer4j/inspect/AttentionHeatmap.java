package org.transformer4j.inspect;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.transformer4j.tensor.Tensor;

/**
 * Draws attention maps as heatmaps, one panel per head side by side: rows are queries (labelled on the
 * left), columns are keys (labelled on top), darker is more weight (0 white, 1 full blue). The same
 * geometry is written as SVG and as PNG (Java2D, headless; needs fontconfig and a font).
 *
 * <pre>{@code
 * AttentionHeatmap h = AttentionHeatmap.of(map, 0, sourceTokens, outputTokens, "cross-attention, layer 2");
 * h.writeSvg(dir.resolve("attention.svg"));
 * h.writePng(dir.resolve("attention.png"));
 * }</pre>
 *
 * @param title     the caption above the panels
 * @param panels    one (Tq, Tk) tensor per panel
 * @param captions  one caption per panel ("head 1", ...)
 * @param rowLabels Tq labels of the queries
 * @param colLabels Tk labels of the keys
 */
public record AttentionHeatmap(String title, List<Tensor> panels, List<String> captions, List<String> rowLabels,
                               List<String> colLabels) {
    private static final int CELL = 18;
    private static final int GAP = 24;
    private static final int MARGIN = 12;
    private static final int FONT_SIZE = 11;
    private static final int TITLE_SIZE = 13;

    public AttentionHeatmap {
        if (panels.isEmpty() || panels.size() != captions.size()) {
            throw new IllegalArgumentException("need one caption per panel, got " + panels.size() + " panels and "
                    + captions.size() + " captions");
        }
        for (Tensor p : panels) {
            if (p.rank() != 2 || p.dim(0) != rowLabels.size() || p.dim(1) != colLabels.size()) {
                throw new IllegalArgumentException("panel of shape " + java.util.Arrays.toString(p.shape()) + " does not fit "
                        + rowLabels.size() + " row and " + colLabels.size() + " column labels");
            }
        }
        title = title.length() > 160 ? title.substring(0, 159) + "\u2026" : title;
        panels = List.copyOf(panels);
        captions = List.copyOf(captions);
        rowLabels = List.copyOf(rowLabels);
        colLabels = List.copyOf(colLabels);
    }

    /** Every head of one batch row of a captured map. */
    public static AttentionHeatmap of(AttentionMaps.Map map, int row, List<String> keys, List<String> queries, String title) {
        List<Tensor> panels = new java.util.ArrayList<>();
        List<String> captions = new java.util.ArrayList<>();
        for (int h = 0; h < map.heads(); h++) {
            panels.add(map.head(row, h));
            captions.add("head " + (h + 1));
        }
        return new AttentionHeatmap(title, panels, captions, queries, keys);
    }

    // Layout: the widest row label sets the left column, the longest column label the top band (written at -60 degrees).
    private int labelWidth(List<String> labels) {
        int longest = 0;
        for (String s : labels) {
            longest = Math.max(longest, s.length());
        }
        return Math.max(20, (int) Math.ceil(longest * FONT_SIZE * 0.62)) + 6;
    }

    private int left() {
        return MARGIN + labelWidth(rowLabels);
    }

    private int top() {
        return MARGIN + TITLE_SIZE + 8 + (int) Math.ceil(labelWidth(colLabels) * Math.sin(Math.toRadians(60))) + 18;
    }

    private int panelWidth() {
        return colLabels.size() * CELL;
    }

    /** The picture's width in pixels. */
    public int width() {
        int panelsWidth = left() + panels.size() * panelWidth() + (panels.size() - 1) * GAP + MARGIN
                + (int) Math.ceil(labelWidth(colLabels) * 0.5);
        return Math.max(panelsWidth, 2 * MARGIN + (int) Math.ceil(title.length() * TITLE_SIZE * 0.66));
    }

    /** The picture's height in pixels. */
    public int height() {
        return top() + rowLabels.size() * CELL + MARGIN;
    }

    private int panelX(int p) {
        return left() + p * (panelWidth() + GAP);
    }

    /** White (0) to blue (1). */
    static int[] color(float w) {
        double t = Math.max(0, Math.min(1, Float.isNaN(w) ? 0 : w));
        return new int[] {(int) Math.round(255 - t * (255 - 8)), (int) Math.round(255 - t * (255 - 48)),
            (int) Math.round(255 - t * (255 - 107))};
    }

    /** The SVG text of the picture. */
    public String svg() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, sans-serif\">%n", width(), height(), width(), height()));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width(), height()));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"%d\" font-weight=\"bold\">%s</text>%n",
                MARGIN, MARGIN + TITLE_SIZE, TITLE_SIZE, esc(title)));
        for (int p = 0; p < panels.size(); p++) {
            int x0 = panelX(p);
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"%d\">%s</text>%n", x0,
                    top() - 4 - (int) Math.ceil(labelWidth(colLabels) * Math.sin(Math.toRadians(60))) - 6, FONT_SIZE,
                    esc(captions.get(p))));
            for (int c = 0; c < colLabels.size(); c++) {
                double cx = x0 + c * CELL + CELL / 2.0;
                s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"%d\" transform=\"rotate(-60 %.1f %d)\">%s</text>%n",
                        cx, top() - 4, FONT_SIZE, cx, top() - 4, esc(colLabels.get(c))));
            }
            Tensor t = panels.get(p);
            for (int r = 0; r < rowLabels.size(); r++) {
                for (int c = 0; c < colLabels.size(); c++) {
                    float w = t.get(r, c);
                    int[] rgb = color(w);
                    s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"rgb(%d,%d,%d)\">"
                            + "<title>%s \u2192 %s: %.3f</title></rect>%n", x0 + c * CELL, top() + r * CELL, CELL, CELL,
                            rgb[0], rgb[1], rgb[2], esc(rowLabels.get(r)), esc(colLabels.get(c)), w));
                }
            }
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>%n",
                    x0, top(), panelWidth(), rowLabels.size() * CELL));
        }
        for (int r = 0; r < rowLabels.size(); r++) {
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"end\">%s</text>%n",
                    left() - 4, top() + r * CELL + CELL * 0.7, FONT_SIZE, esc(rowLabels.get(r))));
        }
        return s.append("</svg>\n").toString();
    }

    /** The picture painted with Java2D. */
    public BufferedImage image() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        BufferedImage img = new BufferedImage(width(), height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width(), height());
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, TITLE_SIZE));
            g.drawString(title, MARGIN, MARGIN + TITLE_SIZE);
            Font font = new Font(Font.SANS_SERIF, Font.PLAIN, FONT_SIZE);
            g.setFont(font);
            FontMetrics fm = g.getFontMetrics();
            for (int p = 0; p < panels.size(); p++) {
                int x0 = panelX(p);
                g.setColor(Color.BLACK);
                g.drawString(captions.get(p), x0,
                        top() - 4 - (int) Math.ceil(labelWidth(colLabels) * Math.sin(Math.toRadians(60))) - 6);
                for (int c = 0; c < colLabels.size(); c++) {
                    AffineTransform saved = g.getTransform();
                    g.translate(x0 + c * CELL + CELL / 2.0, top() - 4);
                    g.rotate(Math.toRadians(-60));
                    g.drawString(colLabels.get(c), 0, 0);
                    g.setTransform(saved);
                }
                Tensor t = panels.get(p);
                for (int r = 0; r < rowLabels.size(); r++) {
                    for (int c = 0; c < colLabels.size(); c++) {
                        int[] rgb = color(t.get(r, c));
                        g.setColor(new Color(rgb[0], rgb[1], rgb[2]));
                        g.fillRect(x0 + c * CELL, top() + r * CELL, CELL, CELL);
                    }
                }
                g.setColor(Color.GRAY);
                g.drawRect(x0, top(), panelWidth(), rowLabels.size() * CELL);
            }
            g.setColor(Color.BLACK);
            for (int r = 0; r < rowLabels.size(); r++) {
                String label = rowLabels.get(r);
                g.drawString(label, left() - 4 - fm.stringWidth(label), (int) (top() + r * CELL + CELL * 0.7));
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /** Writes the SVG atomically. */
    public void writeSvg(Path file) throws IOException {
        writeAtomically(file, svg().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Writes the PNG atomically. */
    public void writePng(Path file) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(image(), "png", bytes);
        writeAtomically(file, bytes.toByteArray());
    }

    /** Writes data to file through a temporary file in the same folder and an atomic rename. */
    static void writeAtomically(Path file, byte[] data) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            Files.write(tmp, data);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String esc(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(c < 0x20 ? ' ' : c);
            }
        }
        return b.toString();
    }
}
