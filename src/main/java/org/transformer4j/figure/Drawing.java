package org.transformer4j.figure;

import java.util.List;
import java.util.Locale;

/**
 * A laid-out figure in absolute coordinates (pixels, origin top left, y down), resolved down to the
 * text runs, so that the SVG and PNG writers only paint and always agree. Made by {@link FigureLayout}.
 *
 * @param figure the figure drawn
 * @param width  total width
 * @param height total height
 * @param title  the title at the top, or null
 * @param frames group frames, outer before inner (paint in this order)
 * @param boxes  node boxes, in the figure's node order
 * @param arrows edges, in the figure's edge order
 */
public record Drawing(Figure figure, double width, double height, Text title, List<Frame> frames,
                      List<Box> boxes, List<Arrow> arrows) {

    public Drawing {
        frames = List.copyOf(frames);
        boxes = List.copyOf(boxes);
        arrows = List.copyOf(arrows);
    }

    /** How a node box is drawn. */
    public enum Outline {
        /** A rounded rectangle. */
        BOX,
        /** A circle with a plus, for a residual addition drawn as ⊕. */
        CIRCLE,
        /** Text only, like "Inputs" and "Output Probabilities" in the paper. */
        PLAIN
    }

    /** Horizontal alignment of a text run at its x. */
    public enum Anchor { START, MIDDLE, END }

    /** A point. */
    public record Point(double x, double y) {
    }

    /**
     * One run of text.
     *
     * @param text     the text (one line)
     * @param x        the anchor's x
     * @param baseline the y of the baseline
     * @param size     font size in px
     * @param anchor   where x is on the run
     * @param bold     bold face
     */
    public record Text(String text, double x, double baseline, double size, Anchor anchor, boolean bold) {
    }

    /**
     * A node box.
     *
     * @param node    the node
     * @param x       left
     * @param y       top
     * @param width   width
     * @param height  height
     * @param parent  the id of the group around it, or null
     * @param outline how to draw it
     * @param lines   the label, one run per line
     */
    public record Box(FigureNode node, double x, double y, double width, double height, String parent,
                      Outline outline, List<Text> lines) {
        public Box {
            lines = List.copyOf(lines);
        }
    }

    /**
     * A group frame.
     *
     * @param group  the group
     * @param x      left of the visible frame
     * @param y      top
     * @param width  width
     * @param height height
     * @param depth  0 for a top-level group, 1 inside one, ...
     * @param parent the id of the group around it, or null
     * @param title  the frame's title, inside at the top
     * @param repeat the "N×" marker left of the frame, or null when the group is not repeated
     */
    public record Frame(FigureGroup group, double x, double y, double width, double height, int depth,
                        String parent, Text title, Text repeat) {
    }

    /**
     * An edge.
     *
     * @param edge   the edge
     * @param points the polyline from the source box's border to the target box's border (at least two points)
     * @param label  the edge's label near the arrow head, or null
     * @param shape  the tensor shape text, or null when absent or hidden
     */
    public record Arrow(FigureEdge edge, List<Point> points, Text label, Text shape) {
        public Arrow {
            points = List.copyOf(points);
        }
    }

    /** A plain-text dump of all geometry, for tests and debugging; equal drawings give equal dumps. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("drawing ").append(num(width)).append(' ').append(num(height)).append('\n');
        if (title != null) {
            sb.append("title ").append(text(title)).append('\n');
        }
        for (Frame f : frames) {
            sb.append("frame ").append(f.group().id()).append(' ').append(rect(f.x(), f.y(), f.width(), f.height()))
                    .append(" depth=").append(f.depth()).append(" title=").append(text(f.title()))
                    .append(" repeat=").append(text(f.repeat())).append('\n');
        }
        for (Box b : boxes) {
            sb.append("box ").append(b.node().id()).append(' ').append(rect(b.x(), b.y(), b.width(), b.height()))
                    .append(' ').append(b.outline());
            b.lines().forEach(t -> sb.append(' ').append(text(t)));
            sb.append('\n');
        }
        for (Arrow a : arrows) {
            sb.append("arrow ").append(a.edge().from()).append(" -> ").append(a.edge().to());
            a.points().forEach(p -> sb.append(' ').append(num(p.x())).append(',').append(num(p.y())));
            sb.append(" label=").append(text(a.label())).append(" shape=").append(text(a.shape())).append('\n');
        }
        return sb.toString();
    }

    private static String rect(double x, double y, double w, double h) {
        return num(x) + ',' + num(y) + ' ' + num(w) + 'x' + num(h);
    }

    private static String text(Text t) {
        return t == null ? "-" : '"' + t.text() + "\"@" + num(t.x()) + ',' + num(t.baseline());
    }

    /** Formats a coordinate with at most two decimals, the same everywhere (SVG, dumps). */
    static String num(double v) {
        double r = Math.round(v * 100) / 100.0;
        if (r == Math.rint(r)) {
            return Long.toString((long) r);
        }
        String s = String.format(Locale.ROOT, "%.2f", r);
        return s.endsWith("0") ? s.substring(0, s.length() - 1) : s;
    }
}
