package org.transformer4j.figure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.transformer4j.figure.Drawing.Arrow;
import org.transformer4j.figure.Drawing.Box;
import org.transformer4j.figure.Drawing.Frame;
import org.transformer4j.figure.Drawing.Outline;
import org.transformer4j.figure.Drawing.Point;
import org.transformer4j.figure.Drawing.Text;

/**
 * Writes a {@link Drawing} as a standalone SVG document. Each node is a {@code <g class="node">} whose
 * {@code id} is the node id and whose {@code data-path}, {@code data-kind}, {@code data-style} and
 * {@code data-shape} (a JSON array such as {@code [2,5,16]}) let a web page make it interactive;
 * frames carry {@code data-group}, edges {@code data-from}/{@code data-to}.
 */
public final class SvgWriter {
    private static final String ARROW_ID = "t4j-arrowhead";

    private SvgWriter() {
    }

    /** The SVG text of a drawing. */
    public static String write(Drawing d) {
        StringBuilder sb = new StringBuilder(4096);
        String w = Drawing.num(d.width());
        String h = Drawing.num(d.height());
        sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"").append(w)
                .append("\" height=\"").append(h).append("\" viewBox=\"0 0 ").append(w).append(' ').append(h)
                .append("\" font-family=\"sans-serif\">\n");
        if (d.figure().title() != null) {
            sb.append("<title>").append(esc(d.figure().title())).append("</title>\n");
        }
        sb.append("<defs><marker id=\"").append(ARROW_ID).append("\" viewBox=\"0 0 ")
                .append(Drawing.num(FigureStyle.ARROW_LENGTH)).append(' ')
                .append(Drawing.num(2 * FigureStyle.ARROW_HALF_WIDTH)).append("\" refX=\"")
                .append(Drawing.num(FigureStyle.ARROW_LENGTH)).append("\" refY=\"")
                .append(Drawing.num(FigureStyle.ARROW_HALF_WIDTH)).append("\" markerWidth=\"")
                .append(Drawing.num(FigureStyle.ARROW_LENGTH)).append("\" markerHeight=\"")
                .append(Drawing.num(2 * FigureStyle.ARROW_HALF_WIDTH))
                .append("\" markerUnits=\"userSpaceOnUse\" orient=\"auto\"><path d=\"M0,0 L")
                .append(Drawing.num(FigureStyle.ARROW_LENGTH)).append(',')
                .append(Drawing.num(FigureStyle.ARROW_HALF_WIDTH)).append(" L0,")
                .append(Drawing.num(2 * FigureStyle.ARROW_HALF_WIDTH)).append(" z\" fill=\"").append(FigureStyle.EDGE)
                .append("\"/></marker></defs>\n");
        sb.append("<rect x=\"0\" y=\"0\" width=\"").append(w).append("\" height=\"").append(h)
                .append("\" fill=\"#ffffff\"/>\n");
        if (d.title() != null) {
            text(sb, d.title(), FigureStyle.TITLE_TEXT, null, "title");
        }
        sb.append("<g class=\"frames\">\n");
        for (Frame f : d.frames()) {
            frame(sb, f);
        }
        sb.append("</g>\n<g class=\"edges\" fill=\"none\" stroke=\"").append(FigureStyle.EDGE)
                .append("\" stroke-width=\"").append(Drawing.num(FigureStyle.EDGE_WIDTH)).append("\">\n");
        for (Arrow a : d.arrows()) {
            edge(sb, a);
        }
        sb.append("</g>\n<g class=\"group-titles\">\n");
        for (Frame f : d.frames()) {
            frameText(sb, f);
        }
        sb.append("</g>\n<g class=\"nodes\">\n");
        for (Box b : d.boxes()) {
            node(sb, b);
        }
        sb.append("</g>\n<g class=\"edge-labels\">\n");
        for (Arrow a : d.arrows()) {
            if (a.label() != null) {
                text(sb, a.label(), FigureStyle.TEXT, "#ffffff", "edge-label");
            }
            if (a.shape() != null) {
                text(sb, a.shape(), FigureStyle.SHAPE_TEXT, "#ffffff", "edge-shape");
            }
        }
        sb.append("</g>\n</svg>\n");
        return sb.toString();
    }

    /** Writes the SVG of a drawing to a file as UTF-8. */
    public static void write(Drawing d, Path file) throws IOException {
        Files.writeString(file, write(d), StandardCharsets.UTF_8);
    }

    private static void frame(StringBuilder sb, Frame f) {
        FigureGroup g = f.group();
        sb.append("<g class=\"group\" data-group=\"").append(esc(g.id())).append("\" data-path=\"")
                .append(esc(g.path())).append("\" data-repeat=\"").append(g.repeat()).append("\">");
        sb.append("<rect x=\"").append(Drawing.num(f.x())).append("\" y=\"").append(Drawing.num(f.y()))
                .append("\" width=\"").append(Drawing.num(f.width())).append("\" height=\"")
                .append(Drawing.num(f.height())).append("\" rx=\"").append(Drawing.num(FigureStyle.FRAME_RADIUS))
                .append("\" fill=\"").append(FigureStyle.frameFill(f.depth())).append("\" stroke=\"")
                .append(FigureStyle.FRAME_STROKE).append("\" stroke-width=\"1.2\"/>");
        sb.append("</g>\n");
    }

    private static void edge(StringBuilder sb, Arrow a) {
        sb.append("<path class=\"edge\" data-from=\"").append(esc(a.edge().from())).append("\" data-to=\"")
                .append(esc(a.edge().to())).append('"');
        if (a.edge().shape() != null) {
            sb.append(" data-shape=\"").append(json(a.edge().shape())).append('"');
        }
        if (a.edge().label() != null) {
            sb.append(" data-label=\"").append(esc(a.edge().label())).append('"');
        }
        sb.append(" d=\"");
        List<Point> pts = a.points();
        for (int i = 0; i < pts.size(); i++) {
            sb.append(i == 0 ? "M" : " L").append(Drawing.num(pts.get(i).x())).append(',')
                    .append(Drawing.num(pts.get(i).y()));
        }
        sb.append("\" marker-end=\"url(#").append(ARROW_ID).append(")\"/>\n");
    }

    private static void node(StringBuilder sb, Box b) {
        FigureNode n = b.node();
        FigureStyle s = FigureStyle.of(n.style());
        sb.append("<g class=\"node\" id=\"").append(esc(n.id())).append("\" data-path=\"").append(esc(n.path()))
                .append("\" data-kind=\"").append(esc(n.kind())).append("\" data-style=\"").append(esc(n.style()))
                .append('"');
        if (n.shape() != null) {
            sb.append(" data-shape=\"").append(json(n.shape())).append('"');
        }
        sb.append('>');
        sb.append("<title>").append(esc(tooltip(n))).append("</title>");
        String paint = " fill=\"" + (s.fill() == null ? "none" : s.fill()) + "\" stroke=\""
                + (s.stroke() == null ? "none" : s.stroke()) + "\" stroke-width=\"" + Drawing.num(s.strokeWidth())
                + "\"" + (s.dashed() ? " stroke-dasharray=\"5,3\"" : "");
        if (b.outline() == Outline.CIRCLE) {
            double r = Math.min(b.width(), b.height()) / 2;
            double cx = b.x() + b.width() / 2;
            double cy = b.y() + b.height() / 2;
            double arm = r * 0.55;
            sb.append("<circle cx=\"").append(Drawing.num(cx)).append("\" cy=\"").append(Drawing.num(cy))
                    .append("\" r=\"").append(Drawing.num(r)).append('"').append(paint).append("/>");
            sb.append("<path d=\"M").append(Drawing.num(cx - arm)).append(',').append(Drawing.num(cy))
                    .append(" H").append(Drawing.num(cx + arm)).append(" M").append(Drawing.num(cx)).append(',')
                    .append(Drawing.num(cy - arm)).append(" V").append(Drawing.num(cy + arm))
                    .append("\" stroke=\"").append(FigureStyle.TEXT).append("\" stroke-width=\"1.5\"/>");
        } else if (b.outline() == Outline.BOX) {
            sb.append("<rect x=\"").append(Drawing.num(b.x())).append("\" y=\"").append(Drawing.num(b.y()))
                    .append("\" width=\"").append(Drawing.num(b.width())).append("\" height=\"")
                    .append(Drawing.num(b.height())).append("\" rx=\"").append(Drawing.num(FigureStyle.BOX_RADIUS))
                    .append('"').append(paint).append("/>");
        } else {
            // Text-only node: an invisible box keeps the whole area clickable.
            sb.append("<rect x=\"").append(Drawing.num(b.x())).append("\" y=\"").append(Drawing.num(b.y()))
                    .append("\" width=\"").append(Drawing.num(b.width())).append("\" height=\"")
                    .append(Drawing.num(b.height())).append("\" fill=\"#ffffff\" fill-opacity=\"0\"/>");
        }
        for (Text t : b.lines()) {
            text(sb, t, FigureStyle.TEXT, null, null);
        }
        sb.append("</g>\n");
    }

    private static String tooltip(FigureNode n) {
        StringBuilder t = new StringBuilder(n.id());
        if (n.kind() != null) {
            t.append(" (").append(n.kind()).append(')');
        }
        if (n.shape() != null) {
            t.append(' ').append(FigureLayout.shapeText(n.shape()));
        }
        return t.toString();
    }

    /** Frame titles and "N×" markers, above the arrows, on a halo of the frame's colour. */
    private static void frameText(StringBuilder sb, Frame f) {
        sb.append("<g class=\"group-title\" data-group=\"").append(esc(f.group().id())).append("\">");
        text(sb, f.title(), FigureStyle.TITLE_TEXT, FigureStyle.frameFill(f.depth()), null);
        if (f.repeat() != null) {
            text(sb, f.repeat(), FigureStyle.TEXT, null, "repeat");
        }
        sb.append("</g>\n");
    }

    private static void text(StringBuilder sb, Text t, String colour, String halo, String cssClass) {
        sb.append("<text");
        if (cssClass != null) {
            sb.append(" class=\"").append(cssClass).append('"');
        }
        sb.append(" x=\"").append(Drawing.num(t.x())).append("\" y=\"").append(Drawing.num(t.baseline()))
                .append("\" font-size=\"").append(Drawing.num(t.size())).append('"');
        switch (t.anchor()) {
            case MIDDLE -> sb.append(" text-anchor=\"middle\"");
            case END -> sb.append(" text-anchor=\"end\"");
            case START -> { }
        }
        if (t.bold()) {
            sb.append(" font-weight=\"bold\"");
        }
        if (halo != null) {
            sb.append(" stroke=\"").append(halo)
                    .append("\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\"");
        }
        sb.append(" fill=\"").append(colour).append("\" xml:space=\"preserve\">").append(esc(t.text()))
                .append("</text>");
    }

    private static String json(int[] shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ",").append(shape[i]);
        }
        return sb.append(']').toString();
    }

    private static String esc(String s) {
        return Xml.escape(s);
    }
}
