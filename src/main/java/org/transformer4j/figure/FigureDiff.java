package org.transformer4j.figure;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Two figures side by side with their differences highlighted. Nodes are matched by id (module path
 * plus op index, stable across models of the same family): a node only in the left figure is
 * {@code diff-removed}, only in the right {@code diff-added}, and in both with another label or kind
 * {@code diff-changed}. (Arrows are not compared: a changed node changes its neighbours' inputs, and
 * highlighting all of them would hide the change itself.)
 */
public final class FigureDiff {
    private FigureDiff() {
    }

    /** The combined figure; ids are prefixed "a/" (left) and "b/" (right). */
    public static Figure sideBySide(Figure a, String nameA, Figure b, String nameB) {
        Figure out = new Figure(nameA + " vs " + nameB, a.level());
        copy(a, b, "a/", "diff-removed", out);
        copy(b, a, "b/", "diff-added", out);
        out.group(new FigureGroup("group:a", nameA, "", 1, prefixed(a.topLevel(), "a/")));
        out.group(new FigureGroup("group:b", nameB, "", 1, prefixed(b.topLevel(), "b/")));
        return out;
    }

    /** How many nodes of the combined figure carry a diff style. */
    public static int differences(Figure combined) {
        return (int) combined.nodes().stream().filter(n -> n.style().startsWith("diff-")).count();
    }

    private static void copy(Figure f, Figure other, String prefix, String onlyHere, Figure out) {
        for (FigureNode n : f.nodes()) {
            FigureNode m = other.node(n.id());
            String style = n.style();
            if (m == null) {
                style = onlyHere;
            } else if (!m.label().equals(n.label()) || !m.kind().equals(n.kind())) {
                style = "diff-changed";
            }
            out.add(new FigureNode(prefix + n.id(), n.kind(), n.label(), n.path(), n.shape(), style));
        }
        for (FigureEdge e : f.edges()) {
            out.connect(new FigureEdge(prefix + e.from(), prefix + e.to(), e.shape(), e.label()));
        }
        for (FigureGroup g : f.groups()) {
            out.group(new FigureGroup(prefix + g.id(), g.label(), g.path(), g.repeat(), prefixed(g.children(), prefix)));
        }
    }

    private static List<String> prefixed(List<String> ids, String prefix) {
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String id : ids) {
            if (seen.add(id)) {
                out.add(prefix + id);
            }
        }
        return out;
    }
}
