package org.transformer4j.figure;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the DOT that {@link DotWriter} writes back into a {@link Figure}. It understands the DOT
 * subset the writer uses plus a little more: quoted and bare IDs, attribute lists, {@code a = b}
 * statements, nested subgraphs, edge chains, comments. Clusters ({@code subgraph "cluster_ID"}) become
 * groups; other subgraphs only group statements. Edge statements do not make nodes members of a
 * cluster; node statements inside one do.
 */
public final class DotReader {
    private final List<String> tokens = new ArrayList<>();
    /** For each token: true if it was a quoted string (so "->" in quotes is an ID, not an arrow). */
    private final List<Boolean> quoted = new ArrayList<>();
    private int pos;

    private final Map<String, Map<String, String>> nodes = new LinkedHashMap<>();
    private final List<String[]> edges = new ArrayList<>();
    private final List<Map<String, String>> edgeAttrs = new ArrayList<>();
    private final List<Cluster> clusters = new ArrayList<>();
    private final Map<String, String> graphAttrs = new LinkedHashMap<>();

    private static final class Cluster {
        final String id;
        final Map<String, String> attrs = new LinkedHashMap<>();
        final List<String> children = new ArrayList<>();
        final int seen;

        Cluster(String id, int seen) {
            this.id = id;
            this.seen = seen;
        }
    }

    private DotReader(String text) {
        tokenize(text);
    }

    /**
     * Reads a figure from DOT text.
     *
     * @throws IllegalArgumentException on a syntax error (with the token number) or a figure that does not hold together
     */
    public static Figure read(String dot) {
        return new DotReader(dot).parse();
    }

    private Figure parse() {
        if (peekKeyword("strict")) {
            pos++;
        }
        if (!peekKeyword("digraph") && !peekKeyword("graph")) {
            throw error("expected 'digraph'");
        }
        pos++;
        if (!peekIs("{")) {
            pos++; // graph name
        }
        expect("{");
        statements(null);
        expect("}");
        if (pos != tokens.size()) {
            throw error("text after the closing '}'");
        }
        String level = graphAttrs.get("level");
        Figure f = new Figure(graphAttrs.get("label"), level == null ? null : FigureReading.level(level));
        for (Map.Entry<String, Map<String, String>> e : nodes.entrySet()) {
            Map<String, String> a = e.getValue();
            f.add(new FigureNode(e.getKey(), a.get("kind"), a.get("label"), a.get("path"),
                    FigureReading.shape(a.get("tensor_shape")), a.get("figure_style")));
        }
        for (int i = 0; i < edges.size(); i++) {
            Map<String, String> a = edgeAttrs.get(i);
            f.connect(new FigureEdge(edges.get(i)[0], edges.get(i)[1], FigureReading.shape(a.get("tensor_shape")),
                    a.get("label")));
        }
        List<Cluster> ordered = new ArrayList<>(clusters);
        boolean allOrdered = ordered.stream().allMatch(c -> c.attrs.containsKey("order"));
        ordered.sort(allOrdered ? Comparator.comparingInt((Cluster c) -> integer(c.attrs.get("order"), "order"))
                : Comparator.comparingInt((Cluster c) -> c.seen));
        List<FigureGroup> groups = new ArrayList<>();
        for (Cluster c : ordered) {
            String repeat = c.attrs.get("repeat");
            String label = c.attrs.containsKey("figure_label") ? c.attrs.get("figure_label") : c.attrs.get("label");
            groups.add(new FigureGroup(c.id, label, c.attrs.get("path"),
                    repeat == null ? 1 : integer(repeat, "repeat"), c.children));
        }
        FigureReading.addGroups(f, groups);
        return f;
    }

    /** Statements up to the closing '}' of the current (sub)graph; {@code cluster} is the enclosing group or null. */
    private void statements(Cluster cluster) {
        while (pos < tokens.size() && !peekIs("}")) {
            if (peekIs(";")) {
                pos++;
                continue;
            }
            if (peekKeyword("subgraph") || peekIs("{")) {
                subgraph(cluster);
                continue;
            }
            if (peekKeyword("graph") || peekKeyword("node") || peekKeyword("edge")) {
                String which = tokens.get(pos++).toLowerCase(Locale.ROOT);
                Map<String, String> a = attrList();
                if (which.equals("graph")) {
                    (cluster == null ? graphAttrs : cluster.attrs).putAll(a);
                }
                continue;
            }
            String id = id();
            if (peekIs("=")) {
                pos++;
                (cluster == null ? graphAttrs : cluster.attrs).put(id, id());
                continue;
            }
            if (peekArrow()) {
                List<String> chain = new ArrayList<>(List.of(id));
                while (peekArrow()) {
                    pos++;
                    chain.add(id());
                }
                Map<String, String> a = peekIs("[") ? attrList() : Map.of();
                for (int i = 0; i + 1 < chain.size(); i++) {
                    declare(chain.get(i), Map.of());
                    declare(chain.get(i + 1), Map.of());
                    edges.add(new String[] {chain.get(i), chain.get(i + 1)});
                    edgeAttrs.add(a);
                }
                continue;
            }
            declare(id, peekIs("[") ? attrList() : Map.of());
            if (cluster != null && !cluster.children.contains(id)) {
                cluster.children.add(id);
            }
        }
    }

