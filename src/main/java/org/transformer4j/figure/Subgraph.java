package org.transformer4j.figure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One module's part of a figure, with its inputs and outputs drawn as small end nodes. */
final class Subgraph {
    private Subgraph() {
    }

    static Figure only(Figure f, String path) {
        Figure out = new Figure(f.title().isEmpty() ? path : f.title() + " \u2014 " + path, f.level());
        for (FigureNode n : f.nodes()) {
            if (inside(n.path(), path) && !n.kind().equals("input")) {
                out.add(n);
            }
        }
        if (out.nodes().isEmpty()) {
            throw new IllegalArgumentException("--only: no module at path '" + path + "' ran in the traced forward pass");
        }
        Map<String, String> ends = new LinkedHashMap<>();
        for (FigureEdge e : f.edges()) {
            boolean from = out.node(e.from()) != null;
            boolean to = out.node(e.to()) != null;
            if (from && to) {
                out.connect(e);
            } else if (to) {
                String id = ends.computeIfAbsent("in:" + e.from(), k -> {
                    FigureNode src = f.node(e.from());
                    out.add(new FigureNode(k, "input", src.label(), src.path(), src.shape(), "io"));
                    return k;
                });
                out.connect(new FigureEdge(id, e.to(), e.shape(), e.label()));
            } else if (from) {
                String id = ends.computeIfAbsent("out:" + e.from(), k -> {
                    out.add(new FigureNode(k, "output", "output", path, e.shape(), "io"));
                    return k;
                });
                out.connect(new FigureEdge(e.from(), id, e.shape(), e.label()));
            }
        }
        for (FigureGroup g : f.groups()) {
            if (inside(g.path(), path)) {
                List<String> kids = new ArrayList<>();
                for (String c : g.children()) {
                    if (out.node(c) != null || out.hasGroup(c)) {
                        kids.add(c);
                    }
                }
                if (!kids.isEmpty()) {
                    out.group(new FigureGroup(g.id(), g.label(), g.path(), g.repeat(), kids));
                }
            }
        }
        return out;
    }

    private static boolean inside(String p, String path) {
        return p.equals(path) || p.startsWith(path + ".");
    }
}
