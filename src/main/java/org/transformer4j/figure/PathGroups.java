package org.transformer4j.figure;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.transformer4j.nn.Module;

/** Frames for module paths: one group per path that holds nodes (and its ancestors), nested by path. */
final class PathGroups {
    private PathGroups() {
    }

    /** Adds the groups, innermost first; members maps a module path to the ids drawn directly in it. */
    static void add(Figure figure, Trace trace, Map<String, Set<String>> members) {
        Set<String> paths = new LinkedHashSet<>();
        for (String p : members.keySet()) {
            for (String q = p; !q.isEmpty(); q = parentOf(q)) {
                paths.add(q);
            }
        }
        List<String> ordered = new ArrayList<>(paths);
        ordered.sort((a, b) -> Integer.compare(b.split("\\.").length, a.split("\\.").length));
        for (String p : ordered) {
            List<String> children = new ArrayList<>(members.getOrDefault(p, Set.of()));
            for (String q : ordered) {
                if (!q.equals(p) && parentOf(q).equals(p) && figure.hasGroup("group:" + q)) {
                    children.add("group:" + q);
                }
            }
            if (children.isEmpty()) {
                continue;
            }
            Module m = trace.module(p);
            String local = p.substring(p.lastIndexOf('.') + 1);
            figure.group(new FigureGroup("group:" + p, m == null ? local : m.getClass().getSimpleName() + " " + local,
                    p, 1, children));
        }
    }

    /** The enclosing module path ("" at the top). */
    static String parentOf(String path) {
        return path.contains(".") ? path.substring(0, path.lastIndexOf('.')) : "";
    }
}