    private void subgraph(Cluster parent) {
        String name = null;
        if (peekKeyword("subgraph")) {
            pos++;
            if (!peekIs("{")) {
                name = id();
            }
        }
        expect("{");
        if (name != null && name.startsWith("cluster")) {
            String id = name.startsWith("cluster_") ? name.substring("cluster_".length()) : name;
            Cluster c = new Cluster(id, clusters.size());
            if (parent != null) {
                parent.children.add(id);
            }
            statements(c);
            clusters.add(c); // after its contents: inner groups come first, as Figure.group needs
        } else {
            statements(parent);
        }
        expect("}");
    }

    private void declare(String id, Map<String, String> attrs) {
        nodes.computeIfAbsent(id, k -> new LinkedHashMap<>()).putAll(attrs);
    }

    private Map<String, String> attrList() {
        Map<String, String> a = new LinkedHashMap<>();
        while (peekIs("[")) {
            pos++;
            while (!peekIs("]")) {
                if (peekIs(",") || peekIs(";")) {
                    pos++;
                    continue;
                }
                String k = id();
                expect("=");
                a.put(k, id());
            }
            pos++;
        }
        return a;
    }

    private String id() {
        if (pos >= tokens.size()) {
            throw error("unexpected end");
        }
        String t = tokens.get(pos);
        if (!quoted.get(pos) && t.length() == 1 && "{}[]=;,".contains(t) || !quoted.get(pos) && t.equals("->")) {
            throw error("expected an ID, got '" + t + "'");
        }
        pos++;
        return t;
    }

    private void expect(String t) {
        if (!peekIs(t)) {
            throw error("expected '" + t + "'");
        }
        pos++;
    }

    private boolean peekIs(String t) {
        return pos < tokens.size() && !quoted.get(pos) && tokens.get(pos).equals(t);
    }

    private boolean peekArrow() {
        return peekIs("->") || peekIs("--");
    }

    private boolean peekKeyword(String k) {
        return pos < tokens.size() && !quoted.get(pos) && tokens.get(pos).equalsIgnoreCase(k);
    }

    private IllegalArgumentException error(String what) {
        String near = pos < tokens.size() ? " near '" + tokens.get(pos) + "'" : " at the end";
        return new IllegalArgumentException("bad DOT at token " + pos + near + ": " + what);
    }

    private static int integer(String s, String what) {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be an integer, got '" + s + "'");
        }
    }

    // ---- tokens ----

    private void tokenize(String s) {
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/'
                    || c == '#' && (i == 0 || s.charAt(i - 1) == '\n')) {
                while (i < n && s.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                int end = s.indexOf("*/", i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("bad DOT: unterminated comment");
                }
                i = end + 2;
            } else if (c == '"') {
                StringBuilder sb = new StringBuilder();
                i++;
                while (true) {
                    if (i >= n) {
                        throw new IllegalArgumentException("bad DOT: unterminated string");
                    }
                    char d = s.charAt(i++);
                    if (d == '"') {
                        break;
                    }
                    if (d == '\\' && i < n) {
                        char e = s.charAt(i++);
                        switch (e) {
                            case '"' -> sb.append('"');
                            case '\\' -> sb.append('\\');
                            case 'n' -> sb.append('\n');
                            case 'r' -> sb.append('\r');
                            case '\n' -> { } // line continuation
                            default -> sb.append('\\').append(e);
                        }
                    } else {
                        sb.append(d);
                    }
                }
                add(sb.toString(), true);
            } else if (c == '-' && i + 1 < n && (s.charAt(i + 1) == '>' || s.charAt(i + 1) == '-')) {
                add(s.substring(i, i + 2), false);
                i += 2;
            } else if ("{}[]=;,".indexOf(c) >= 0) {
                add(String.valueOf(c), false);
                i++;
            } else if (c == '<') {
                throw new IllegalArgumentException("bad DOT: HTML-like labels are not supported");
            } else {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == '.'
                        || s.charAt(i) > 127 || s.charAt(i) == '-' && !(i + 1 < n && (s.charAt(i + 1) == '>'
                        || s.charAt(i + 1) == '-')))) {
                    i++;
                }
                if (i == start) {
                    throw new IllegalArgumentException("bad DOT: unexpected character '" + c + "'");
                }
                add(s.substring(start, i), false);
            }
        }
    }

    private void add(String token, boolean isQuoted) {
        tokens.add(token);
        quoted.add(isQuoted);
    }
}
