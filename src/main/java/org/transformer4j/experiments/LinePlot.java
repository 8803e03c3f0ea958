package org.transformer4j.experiments;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * A line plot of several named series, written as SVG and PNG from one drawing description: axes with
 * ticks, an optional log-scale y axis, a legend, and gaps where a value is NaN or infinite (a diverged run
 * simply stops). Immutable: {@code withSeries} returns a copy.
 *
 * <pre>{@code
 * LinePlot p = LinePlot.of("training loss", "step", "loss").withLogY(true)
 *         .withSeries("Post-LN", steps, losses).withSeries("Pre-LN", steps, other);
 * byte[] svg = p.svg(); byte[] png = p.png();
 * }</pre>
 */
public record LinePlot(String title, String xLabel, String yLabel, boolean logY, List<Series> series) {
    private static final int W = 900;
    private static final int H = 400;
    private static final int LEFT = 70;
    private static final int RIGHT = 250;
    private static final int TOP = 52;
    private static final int BOTTOM = 50;
    private static final int[] PALETTE = {0x1f77b4, 0xd62728, 0x2ca02c, 0xff7f0e, 0x9467bd, 0x8c564b, 0xe377c2,
        0x7f7f7f, 0xbcbd22, 0x17becf, 0x393b79, 0xad494a};

    /** One line: x and y of equal length; non-finite y (or non-positive y on a log axis) leaves a gap. */
    public record Series(String name, double[] x, double[] y) {
        public Series {
            Objects.requireNonNull(name, "name");
            if (x.length != y.length) {
                throw new IllegalArgumentException("series '" + name + "': " + x.length + " x values but " + y.length + " y values");
            }
            x = x.clone();
            y = y.clone();
        }
    }

    public LinePlot {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(xLabel, "xLabel");
        Objects.requireNonNull(yLabel, "yLabel");
        series = List.copyOf(series);
    }

    /** An empty plot. */
    public static LinePlot of(String title, String xLabel, String yLabel) {
        return new LinePlot(title, xLabel, yLabel, false, List.of());
    }

    /** The same plot with a logarithmic (base 10) y axis, or a linear one. */
    public LinePlot withLogY(boolean on) {
        return new LinePlot(title, xLabel, yLabel, on, series);
    }

    /** The same plot with one more series. */
    public LinePlot withSeries(String name, double[] x, double[] y) {
        List<Series> s = new ArrayList<>(series);
        s.add(new Series(name, x, y));
        return new LinePlot(title, xLabel, yLabel, logY, s);
    }

    /** The plot as an SVG document (UTF-8). */
    public byte[] svg() {
        Svg c = new Svg();
        draw(c);
        return c.finish().getBytes(StandardCharsets.UTF_8);
    }

