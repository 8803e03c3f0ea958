package org.transformer4j.figure;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@link Figure} as GraphML (namespace {@code http://graphml.graphdrawing.org/xmlns}). Groups
 * are nodes holding a nested {@code <graph>}, the way GraphML does hierarchy; all edges sit in the
 * top graph. GraphML node ids are {@code n0, n1, ...} in the figure's node order and {@code g0, g1, ...}
 * in its group order (schema-valid NMTOKENs whatever the figure's ids are); the figure's own id is the
 * {@code id} data. {@link GraphMlReader} reads it back exactly, except for characters XML cannot carry
 * (most control characters), which become U+FFFD.
 */
public final class GraphMlWriter {
    /** The GraphML namespace. */
    public static final String NS = "http://graphml.graphdrawing.org/xmlns";

    /** Key declarations: id, for, attr.name, attr.type. */
    static final List<String[]> KEYS = List.of(
            new String[] {"title", "graph", "title", "string"},
            new String[] {"level", "graph", "level", "string"},
            new String[] {"id", "node", "id", "string"},
            new String[] {"group", "node", "group", "boolean"},
            new String[] {"kind", "node", "kind", "string"},
            new String[] {"label", "node", "label", "string"},
            new String[] {"path", "node", "path", "string"},
            new String[] {"shape", "node", "shape", "string"},
            new String[] {"style", "node", "style", "string"},
            new String[] {"repeat", "node", "repeat", "int"},
            new String[] {"edge_label", "edge", "label", "string"},
            new String[] {"edge_shape", "edge", "shape", "string"});

    private GraphMlWriter() {
    }

    /** The GraphML text of a figure. */
    public static String write(Figure f) {
        FigureTree tree = FigureTree.of(f);
        Map<String, String> nodeIds = new HashMap<>();
        List<FigureNode> nodes = f.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            nodeIds.put(nodes.get(i).id(), "n" + i);
        }
        Map<String, String> groupIds = new HashMap<>();
        List<FigureGroup> groups = f.groups();
        for (int i = 0; i < groups.size(); i++) {
            groupIds.put(groups.get(i).id(), "g" + i);
        }
        StringBuilder sb = new StringBuilder(2048);
        sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append("<graphml xmlns=\"").append(NS).append("\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"")
                .append(" xsi:schemaLocation=\"").append(NS).append(' ').append(NS).append("/1.0/graphml.xsd\">\n");
        for (String[] k : KEYS) {
            sb.append("  <key id=\"").append(k[0]).append("\" for=\"").append(k[1]).append("\" attr.name=\"")
                    .append(k[2]).append("\" attr.type=\"").append(k[3]).append('"');
            if (k[0].equals("group")) {
                sb.append("><default>false</default></key>\n");
            } else if (k[0].equals("repeat")) {
                sb.append("><default>1</default></key>\n");
            } else {
                sb.append("/>\n");
            }
        }
        sb.append("  <graph id=\"G\" edgedefault=\"directed\">\n");
        data(sb, "    ", "title", f.title());
        data(sb, "    ", "level", f.level() == null ? null : f.level().name().toLowerCase(Locale.ROOT));
        for (String id : f.topLevel()) {
            item(sb, "    ", tree, id, nodeIds, groupIds);
        }
        for (FigureEdge e : f.edges()) {
            sb.append("    <edge source=\"").append(nodeIds.get(e.from())).append("\" target=\"")
                    .append(nodeIds.get(e.to())).append('"');
            if (e.label() == null && e.shape() == null) {
                sb.append("/>\n");
                continue;
            }
            sb.append(">\n");
            data(sb, "      ", "edge_label", e.label());
            data(sb, "      ", "edge_shape", FigureReading.shapeString(e.shape()));
            sb.append("    </edge>\n");
        }
        sb.append("  </graph>\n</graphml>\n");
        return sb.toString();
    }

    private static void item(StringBuilder sb, String in, FigureTree tree, String id, Map<String, String> nodeIds,
                             Map<String, String> groupIds) {
        if (!tree.isGroup(id)) {
            FigureNode n = tree.figure().node(id);
            sb.append(in).append("<node id=\"").append(nodeIds.get(id)).append("\">\n");
            String d = in + "  ";
            data(sb, d, "id", n.id());
            data(sb, d, "kind", n.kind());
            data(sb, d, "label", n.label());
            data(sb, d, "path", n.path());
            data(sb, d, "shape", FigureReading.shapeString(n.shape()));
            data(sb, d, "style", n.style());
            sb.append(in).append("</node>\n");
            return;
        }
        FigureGroup g = tree.group(id);
        String gid = groupIds.get(id);
        sb.append(in).append("<node id=\"").append(gid).append("\">\n");
        String d = in + "  ";
        data(sb, d, "id", g.id());
        data(sb, d, "group", "true");
        data(sb, d, "label", g.label());
        data(sb, d, "path", g.path());
        data(sb, d, "repeat", Integer.toString(g.repeat()));
        sb.append(d).append("<graph id=\"").append(gid).append(":\" edgedefault=\"directed\">\n");
        for (String c : g.children()) {
            item(sb, d + "  ", tree, c, nodeIds, groupIds);
        }
        sb.append(d).append("</graph>\n");
        sb.append(in).append("</node>\n");
    }

    private static void data(StringBuilder sb, String in, String key, String value) {
        if (value != null) {
            sb.append(in).append("<data key=\"").append(key).append("\">").append(Xml.escape(value)).append("</data>\n");
        }
    }
}
