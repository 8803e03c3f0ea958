package org.transformer4j.figure;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.font.FontRenderContext;
import java.awt.font.TextLayout;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.transformer4j.figure.Drawing.Arrow;
import org.transformer4j.figure.Drawing.Box;
import org.transformer4j.figure.Drawing.Frame;
import org.transformer4j.figure.Drawing.Outline;
import org.transformer4j.figure.Drawing.Point;
import org.transformer4j.figure.Drawing.Text;

/**
 * Paints a {@link Drawing} with Java2D, headless, the same picture as {@link SvgWriter}. Needs a
 * sans-serif font through fontconfig (Debian: {@code fontconfig} and {@code fonts-dejavu-core}).
 */
public final class PngWriter {
    private PngWriter() {
    }

    /** Paints the drawing at {@code scale} device pixels per unit (2 for sharp pictures on screens). */
    public static BufferedImage render(Drawing d, double scale) {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be positive, got " + scale);
        }
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        int w = Math.max(1, (int) Math.ceil(d.width() * scale));
        int h = Math.max(1, (int) Math.ceil(d.height() * scale));
        if ((long) w * h > 400_000_000L) {
            throw new IllegalArgumentException("picture too large: " + w + "x" + h + " px at scale " + scale);
        }
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            g.scale(scale, scale);
            paint(g, d);
        } finally {
            g.dispose();
        }
        return img;
    }

    /** The PNG bytes of the drawing at {@code scale}. */
    public static byte[] write(Drawing d, double scale) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(render(d, scale), "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Writes the drawing as a PNG file at {@code scale}. */
    public static void write(Drawing d, double scale, Path file) throws IOException {
        Files.write(file, write(d, scale));
    }

    private static void paint(Graphics2D g, Drawing d) {
        if (d.title() != null) {
            text(g, d.title(), FigureStyle.TITLE_TEXT, null);
        }
        for (Frame f : d.frames()) {
            Shape r = new RoundRectangle2D.Double(f.x(), f.y(), f.width(), f.height(),
                    2 * FigureStyle.FRAME_RADIUS, 2 * FigureStyle.FRAME_RADIUS);
            g.setColor(colour(FigureStyle.frameFill(f.depth())));
            g.fill(r);
            g.setColor(colour(FigureStyle.FRAME_STROKE));
            g.setStroke(new BasicStroke(1.2f));
            g.draw(r);
        }
        for (Arrow a : d.arrows()) {
            arrow(g, a.points());
        }
        // Frame titles above the arrows, on a halo of the frame's colour, as in the SVG.
        for (Frame f : d.frames()) {
            text(g, f.title(), FigureStyle.TITLE_TEXT, FigureStyle.frameFill(f.depth()));
            if (f.repeat() != null) {
                text(g, f.repeat(), FigureStyle.TEXT, null);
            }
        }
        for (Box b : d.boxes()) {
            box(g, b);
        }
        for (Arrow a : d.arrows()) {
            if (a.label() != null) {
                text(g, a.label(), FigureStyle.TEXT, "#ffffff");
            }
            if (a.shape() != null) {
                text(g, a.shape(), FigureStyle.SHAPE_TEXT, "#ffffff");
            }
        }
    }

    private static void arrow(Graphics2D g, List<Point> pts) {
        Point end = pts.getLast();
        Point before = pts.get(pts.size() - 2);
        double dx = end.x() - before.x();
        double dy = end.y() - before.y();
        double len = Math.hypot(dx, dy);
        double ux = len == 0 ? 0 : dx / len;
        double uy = len == 0 ? -1 : dy / len;
        // The line stops inside the head so its square end never pokes out of the tip.
        double stop = Math.min(FigureStyle.ARROW_LENGTH * 0.6, len);
        Path2D.Double line = new Path2D.Double();
        line.moveTo(pts.getFirst().x(), pts.getFirst().y());
        for (int i = 1; i < pts.size() - 1; i++) {
            line.lineTo(pts.get(i).x(), pts.get(i).y());
        }
        line.lineTo(end.x() - ux * stop, end.y() - uy * stop);
        g.setColor(colour(FigureStyle.EDGE));
        g.setStroke(new BasicStroke((float) FigureStyle.EDGE_WIDTH, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER));
        g.draw(line);
        double bx = end.x() - ux * FigureStyle.ARROW_LENGTH;
        double by = end.y() - uy * FigureStyle.ARROW_LENGTH;
        double hw = FigureStyle.ARROW_HALF_WIDTH;
        Path2D.Double head = new Path2D.Double();
        head.moveTo(end.x(), end.y());
        head.lineTo(bx - uy * hw, by + ux * hw);
        head.lineTo(bx + uy * hw, by - ux * hw);
        head.closePath();
        g.fill(head);
    }

    private static void box(Graphics2D g, Box b) {
        FigureStyle s = FigureStyle.of(b.node().style());
        Shape shape = switch (b.outline()) {
            case CIRCLE -> {
                double r = Math.min(b.width(), b.height()) / 2;
                yield new Ellipse2D.Double(b.x() + b.width() / 2 - r, b.y() + b.height() / 2 - r, 2 * r, 2 * r);
            }
            case BOX -> new RoundRectangle2D.Double(b.x(), b.y(), b.width(), b.height(),
                    2 * FigureStyle.BOX_RADIUS, 2 * FigureStyle.BOX_RADIUS);
            case PLAIN -> null;
        };
        if (shape != null) {
            if (s.fill() != null) {
                g.setColor(colour(s.fill()));
                g.fill(shape);
            }
            if (s.stroke() != null) {
                g.setColor(colour(s.stroke()));
                float sw = (float) s.strokeWidth();
                g.setStroke(s.dashed()
                        ? new BasicStroke(sw, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {5f, 3f}, 0f)
                        : new BasicStroke(sw));
                g.draw(shape);
            }
        }
        if (b.outline() == Outline.CIRCLE) {
            double cx = b.x() + b.width() / 2;
            double cy = b.y() + b.height() / 2;
            double arm = Math.min(b.width(), b.height()) / 2 * 0.55;
            g.setColor(colour(FigureStyle.TEXT));
            g.setStroke(new BasicStroke(1.5f));
            g.draw(new Line2D.Double(cx - arm, cy, cx + arm, cy));
            g.draw(new Line2D.Double(cx, cy - arm, cx, cy + arm));
        }
        for (Text t : b.lines()) {
            text(g, t, FigureStyle.TEXT, null);
        }
    }

    private static void text(Graphics2D g, Text t, String colour, String halo) {
        if (t.text().isEmpty()) {
            return;
        }
        Font font = new Font(Font.SANS_SERIF, t.bold() ? Font.BOLD : Font.PLAIN, 1).deriveFont((float) t.size());
        FontRenderContext frc = g.getFontRenderContext();
        TextLayout layout = new TextLayout(t.text(), font, frc);
        double advance = layout.getAdvance();
        double x = switch (t.anchor()) {
            case START -> t.x();
            case MIDDLE -> t.x() - advance / 2;
            case END -> t.x() - advance;
        };
        if (halo != null) {
            Shape outline = layout.getOutline(AffineTransform.getTranslateInstance(x, t.baseline()));
            g.setColor(colour(halo));
            g.setStroke(new BasicStroke(3f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(outline);
        }
        g.setColor(colour(colour));
        layout.draw(g, (float) x, (float) t.baseline());
    }

    private static Color colour(String hex) {
        return new Color(Integer.parseInt(hex.substring(1), 16));
    }
}
