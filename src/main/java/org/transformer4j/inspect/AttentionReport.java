package org.transformer4j.inspect;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.transformer4j.tensor.Tensor;

/**
 * Every attention map of one input as a page: a grid of heatmaps (one row per attention module, one
 * panel per head) and a "lines" view of one head as bertviz draws it (queries on the left, keys on the
 * right, a line per pair whose opacity is the weight). Written as a self-contained HTML file, or the
 * heatmap grid as one PNG or SVG.
 *
 * @param title   the page's heading
 * @param maps    the captured maps (batch row 0 is drawn)
 * @param sourceTokens labels of the encoder side (keys of CROSS maps, rows and keys of encoder SELF maps)
 * @param targetTokens labels of the decoder side (or the only sequence of a decoder- or encoder-only model)
 */
public record AttentionReport(String title, List<AttentionMaps.Map> maps, List<String> sourceTokens,
                              List<String> targetTokens) {

    public AttentionReport {
        if (maps.isEmpty()) {
            throw new IllegalArgumentException("no attention maps to draw (is the model's attention softmax attention?)");
        }
        maps = List.copyOf(maps);
    }

    /** A report; sourceTokens may be null for models with one sequence. */
    public static AttentionReport of(String title, List<AttentionMaps.Map> maps, List<String> sourceTokens,
                                     List<String> targetTokens) {
        return new AttentionReport(title, maps, sourceTokens == null ? targetTokens : sourceTokens, targetTokens);
    }

    private List<String> rowsOf(AttentionMaps.Map m) {
        return m.kind() == AttentionMaps.Kind.SELF ? sourceTokens : targetTokens;
    }

    private List<String> colsOf(AttentionMaps.Map m) {
        return m.kind() == AttentionMaps.Kind.CROSS ? sourceTokens : rowsOf(m);
    }

    /** One heatmap per map (all heads side by side). */
    public List<AttentionHeatmap> heatmaps() {
        List<AttentionHeatmap> out = new ArrayList<>();
        for (AttentionMaps.Map m : maps) {
            out.add(AttentionHeatmap.of(m, 0, fit(colsOf(m), m.weights().dim(3)), fit(rowsOf(m), m.weights().dim(2)),
                    m.module() + " (" + m.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ")"));
        }
        return out;
    }

    private static List<String> fit(List<String> labels, int n) {
        if (labels.size() == n) {
            return labels;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(i < labels.size() ? labels.get(i) : Integer.toString(i));
        }
        return out;
    }

    /** The bertviz-style lines view of one head of one map as SVG. */
    public String linesSvg(int mapIndex, int head) {
        AttentionMaps.Map m = maps.get(mapIndex);
        if (head < 0 || head >= m.heads()) {
            throw new IllegalArgumentException("--head must be in 0.." + (m.heads() - 1) + ", got " + head);
        }
        List<String> rows = fit(rowsOf(m), m.weights().dim(2));
        List<String> cols = fit(colsOf(m), m.weights().dim(3));
        Tensor w = m.head(0, head);
        int rowH = 20;
        int colW = 160;
        int gap = 220;
        int height = 40 + Math.max(rows.size(), cols.size()) * rowH;
        int width = colW * 2 + gap + 20;
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"DejaVu Sans, sans-serif\" "
                + "font-size=\"12\">%n<text x=\"10\" y=\"18\" font-weight=\"bold\">%s, head %d</text>%n",
                width, height, esc(m.module()), head + 1));
        for (int q = 0; q < rows.size(); q++) {
            for (int k = 0; k < cols.size(); k++) {
                float p = w.get(q, k);
                if (p > 0.01f) {
                    s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#08306b\" "
                            + "stroke-opacity=\"%.3f\" stroke-width=\"2\"/>%n", 10 + colW, 36 + q * rowH, 10 + colW + gap,
                            36 + k * rowH, p));
                }
            }
        }
        for (int q = 0; q < rows.size(); q++) {
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", 4 + colW,
                    40 + q * rowH, esc(rows.get(q))));
        }
        for (int k = 0; k < cols.size(); k++) {
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", 16 + colW + gap, 40 + k * rowH,
                    esc(cols.get(k))));
        }
        return s.append("</svg>\n").toString();
    }

    /** The page: heading, the lines view of the chosen head, then every heatmap. */
    public String html(int linesMap, int linesHead) {
        StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
                .append(esc(title)).append("</title>\n<style>body{font-family:sans-serif;margin:20px} "
                        + "section{margin:16px 0} h2{font-size:15px}</style></head><body>\n<h1>").append(esc(title))
                .append("</h1>\n<section><h2>Lines view</h2>\n").append(linesSvg(linesMap, linesHead)).append("</section>\n");
        for (AttentionHeatmap m : heatmaps()) {
            h.append("<section>\n").append(m.svg()).append("</section>\n");
        }
        return h.append("</body></html>\n").toString();
    }

    /** The heatmaps stacked into one picture. */
    public BufferedImage image() {
        List<BufferedImage> parts = new ArrayList<>();
        int width = 0;
        int height = 0;
        for (AttentionHeatmap m : heatmaps()) {
            BufferedImage img = m.image();
            parts.add(img);
            width = Math.max(width, img.getWidth());
            height += img.getHeight();
        }
        if ((long) width * height > 200_000_000L) {
            throw new IllegalArgumentException("picture too large (" + width + "x" + height + " px): use fewer tokens or -o FILE.html");
        }
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            int y = 0;
            for (BufferedImage p : parts) {
                g.drawImage(p, 0, y, null);
                y += p.getHeight();
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /** Writes FILE.html (the page), FILE.png (the stacked heatmaps) or FILE.svg (the lines view), atomically. */
    public void write(Path file, int linesMap, int linesHead) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        byte[] bytes;
        if (name.endsWith(".html") || name.endsWith(".htm")) {
            bytes = html(linesMap, linesHead).getBytes(StandardCharsets.UTF_8);
        } else if (name.endsWith(".png")) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            ImageIO.write(image(), "png", b);
            bytes = b.toByteArray();
        } else if (name.endsWith(".svg")) {
            bytes = linesSvg(linesMap, linesHead).getBytes(StandardCharsets.UTF_8);
        } else {
            throw new IllegalArgumentException(file + ": unknown output format; use .html, .png or .svg");
        }
        AttentionHeatmap.writeAtomically(file, bytes);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