    /** The plot as a PNG image. */
    public byte[] png() throws IOException {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        draw(new Java2d(g));
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    // ---------------------------------------------------------------- one drawing, two back ends

    private interface Canvas {
        void rect(double x, double y, double w, double h, int rgb);

        void line(double x1, double y1, double x2, double y2, int rgb, float width);

        void polyline(List<double[]> points, int rgb, float width);

        /** anchor: -1 left, 0 middle, 1 right. */
        void text(double x, double y, String s, int anchor, boolean bold);
    }

    private double ty(double v) {
        return logY ? Math.log10(v) : v;
    }

    private boolean usable(double x, double y) {
        return Double.isFinite(x) && Double.isFinite(y) && (!logY || y > 0);
    }

    private void draw(Canvas c) {
        double x0 = Double.POSITIVE_INFINITY;
        double x1 = Double.NEGATIVE_INFINITY;
        double y0 = Double.POSITIVE_INFINITY;
        double y1 = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (usable(s.x()[i], s.y()[i])) {
                    x0 = Math.min(x0, s.x()[i]);
                    x1 = Math.max(x1, s.x()[i]);
                    y0 = Math.min(y0, ty(s.y()[i]));
                    y1 = Math.max(y1, ty(s.y()[i]));
                }
            }
        }
        if (!Double.isFinite(x0)) {
            x0 = 0;
            x1 = 1;
            y0 = 0;
            y1 = 1;
        }
        if (x1 <= x0) {
            x1 = x0 + 1;
        }
        if (y1 - y0 < 1e-9) {
            y0 -= 0.5;
            y1 += 0.5;
        } else {
            double pad = 0.05 * (y1 - y0);
            y0 -= pad;
            y1 += pad;
        }
        double plotW = W - LEFT - RIGHT;
        double plotH = H - TOP - BOTTOM;
        final double fx0 = x0;
        final double fx1 = x1;
        final double fy0 = y0;
        final double fy1 = y1;
        java.util.function.DoubleUnaryOperator px = v -> LEFT + plotW * (v - fx0) / (fx1 - fx0);
        java.util.function.DoubleUnaryOperator py = v -> TOP + plotH * (1 - (v - fy0) / (fy1 - fy0));
        c.rect(0, 0, W, H, 0xffffff);
        c.text(8, 18, title, -1, true);
        // y ticks
        for (double t : ticks(y0, y1, logY)) {
            double y = py.applyAsDouble(t);
            c.line(LEFT, y, LEFT + plotW, y, 0xe4e4e4, 1f);
            c.text(LEFT - 6, y + 4, label(logY ? Math.pow(10, t) : t), 1, false);
        }
        for (double t : ticks(x0, x1, false)) {
            double x = px.applyAsDouble(t);
            c.line(x, TOP + plotH, x, TOP + plotH + 4, 0x444444, 1f);
            c.text(x, TOP + plotH + 18, label(t), 0, false);
        }
        c.line(LEFT, TOP, LEFT, TOP + plotH, 0x444444, 1f);
        c.line(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH, 0x444444, 1f);
        c.text(LEFT + plotW / 2, H - 10, xLabel, 0, false);
        c.text(8, TOP - 14, yLabel + (logY ? " (log scale)" : ""), -1, false);
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            int color = PALETTE[k % PALETTE.length];
            List<double[]> run = new ArrayList<>();
            for (int i = 0; i <= s.x().length; i++) {
                if (i < s.x().length && usable(s.x()[i], s.y()[i])) {
                    run.add(new double[] {px.applyAsDouble(s.x()[i]), py.applyAsDouble(ty(s.y()[i]))});
                } else {
                    if (run.size() == 1) {
                        double[] p = run.get(0);
                        c.rect(p[0] - 2, p[1] - 2, 4, 4, color);
                    } else if (run.size() > 1) {
                        c.polyline(run, color, 1.8f);
                    }
                    run = new ArrayList<>();
                }
            }
            double ly = TOP + 8 + 18 * k;
            c.line(W - RIGHT + 14, ly, W - RIGHT + 38, ly, color, 2.5f);
            c.text(W - RIGHT + 44, ly + 4, s.name(), -1, false);
        }
    }

    /** About five round tick values in [lo, hi]; on a log axis the whole powers of ten (or halves). */
    static List<Double> ticks(double lo, double hi, boolean log) {
        List<Double> out = new ArrayList<>();
        if (log && hi - lo >= 1) {
            double step = Math.max(1, Math.ceil((hi - lo) / 6));
            for (double t = Math.ceil(lo); t <= hi + 1e-9; t += step) {
                out.add(t + 0.0);   // -0.0 becomes 0.0
            }
            return out;
        }
        if (log) {
            for (double t : ticks(Math.pow(10, lo), Math.pow(10, hi), false)) {
                if (t > 0) {
                    out.add(Math.log10(t));
                }
            }
            return out;
        }
        double raw = (hi - lo) / 5;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
        for (long i = (long) Math.ceil(lo / step - 1e-9); i * step <= hi + 1e-9 * step; i++) {
            out.add(i == 0 ? 0 : Double.parseDouble(String.format(Locale.ROOT, "%.10g", i * step)));   // 0.6, not 0.6000000000000001
        }
        return out;
    }

    static String label(double v) {
        double a = Math.abs(v);
        if (a == 0) {
            return "0";
        }
        if (a >= 1e5 || a < 1e-3) {
            return String.format(Locale.ROOT, "%.0e", v);
        }
        if (a >= 100 || Math.abs(v - Math.rint(v)) < 1e-9) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, a >= 1 ? "%.2f" : "%.3g", v).replaceAll("(\\.\\d*?)0+$", "$1")
                .replaceAll("\\.$", "");
    }

    private static final class Svg implements Canvas {
        private final StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"sans-serif\" font-size=\"12\">%n", W, H, W, H));

        @Override
        public void rect(double x, double y, double w, double h, int rgb) {
            sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#%06x\"/>%n",
                    x, y, w, h, rgb));
        }

        @Override
        public void line(double x1, double y1, double x2, double y2, int rgb, float width) {
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#%06x\" "
                    + "stroke-width=\"%.1f\"/>%n", x1, y1, x2, y2, rgb, width));
        }

        @Override
        public void polyline(List<double[]> points, int rgb, float width) {
            sb.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"#%06x\" stroke-width=\"%.1f\" points=\"", rgb,
                    width));
            for (double[] p : points) {
                sb.append(String.format(Locale.ROOT, "%.1f,%.1f ", p[0], p[1]));
            }
            sb.append("\"/>\n");
        }

        @Override
        public void text(double x, double y, String s, int anchor, boolean bold) {
            if (s.isEmpty()) {
                return;
            }
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s>%s</text>%n", x, y,
                    anchor < 0 ? "start" : anchor == 0 ? "middle" : "end", bold ? " font-weight=\"bold\"" : "", escape(s)));
        }

        String finish() {
            return sb.append("</svg>\n").toString();
        }

        private static String escape(String s) {
            return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
        }
    }

    private record Java2d(Graphics2D g) implements Canvas {
        @Override
        public void rect(double x, double y, double w, double h, int rgb) {
            g.setColor(new Color(rgb));
            g.fill(new java.awt.geom.Rectangle2D.Double(x, y, w, h));
        }

        @Override
        public void line(double x1, double y1, double x2, double y2, int rgb, float width) {
            g.setColor(new Color(rgb));
            g.setStroke(new BasicStroke(width));
            g.draw(new java.awt.geom.Line2D.Double(x1, y1, x2, y2));
        }

        @Override
        public void polyline(List<double[]> points, int rgb, float width) {
            Path2D.Double p = new Path2D.Double();
            p.moveTo(points.get(0)[0], points.get(0)[1]);
            for (double[] q : points) {
                p.lineTo(q[0], q[1]);
            }
            g.setColor(new Color(rgb));
            g.setStroke(new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(p);
        }

        @Override
        public void text(double x, double y, String s, int anchor, boolean bold) {
            if (s.isEmpty()) {
                return;
            }
            g.setColor(new Color(0x222222));
            g.setFont(g.getFont().deriveFont(bold ? Font.BOLD : Font.PLAIN));
            int w = g.getFontMetrics().stringWidth(s);
            g.drawString(s, (float) (x - (anchor < 0 ? 0 : anchor == 0 ? w / 2.0 : w)), (float) y);
        }
    }
}
