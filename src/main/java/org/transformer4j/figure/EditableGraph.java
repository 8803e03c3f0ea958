package org.transformer4j.figure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A mutable copy of a figure for the rewrites that build coarser views (merge, bridge out, rename). */
final class EditableGraph {
    final Map<String, FigureNode> nodes = new LinkedHashMap<>();
    final List<FigureEdge> edges = new ArrayList<>();
    final Map<String, FigureGroup> groups = new LinkedHashMap<>();
    private final String title;
    private final Figure.Level level;

    EditableGraph(Figure f, Figure.Level level) {
        this.title = f.title();
        this.level = level;
        f.nodes().forEach(n -> nodes.put(n.id(), n));
        edges.addAll(f.edges());
        f.groups().forEach(g -> groups.put(g.id(), g));
    }

    List<String> successors(String id) {
        List<String> out = new ArrayList<>();
        edges.forEach(e -> {
            if (e.from().equals(id)) {
                out.add(e.to());
            }
        });
        return out;
    }

    List<String> predecessors(String id) {
        List<String> out = new ArrayList<>();
        edges.forEach(e -> {
            if (e.to().equals(id)) {
                out.add(e.from());
            }
        });
        return out;
    }

    void relabel(String id, String label, String style) {
        FigureNode n = nodes.get(id);
        nodes.put(id, new FigureNode(n.id(), n.kind(), label, n.path(), n.shape(), style == null ? n.style() : style));
    }

    /** Removes a node, connecting each of its predecessors to each of its successors. */
    void bridgeOut(String id) {
        List<FigureEdge> in = new ArrayList<>();
        List<FigureEdge> out = new ArrayList<>();
        edges.forEach(e -> {
            if (e.to().equals(id)) {
                in.add(e);
            }
            if (e.from().equals(id)) {
                out.add(e);
            }
        });
        edges.removeAll(in);
        edges.removeAll(out);
        for (FigureEdge i : in) {
            for (FigureEdge o : out) {
                edges.add(new FigureEdge(i.from(), o.to(), o.shape(), o.label() != null ? o.label() : i.label()));
            }
        }
        remove(id);
    }

    /** Folds node gone into node kept: gone's arrows now attach to kept. */
    void merge(String gone, String kept) {
        List<FigureEdge> updated = new ArrayList<>();
        for (FigureEdge e : edges) {
            String from = e.from().equals(gone) ? kept : e.from();
            String to = e.to().equals(gone) ? kept : e.to();
            if (!from.equals(to)) {
                updated.add(new FigureEdge(from, to, e.shape(), e.label()));
            }
        }
        edges.clear();
        edges.addAll(updated);
        remove(gone);
    }

    void remove(String id) {
        nodes.remove(id);
        edges.removeIf(e -> e.from().equals(id) || e.to().equals(id));
        for (Map.Entry<String, FigureGroup> g : new ArrayList<>(groups.entrySet())) {
            if (g.getValue().children().contains(id)) {
                List<String> c = new ArrayList<>(g.getValue().children());
                c.remove(id);
                FigureGroup old = g.getValue();
                groups.put(g.getKey(), new FigureGroup(old.id(), old.label(), old.path(), old.repeat(), c));
            }
        }
    }

    /** Removes a group frame; its children move to the enclosing group (or the top level). */
    void ungroup(String groupId) {
        FigureGroup g = groups.remove(groupId);
        if (g == null) {
            return;
        }
        for (Map.Entry<String, FigureGroup> e : new ArrayList<>(groups.entrySet())) {
            FigureGroup p = e.getValue();
            if (p.children().contains(groupId)) {
                List<String> c = new ArrayList<>();
                for (String child : p.children()) {
                    if (child.equals(groupId)) {
                        c.addAll(g.children());
                    } else {
                        c.add(child);
                    }
                }
                groups.put(e.getKey(), new FigureGroup(p.id(), p.label(), p.path(), p.repeat(), c));
            }
        }
    }

    /** The figure, dropping duplicate arrows and empty groups; groups are added innermost first. */
    Figure toFigure() {
        Figure f = new Figure(title, level);
        nodes.values().forEach(f::add);
        Set<String> seen = new LinkedHashSet<>();
        for (FigureEdge e : edges) {
            if (nodes.containsKey(e.from()) && nodes.containsKey(e.to()) && seen.add(e.from() + "\u0000" + e.to())) {
                f.connect(e);
            }
        }
        Set<String> processed = new LinkedHashSet<>();
        Set<String> inFigure = new LinkedHashSet<>();
        boolean progress = true;
        while (progress) {
            progress = false;
            for (FigureGroup g : groups.values()) {
                if (processed.contains(g.id())) {
                    continue;
                }
                List<String> kids = g.children().stream()
                        .filter(c -> nodes.containsKey(c) || groups.containsKey(c)).toList();
                if (kids.stream().allMatch(c -> nodes.containsKey(c) || processed.contains(c))) {
                    List<String> present = kids.stream().filter(c -> nodes.containsKey(c) || inFigure.contains(c)).toList();
                    if (!present.isEmpty()) {
                        f.group(new FigureGroup(g.id(), g.label(), g.path(), g.repeat(), present));
                        inFigure.add(g.id());
                    }
                    processed.add(g.id());
                    progress = true;
                }
            }
        }
        return f;
    }
}
