package org.transformer4j.figure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The stable JSON form of a {@link Figure}, for the web workbench and other tools:
 *
 * <pre>{@code
 * {"title": "...", "level": "ops",
 *  "nodes": [{"id", "kind", "label", "path", "shape": [2, 5, 16] or null, "style"}],
 *  "edges": [{"from", "to", "shape", "label"}],
 *  "groups": [{"id", "label", "path", "repeat", "children": ["id", ...]}]}
 * }</pre>
 *
 * Arrays keep the figure's order, groups after their children. {@link #read} takes back what
 * {@link #write} gives, exactly.
 */
public final class FigureJson {
    private FigureJson() {
    }

    /** The JSON text of a figure: one node, edge or group per line. */
    public static String write(Figure f) {
        StringBuilder sb = new StringBuilder(1024);
        sb.append("{\n  \"title\": ").append(str(f.title()));
        sb.append(",\n  \"level\": ").append(f.level() == null ? "null" : str(f.level().name().toLowerCase(Locale.ROOT)));
        sb.append(",\n  \"nodes\": [");
        List<FigureNode> nodes = f.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            FigureNode n = nodes.get(i);
            sb.append(i == 0 ? "\n    " : ",\n    ").append("{\"id\": ").append(str(n.id()))
                    .append(", \"kind\": ").append(str(n.kind())).append(", \"label\": ").append(str(n.label()))
                    .append(", \"path\": ").append(str(n.path())).append(", \"shape\": ").append(shape(n.shape()))
                    .append(", \"style\": ").append(str(n.style())).append('}');
        }
        sb.append(nodes.isEmpty() ? "]" : "\n  ]").append(",\n  \"edges\": [");
        List<FigureEdge> edges = f.edges();
        for (int i = 0; i < edges.size(); i++) {
            FigureEdge e = edges.get(i);
            sb.append(i == 0 ? "\n    " : ",\n    ").append("{\"from\": ").append(str(e.from()))
                    .append(", \"to\": ").append(str(e.to())).append(", \"shape\": ").append(shape(e.shape()))
                    .append(", \"label\": ").append(str(e.label())).append('}');
        }
        sb.append(edges.isEmpty() ? "]" : "\n  ]").append(",\n  \"groups\": [");
        List<FigureGroup> groups = f.groups();
        for (int i = 0; i < groups.size(); i++) {
            FigureGroup g = groups.get(i);
            sb.append(i == 0 ? "\n    " : ",\n    ").append("{\"id\": ").append(str(g.id()))
                    .append(", \"label\": ").append(str(g.label())).append(", \"path\": ").append(str(g.path()))
                    .append(", \"repeat\": ").append(g.repeat()).append(", \"children\": [");
            for (int c = 0; c < g.children().size(); c++) {
                sb.append(c == 0 ? "" : ", ").append(str(g.children().get(c)));
            }
            sb.append("]}");
        }
        sb.append(groups.isEmpty() ? "]" : "\n  ]").append("\n}\n");
        return sb.toString();
    }

    /**
     * Reads a figure from its JSON form. Unknown fields are ignored; groups may come in any order.
     *
     * @throws IllegalArgumentException on malformed JSON or a figure that does not hold together
     */
    public static Figure read(String json) {
        Object top = new Parser(json).document();
        Map<String, Object> m = object(top, "the document");
        String level = string(m.get("level"), "level");
        Figure f = new Figure(string(m.get("title"), "title"), level == null ? null : FigureReading.level(level));
        for (Object o : list(m.get("nodes"), "nodes")) {
            Map<String, Object> n = object(o, "a node");
            f.add(new FigureNode(required(n, "id", "node"), string(n.get("kind"), "kind"), string(n.get("label"), "label"),
                    string(n.get("path"), "path"), ints(n.get("shape")), string(n.get("style"), "style")));
        }
        for (Object o : list(m.get("edges"), "edges")) {
            Map<String, Object> e = object(o, "an edge");
            f.connect(new FigureEdge(required(e, "from", "edge"), required(e, "to", "edge"), ints(e.get("shape")),
                    string(e.get("label"), "label")));
        }
        List<FigureGroup> groups = new ArrayList<>();
        for (Object o : list(m.get("groups"), "groups")) {
            Map<String, Object> g = object(o, "a group");
            List<String> children = new ArrayList<>();
            for (Object c : list(g.get("children"), "children")) {
                children.add(string(c, "a child id"));
            }
            Object repeat = g.get("repeat");
            groups.add(new FigureGroup(required(g, "id", "group"), string(g.get("label"), "label"),
                    string(g.get("path"), "path"), repeat == null ? 1 : integer(repeat, "repeat"), children));
        }
        FigureReading.addGroups(f, groups);
        return f;
    }

    // ---- writing ----

    /** A JSON string literal; null gives null. Lone surrogates are escaped, so nothing is lost. */
    static String str(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    boolean pair = Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1));
                    if (pair) {
                        sb.append(c).append(s.charAt(++i));
                    } else if (c < 0x20 || c == 0x2028 || c == 0x2029 || Character.isSurrogate(c)) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private static String shape(int[] shape) {
        if (shape == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return sb.append(']').toString();
    }

    // ---- reading: checked accessors ----

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object o, String what) {
        if (o instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new IllegalArgumentException(what + " must be a JSON object, got " + o);
    }

    private static List<?> list(Object o, String what) {
        if (o == null) {
            return List.of();
        }
        if (o instanceof List<?> l) {
            return l;
        }
        throw new IllegalArgumentException(what + " must be a JSON array, got " + o);
    }

    private static String string(Object o, String what) {
        if (o == null || o instanceof String) {
            return (String) o;
        }
        throw new IllegalArgumentException(what + " must be a string or null, got " + o);
    }

    private static String required(Map<String, Object> m, String key, String what) {
        String s = string(m.get(key), key);
        if (s == null) {
            throw new IllegalArgumentException("a " + what + " has no \"" + key + "\": " + m);
        }
        return s;
    }

    private static int integer(Object o, String what) {
        if (o instanceof Long l && l == l.intValue()) {
            return l.intValue();
        }
        throw new IllegalArgumentException(what + " must be an integer, got " + o);
    }

    private static int[] ints(Object o) {
        if (o == null) {
            return null;
        }
        List<?> l = list(o, "shape");
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = integer(l.get(i), "a shape entry");
        }
        return out;
    }

    /** A small JSON parser: objects (in order), arrays, strings, integers as Long, other numbers as Double. */
    private static final class Parser {
        private final String s;
        private int i;

        Parser(String s) {
            this.s = s;
        }

        Object document() {
            Object v = value();
            skip();
            if (i != s.length()) {
                throw error("trailing text");
            }
            return v;
        }

        private Object value() {
            skip();
            if (i >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(i);
            return switch (c) {
                case '{' -> object();
                case '[' -> array();
                case '"' -> string();
                case 't' -> word("true", Boolean.TRUE);
                case 'f' -> word("false", Boolean.FALSE);
                case 'n' -> word("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        yield number();
                    }
                    throw error("unexpected '" + c + "'");
                }
            };
        }

        private Map<String, Object> object() {
            Map<String, Object> m = new LinkedHashMap<>();
            i++;
            skip();
            if (peek() == '}') {
                i++;
                return m;
            }
            while (true) {
                skip();
                if (peek() != '"') {
                    throw error("expected a string key");
                }
                String k = string();
                skip();
                expect(':');
                m.put(k, value());
                skip();
                if (peek() == ',') {
                    i++;
                } else {
                    expect('}');
                    return m;
                }
            }
        }

        private List<Object> array() {
            List<Object> l = new ArrayList<>();
            i++;
            skip();
            if (peek() == ']') {
                i++;
                return l;
            }
            while (true) {
                l.add(value());
                skip();
                if (peek() == ',') {
                    i++;
                } else {
                    expect(']');
                    return l;
                }
            }
        }

        private String string() {
            i++;
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (i >= s.length()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(i++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c < 0x20) {
                    throw error("control character in string");
                }
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                if (i >= s.length()) {
                    throw error("unterminated escape");
                }
                char e = s.charAt(i++);
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'u' -> {
                        if (i + 4 > s.length()) {
                            throw error("short \\u escape");
                        }
                        try {
                            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("bad \\u escape");
                        }
                        i += 4;
                    }
                    default -> throw error("bad escape \\" + e);
                }
            }
        }

        private Object number() {
            int start = i;
            if (peek() == '-') {
                i++;
            }
            boolean integral = true;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c >= '0' && c <= '9') {
                    i++;
                } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                    integral = false;
                    i++;
                } else {
                    break;
                }
            }
            String t = s.substring(start, i);
            try {
                return integral ? (Object) Long.parseLong(t) : (Object) Double.parseDouble(t);
            } catch (NumberFormatException ex) {
                throw error("bad number " + t);
            }
        }

        private Object word(String w, Object v) {
            if (!s.startsWith(w, i)) {
                throw error("unexpected word");
            }
            i += w.length();
            return v;
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            i++;
        }

        private char peek() {
            return i < s.length() ? s.charAt(i) : '\0';
        }

        private void skip() {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\n' || s.charAt(i) == '\r'
                    || s.charAt(i) == '\t')) {
                i++;
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("bad figure JSON at offset " + i + ": " + what);
        }
    }
}
