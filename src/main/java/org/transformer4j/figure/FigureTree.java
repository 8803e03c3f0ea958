package org.transformer4j.figure;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The nesting of a figure's groups, checked once for the layout and the writers: every child id names
 * exactly one node or group, nothing has two parents, and groups do not contain themselves.
 */
final class FigureTree {
    private final Figure figure;
    private final Map<String, FigureGroup> groups = new LinkedHashMap<>();
    /** Parent group id of each node that is in a group. */
    private final Map<String, String> nodeParent = new HashMap<>();
    /** Parent group id of each group that is in a group. */
    private final Map<String, String> groupParent = new HashMap<>();

    private FigureTree(Figure figure) {
        this.figure = figure;
        figure.groups().forEach(g -> groups.put(g.id(), g));
        for (FigureGroup g : figure.groups()) {
            for (String c : g.children()) {
                boolean isNode = figure.node(c) != null;
                boolean isGroup = groups.containsKey(c);
                if (isNode && isGroup) {
                    throw new IllegalArgumentException("group " + g.id() + " has child " + c
                            + ", which is both a node id and a group id");
                }
                Map<String, String> parents = isNode ? nodeParent : groupParent;
                String old = parents.putIfAbsent(c, g.id());
                if (old != null) {
                    throw new IllegalArgumentException((isNode ? "node " : "group ") + c + " is in two groups: "
                            + old + " and " + g.id());
                }
            }
        }
        for (String id : groups.keySet()) {
            String p = groupParent.get(id);
            for (int steps = 0; p != null; steps++) {
                if (p.equals(id) || steps > groups.size()) {
                    throw new IllegalArgumentException("group " + id + " contains itself");
                }
                p = groupParent.get(p);
            }
        }
    }

    /** Checks the nesting of {@code figure}; throws IllegalArgumentException naming the offending ids. */
    static FigureTree of(Figure figure) {
        return new FigureTree(figure);
    }

    Figure figure() {
        return figure;
    }

    FigureGroup group(String id) {
        return groups.get(id);
    }

    boolean isGroup(String id) {
        return figure.node(id) == null && groups.containsKey(id);
    }

    /** The group directly around node or group {@code id}, or null at the top level. */
    String parent(String id) {
        return figure.node(id) != null ? nodeParent.get(id) : groupParent.get(id);
    }

    /** How many groups are around {@code id}. */
    int depth(String id) {
        int d = 0;
        for (String p = parent(id); p != null; p = groupParent.get(p)) {
            d++;
        }
        return d;
    }

    /** The groups around {@code id}, outermost first. */
    List<String> ancestors(String id) {
        List<String> out = new ArrayList<>();
        for (String p = parent(id); p != null; p = groupParent.get(p)) {
            out.addFirst(p);
        }
        return out;
    }
}
