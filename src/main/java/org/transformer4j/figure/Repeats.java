package org.transformer4j.figure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Draws identical repeated layers once with "N x" (as Figure 1 does): within a module list, layers whose
 * traced structure is the same (same nodes by relative id, kind and label) collapse onto the first one.
 * Arrows into any copy go to the first; arrows from copy to copy disappear (the repeat says it).
 */
final class Repeats {
    private static final Pattern LAYER = Pattern.compile("^(.*\\.layers)\\.(\\d+)(?=$|[.#])");

    private Repeats() {
    }

    /** The figure with each run of identical layers collapsed, except lists under the given paths. */
    static Figure collapse(Figure f, java.util.Set<String> keepExpanded) {
        // list path -> layer index -> node ids inside that layer
        Map<String, TreeMap<Integer, List<String>>> lists = new LinkedHashMap<>();
        for (FigureNode n : f.nodes()) {
            Matcher m = LAYER.matcher(stripPrefix(n.id()));
            if (m.find() && !keepExpanded.contains(m.group(1))) {
                lists.computeIfAbsent(m.group(1), k -> new TreeMap<>())
                        .computeIfAbsent(Integer.parseInt(m.group(2)), k -> new ArrayList<>()).add(n.id());
            }
        }
        EditableGraph g = new EditableGraph(f, f.level());
        for (Map.Entry<String, TreeMap<Integer, List<String>>> list : lists.entrySet()) {
            TreeMap<Integer, List<String>> layers = list.getValue();
            if (layers.size() < 2 || !allSame(f, list.getKey(), layers)) {
                continue;
            }
            String prefix = list.getKey() + ".";
            Map<String, String> toFirst = new LinkedHashMap<>();
            layers.forEach((i, ids) -> ids.forEach(id -> toFirst.put(id, onFirst(id, prefix, i))));
            int lastLayer = layers.lastKey();
            List<FigureEdge> edges = new ArrayList<>();
            for (FigureEdge e : g.edges) {
                Integer fromLayer = layerOf(e.from(), prefix, layers);
                Integer toLayer = layerOf(e.to(), prefix, layers);
                if (fromLayer != null && toLayer != null && !fromLayer.equals(toLayer)) {
                    continue; // layer i -> layer j: what "N x" stands for
                }
                if (fromLayer != null && toLayer == null && fromLayer != lastLayer) {
                    continue; // only the last copy's output leaves the stack
                }
                edges.add(new FigureEdge(toFirst.getOrDefault(e.from(), e.from()), toFirst.getOrDefault(e.to(), e.to()),
                        e.shape(), e.label()));
            }
            g.edges.clear();
            g.edges.addAll(edges);
            layers.forEach((i, ids) -> {
                if (i != layers.firstKey()) {
                    ids.forEach(g::remove);
                }
            });
            String firstGroup = "group:" + list.getKey() + "." + layers.firstKey();
            FigureGroup first = g.groups.get(firstGroup);
            layers.keySet().stream().filter(i -> i != layers.firstKey().intValue())
                    .forEach(i -> g.ungroup("group:" + list.getKey() + "." + i));
            if (first != null) {
                g.groups.put(firstGroup, new FigureGroup(first.id(), first.label(), first.path(), layers.size(),
                        first.children()));
            }
        }
        return g.toFigure();
    }

    private static boolean allSame(Figure f, String list, TreeMap<Integer, List<String>> layers) {
        String reference = null;
        for (Map.Entry<Integer, List<String>> e : layers.entrySet()) {
            StringBuilder sig = new StringBuilder();
            List<String> lines = new ArrayList<>();
            for (String id : e.getValue()) {
                FigureNode n = f.node(id);
                lines.add(onFirst(id, list + ".", e.getKey()) + "|" + n.kind() + "|" + n.label());
            }
            lines.sort(null);
            lines.forEach(l -> sig.append(l).append('\n'));
            if (reference == null) {
                reference = sig.toString();
            } else if (!reference.equals(sig.toString())) {
                return false;
            }
        }
        return true;
    }

    /** The id with this layer's index replaced by layer 0's (the first layer drawn). */
    private static String onFirst(String id, String prefix, int layer) {
        String from = prefix + layer;
        int at = id.indexOf(from);
        return at < 0 ? id : id.substring(0, at) + prefix + "0" + id.substring(at + from.length());
    }

    private static Integer layerOf(String id, String prefix, TreeMap<Integer, List<String>> layers) {
        for (Map.Entry<Integer, List<String>> e : layers.entrySet()) {
            if (e.getValue().contains(id)) {
                return e.getKey();
            }
        }
        return null;
    }

    private static String stripPrefix(String id) {
        int colon = id.indexOf(':');
        return colon >= 0 && colon < 8 ? id.substring(colon + 1) : id;
    }
}
