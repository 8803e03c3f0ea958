package org.transformer4j.figure;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** What the DOT, GraphML and JSON readers share. */
final class FigureReading {
    private FigureReading() {
    }

    /** The level named {@code s}, in any case. */
    static Figure.Level level(String s) {
        try {
            return Figure.Level.valueOf(s.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown figure level '" + s + "'; use paper, blocks, ops or neurons");
        }
    }

    /**
     * Adds groups in the given order, except that a group waits until the groups it contains have
     * been added (so files listing outer groups first still read).
     */
    static void addGroups(Figure f, List<FigureGroup> groups) {
        Set<String> known = new HashSet<>();
        f.groups().forEach(g -> known.add(g.id()));
        Set<String> pendingIds = new HashSet<>();
        groups.forEach(g -> pendingIds.add(g.id()));
        List<FigureGroup> pending = new ArrayList<>(groups);
        while (!pending.isEmpty()) {
            boolean progress = false;
            for (int k = 0; k < pending.size(); k++) {
                FigureGroup g = pending.get(k);
                boolean ready = g.children().stream()
                        .allMatch(c -> f.node(c) != null || known.contains(c) || !pendingIds.contains(c));
                if (ready) {
                    f.group(g);
                    known.add(g.id());
                    pendingIds.remove(g.id());
                    pending.remove(k);
                    progress = true;
                    break;
                }
            }
            if (!progress) {
                throw new IllegalArgumentException("groups contain each other in a cycle: "
                        + pending.stream().map(FigureGroup::id).toList());
            }
        }
    }

    /** Parses "2,5,16" (the DOT and GraphML spelling of a shape); "" is a scalar's empty shape. */
    static int[] shape(String s) {
        if (s == null) {
            return null;
        }
        String t = s.strip();
        if (t.isEmpty()) {
            return new int[0];
        }
        String[] parts = t.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad tensor shape '" + s + "'");
            }
        }
        return out;
    }

    /** The DOT and GraphML spelling of a shape: "2,5,16", "" for a scalar, null for none. */
    static String shapeString(int[] shape) {
        if (shape == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ",").append(shape[i]);
        }
        return sb.toString();
    }
}
