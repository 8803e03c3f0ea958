package org.transformer4j.figure;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A figure as a graph: nodes, arrows and nested groups, at one level of detail. Built from a traced
 * forward pass, laid out by {@code FigureLayout} and written as SVG, PNG, DOT, JSON or GraphML.
 */
public final class Figure {
    private final String title;
    private final Level level;
    private final Map<String, FigureNode> nodes = new LinkedHashMap<>();
    private final List<FigureEdge> edges = new ArrayList<>();
    private final Map<String, FigureGroup> groups = new LinkedHashMap<>();

    /** The levels of expansion. */
    public enum Level { PAPER, BLOCKS, OPS, NEURONS }

    public Figure(String title, Level level) {
        this.title = title;
        this.level = level;
    }

    public String title() {
        return title;
    }

    public Level level() {
        return level;
    }

    /** Adds a node; ids must be unique. */
    public FigureNode add(FigureNode n) {
        if (nodes.putIfAbsent(n.id(), n) != null) {
            throw new IllegalArgumentException("duplicate node id " + n.id());
        }
        return n;
    }

    /** Replaces a node with one of the same id (a new label or style). */
    public void replace(FigureNode n) {
        if (!nodes.containsKey(n.id())) {
            throw new IllegalArgumentException("no node " + n.id() + " to replace");
        }
        nodes.put(n.id(), n);
    }

    /** Whether a group with this id exists. */
    public boolean hasGroup(String id) {
        return groups.containsKey(id);
    }

    /** Adds an arrow between existing nodes. */
    public FigureEdge connect(FigureEdge e) {
        if (!nodes.containsKey(e.from()) || !nodes.containsKey(e.to())) {
            throw new IllegalArgumentException("edge " + e.from() + " -> " + e.to() + " names an unknown node");
        }
        edges.add(e);
        return e;
    }

    /** Adds a group whose children are existing nodes or groups. */
    public FigureGroup group(FigureGroup g) {
        for (String c : g.children()) {
            if (!nodes.containsKey(c) && !groups.containsKey(c)) {
                throw new IllegalArgumentException("group " + g.id() + " names an unknown child " + c);
            }
        }
        if (groups.putIfAbsent(g.id(), g) != null) {
            throw new IllegalArgumentException("duplicate group id " + g.id());
        }
        return g;
    }

    public FigureNode node(String id) {
        return nodes.get(id);
    }

    public List<FigureNode> nodes() {
        return Collections.unmodifiableList(new ArrayList<>(nodes.values()));
    }

    public List<FigureEdge> edges() {
        return Collections.unmodifiableList(edges);
    }

    public List<FigureGroup> groups() {
        return Collections.unmodifiableList(new ArrayList<>(groups.values()));
    }

    /** The ids of nodes and groups that are in no group (the top level). */
    public List<String> topLevel() {
        java.util.Set<String> inside = new java.util.HashSet<>();
        groups.values().forEach(g -> inside.addAll(g.children()));
        List<String> out = new ArrayList<>();
        nodes.keySet().forEach(id -> {
            if (!inside.contains(id)) {
                out.add(id);
            }
        });
        groups.keySet().forEach(id -> {
            if (!inside.contains(id)) {
                out.add(id);
            }
        });
        return out;
    }
}
