package org.transformer4j.figure;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes a {@link Figure} as Graphviz DOT: a {@code digraph} whose groups are {@code cluster_}
 * subgraphs (labelled with "N×" when repeated). Graphviz draws it with the usual colours; the figure's
 * own fields ride along as attributes that Graphviz ignores: {@code kind}, {@code path},
 * {@code tensor_shape} ("2,5,16") and {@code figure_style} on nodes (Graphviz's own {@code shape}
 * and {@code style} mean something else), {@code figure_label}, {@code path}, {@code repeat} and
 * {@code order} on clusters, {@code level} on the graph. {@link DotReader} reads it back exactly.
 *
 * <p>All nodes are declared first, in the figure's order; clusters then list their members, and the
 * edges come last, in order. Strings are quoted with {@code \\}, {@code \"}, {@code \n} and
 * {@code \r} escaped.
 */
public final class DotWriter {
    private DotWriter() {
    }

    /** The DOT text of a figure. */
    public static String write(Figure f) {
        FigureTree tree = FigureTree.of(f);
        StringBuilder sb = new StringBuilder(1024);
        sb.append("digraph {\n");
        sb.append("  graph [");
        if (f.title() != null) {
            sb.append("label=").append(q(f.title())).append(", labelloc=\"t\", ");
        }
        if (f.level() != null) {
            sb.append("level=").append(q(f.level().name().toLowerCase(Locale.ROOT))).append(", ");
        }
        sb.append("rankdir=\"BT\", fontname=\"sans-serif\", newrank=\"true\"];\n");
        sb.append("  node [shape=\"box\", style=\"rounded,filled\", fontname=\"sans-serif\", fontsize=\"12\"];\n");
        sb.append("  edge [fontname=\"sans-serif\", fontsize=\"10\"];\n");
        for (FigureNode n : f.nodes()) {
            List<String> a = new ArrayList<>();
            attr(a, "label", n.label());
            attr(a, "kind", n.kind());
            attr(a, "path", n.path());
            attr(a, "tensor_shape", FigureReading.shapeString(n.shape()));
            attr(a, "figure_style", n.style());
            switch (FigureLayout.outline(n)) {
                case CIRCLE -> attr(a, "shape", "circle");
                case PLAIN -> attr(a, "shape", "plaintext");
                case BOX -> { }
            }
            FigureStyle s = FigureStyle.of(n.style());
            attr(a, "fillcolor", s.fill());
            attr(a, "color", s.stroke());
            sb.append("  ").append(q(n.id())).append(" [").append(String.join(", ", a)).append("];\n");
        }
        List<FigureGroup> groups = f.groups();
        for (String id : f.topLevel()) {
            if (tree.isGroup(id)) {
                cluster(sb, tree, groups, tree.group(id), "  ");
            }
        }
        for (FigureEdge e : f.edges()) {
            List<String> a = new ArrayList<>();
            attr(a, "label", e.label());
            attr(a, "tensor_shape", FigureReading.shapeString(e.shape()));
            attr(a, "xlabel", FigureLayout.shapeText(e.shape()));
            sb.append("  ").append(q(e.from())).append(" -> ").append(q(e.to()));
            if (!a.isEmpty()) {
                sb.append(" [").append(String.join(", ", a)).append(']');
            }
            sb.append(";\n");
        }
        return sb.append("}\n").toString();
    }

    private static void cluster(StringBuilder sb, FigureTree tree, List<FigureGroup> groups, FigureGroup g, String indent) {
        sb.append(indent).append("subgraph ").append(q("cluster_" + g.id())).append(" {\n");
        String in = indent + "  ";
        String title = g.label() == null ? null : g.repeat() > 1 ? g.label() + " (" + g.repeat() + "×)" : g.label();
        if (title == null && g.repeat() > 1) {
            title = g.repeat() + "×";
        }
        if (title != null) {
            sb.append(in).append("label=").append(q(title)).append(";\n");
        }
        if (g.label() != null) {
            sb.append(in).append("figure_label=").append(q(g.label())).append(";\n");
        }
        if (g.path() != null) {
            sb.append(in).append("path=").append(q(g.path())).append(";\n");
        }
        sb.append(in).append("repeat=\"").append(g.repeat()).append("\";\n");
        sb.append(in).append("order=\"").append(groups.indexOf(g)).append("\";\n");
        sb.append(in).append("style=\"rounded,filled\"; fillcolor=")
                .append(q(FigureStyle.frameFill(tree.depth(g.id())))).append("; color=")
                .append(q(FigureStyle.FRAME_STROKE)).append(";\n");
        for (String c : g.children()) {
            if (tree.isGroup(c)) {
                cluster(sb, tree, groups, tree.group(c), in);
            } else {
                sb.append(in).append(q(c)).append(";\n");
            }
        }
        sb.append(indent).append("}\n");
    }

    private static void attr(List<String> attrs, String name, String value) {
        if (value != null) {
            attrs.add(name + "=" + q(value));
        }
    }

    /** A DOT quoted string. */
    static String q(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
