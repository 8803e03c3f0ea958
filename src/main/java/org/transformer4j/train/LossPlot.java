package org.transformer4j.train;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** The loss curve of a run as SVG and PNG: loss (log scale) against step, with a smoothed line. */
final class LossPlot {
    private static final int W = 720;
    private static final int H = 360;
    private static final int PAD = 56;

    private LossPlot() {
    }

    static void write(List<double[]> points, Path svg, Path png) throws IOException {
        if (points.isEmpty()) {
            return;
        }
        double maxStep = points.get(points.size() - 1)[0];
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] p : points) {
            if (p[1] > 0 && Double.isFinite(p[1])) {
                lo = Math.min(lo, Math.log10(p[1]));
                hi = Math.max(hi, Math.log10(p[1]));
            }
        }
        if (!Double.isFinite(lo)) {
            return;
        }
        lo = Math.floor(lo * 2) / 2;
        hi = Math.max(lo + 0.5, Math.ceil(hi * 2) / 2);
        double[][] xy = new double[points.size()][2];
        double smooth = points.get(0)[1];
        for (int i = 0; i < points.size(); i++) {
            smooth = 0.9 * smooth + 0.1 * points.get(i)[1];
            xy[i][0] = PAD + (W - 2 * PAD) * (points.get(i)[0] / Math.max(1, maxStep));
            xy[i][1] = H - PAD - (H - 2 * PAD) * ((Math.log10(Math.max(smooth, 1e-9)) - lo) / (hi - lo));
        }
        writeSvg(xy, lo, hi, maxStep, svg);
        writePng(xy, lo, hi, maxStep, png);
    }

    private static void writeSvg(double[][] xy, double lo, double hi, double maxStep, Path file) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n", W, H));
        sb.append(String.format(Locale.ROOT, "<path d=\"M%d %d V%d H%d\" stroke=\"#444\" fill=\"none\"/>%n", PAD, PAD, H - PAD, W - PAD));
        for (double e = lo; e <= hi + 1e-9; e += 0.5) {
            double y = H - PAD - (H - 2 * PAD) * ((e - lo) / (hi - lo));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", PAD - 6, y + 4,
                    label(Math.pow(10, e))));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">step %d</text>%n", W - PAD, H - PAD + 20,
                (long) maxStep));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">training loss (smoothed, log scale)</text>%n", PAD, PAD - 12));
        sb.append("<polyline fill=\"none\" stroke=\"#1f6fb4\" stroke-width=\"2\" points=\"");
        for (double[] p : xy) {
            sb.append(String.format(Locale.ROOT, "%.1f,%.1f ", p[0], p[1]));
        }
        sb.append("\"/>\n</svg>\n");
        atomically(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void writePng(double[][] xy, double lo, double hi, double maxStep, Path file) throws IOException {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setColor(new Color(0x44, 0x44, 0x44));
        g.drawLine(PAD, PAD, PAD, H - PAD);
        g.drawLine(PAD, H - PAD, W - PAD, H - PAD);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (double e = lo; e <= hi + 1e-9; e += 0.5) {
            int y = (int) Math.round(H - PAD - (H - 2 * PAD) * ((e - lo) / (hi - lo)));
            String s = label(Math.pow(10, e));
            g.drawString(s, PAD - 6 - g.getFontMetrics().stringWidth(s), y + 4);
        }
        String steps = "step " + (long) maxStep;
        g.drawString(steps, W - PAD - g.getFontMetrics().stringWidth(steps), H - PAD + 20);
        g.drawString("training loss (smoothed, log scale)", PAD, PAD - 12);
        Path2D.Double line = new Path2D.Double();
        line.moveTo(xy[0][0], xy[0][1]);
        for (double[] p : xy) {
            line.lineTo(p[0], p[1]);
        }
        g.setColor(new Color(0x1f, 0x6f, 0xb4));
        g.setStroke(new BasicStroke(2f));
        g.draw(line);
        g.dispose();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        ImageIO.write(img, "png", bytes);
        atomically(file, bytes.toByteArray());
    }

    private static String label(double v) {
        return v >= 10 ? String.format(Locale.ROOT, "%.0f", v) : v >= 1 ? String.format(Locale.ROOT, "%.1f", v)
                : String.format(Locale.ROOT, "%.2g", v);
    }

    private static void atomically(Path file, byte[] bytes) throws IOException {
        CheckpointFiles.replaceAtomically(file, bytes);
    }
}
