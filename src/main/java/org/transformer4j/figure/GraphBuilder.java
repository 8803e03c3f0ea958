package org.transformer4j.figure;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.transformer4j.autograd.Variable;
import org.transformer4j.nn.Module;

/**
 * Turns a {@link Trace} into a {@link Figure} at the ops or blocks level. Every op becomes a node
 * unless it sits inside a collapsed module, which then is one node; modules that stay open become
 * nested groups. View ops that only re-index memory (reshape, transpose, ...) are folded into their
 * neighbours unless the code named them (head split, Q, K, V).
 */
final class GraphBuilder {
    private static final Set<String> VIEW_OPS = Set.of("reshape", "transpose", "permute", "unsqueeze", "squeeze",
            "expand", "contiguous", "narrow", "select");

    private static final String HIDDEN = "";  // source of values derived only from hidden parameters

    private final Trace trace;
    private final Predicate<String> collapsed;   // module path -> drawn as one node
    private final boolean showParameters;
    private final Figure figure;
    private final Map<Variable, String> source = new IdentityHashMap<>();  // value -> node id that yields it
    private final Map<Variable, String> transferredNames = new IdentityHashMap<>();
    private final Map<String, Set<String>> members = new LinkedHashMap<>(); // group path -> child ids
    private int constants;

    private GraphBuilder(Trace trace, Figure.Level level, String title, Predicate<String> collapsed, boolean showParameters) {
        this.trace = trace;
        this.collapsed = collapsed;
        this.showParameters = showParameters;
        this.figure = new Figure(title, level);
    }

    /** A figure where the modules that satisfy collapsed are one node each. */
    static Figure collapsedAt(Trace t, Figure.Level level, String title, Predicate<String> collapsed,
                              boolean showParameters) {
        return new GraphBuilder(t, level, title, collapsed, showParameters).build();
    }

    /** Every op a node, except inside the given collapsed paths. */
    static Figure ops(Trace t, String title, Set<String> collapse, boolean showParameters) {
        return new GraphBuilder(t, Figure.Level.OPS, title, p -> matches(collapse, p), showParameters).build();
    }

    /**
     * Modules as boxes: attention, linear, embedding, norm and dropout modules (and modules without
     * children) are one node each unless expanded; other modules are groups.
     */
    static Figure blocks(Trace t, String title, Set<String> expand, Set<String> collapse, boolean showParameters) {
        Predicate<String> leaf = p -> {
            if (matches(collapse, p)) {
                return true;
            }
            if (expand.contains(p)) {
                return false;
            }
            Module m = t.module(p);
            return m != null && isLeafBlock(m);
        };
        return new GraphBuilder(t, Figure.Level.BLOCKS, title, leaf, showParameters).build();
    }

    static boolean isLeafBlock(Module m) {
        String c = m.getClass().getSimpleName();
        return m.pathChildren().isEmpty() || c.endsWith("Attention") || c.equals("Linear") || c.equals("Embedding")
                || c.equals("LayerNorm") || c.equals("RMSNorm") || c.equals("Dropout");
    }

    private static boolean matches(Set<String> paths, String p) {
        return paths.contains(p);
    }

    /** The outermost collapsed module on the way down to path, or null. */
    private String collapsedAncestor(String path) {
        if (path.isEmpty()) {
            return null;
        }
        String[] parts = path.split("\\.");
        StringBuilder sb = new StringBuilder();
        for (String part : parts) {
            sb.append(sb.isEmpty() ? "" : ".").append(part);
            if (collapsed.test(sb.toString())) {
                return sb.toString();
            }
        }
        return null;
    }

    private Figure build() {
        Map<Variable, Integer> consumers = trace.consumerCounts();
        for (Trace.Op op : trace.ops()) {
            String module = collapsedAncestor(op.path());
            if (module != null) {
                addModuleNode(module);
                if (op.op().equals("embedding")) {
                    addIdsInput(module, module);
                }
                for (Variable in : op.inputs()) {
                    if (!insideModule(in, module)) {
                        edge(in, module);
                    }
                }
                source.put(op.output(), module);
                continue;
            }
            if (VIEW_OPS.contains(op.op()) && foldable(op, consumers)) {
                continue;
            }
            String label = op.name() != null ? op.name() : transferredNames.getOrDefault(op.output(), pretty(op.op()));
            figure.add(new FigureNode(op.id(), op.op(), label, op.path(), op.output().shape(), Styles.forOp(op.op(), label)));
            member(op.path(), op.id());
            if (op.op().equals("embedding")) {
                addIdsInput(op.path(), op.id());
            }
            for (Variable in : op.inputs()) {
                edge(in, op.id());
            }
            source.put(op.output(), op.id());
        }
        String out = "output";
        figure.add(new FigureNode(out, "output", "output", "", trace.result().shape(), "io"));
        String last = source.get(trace.result());
        figure.connect(new FigureEdge(last, out, trace.result().shape(), null));
        PathGroups.add(figure, trace, members);
        return figure;
    }

    /** The token ids an embedding reads are not a value in the graph; they get an input node of their own. */
    private void addIdsInput(String path, String target) {
        String ids = "input:" + path;
        if (figure.node(ids) == null) {
            figure.add(new FigureNode(ids, "input", "token ids", path, null, "io"));
            figure.connect(new FigureEdge(ids, target, null, null));
        }
    }

    /**
     * A view op is folded into its producer when it has a single data input; a name it carries moves to
     * the producer when that is an unnamed op whose only consumer is this view.
     */
    private boolean foldable(Trace.Op op, Map<Variable, Integer> consumers) {
        Variable in = op.inputs().get(0);
        Trace.Op producer = trace.producer(in);
        if (op.name() != null) {
            boolean producerOpen = producer != null && collapsedAncestor(producer.path()) == null
                    && !VIEW_OPS.contains(producer.op());
            if (producer == null || !producerOpen || producer.name() != null || transferredNames.containsKey(in)
                    || consumers.getOrDefault(in, 0) != 1) {
                return false;
            }
            transferredNames.put(in, op.name());
            relabel(source.get(in), op.name());
        }
        String from = source.containsKey(in) ? source.get(in) : valueNode(in);
        source.put(op.output(), from == null ? HIDDEN : from);
        return true;
    }

    private void relabel(String nodeId, String label) {
        FigureNode n = figure.node(nodeId);
        if (n != null) {
            figure.replace(new FigureNode(n.id(), n.kind(), label, n.path(), n.shape(), Styles.forOp(n.kind(), label)));
        }
    }

    private boolean insideModule(Variable v, String module) {
        Trace.Op p = trace.producer(v);
        return p != null && (p.path().equals(module) || p.path().startsWith(module + "."));
    }

    private void addModuleNode(String path) {
        if (figure.node(path) != null) {
            return;
        }
        Module m = trace.module(path);
        String cls = m == null ? "Module" : m.getClass().getSimpleName();
        String local = path.substring(path.lastIndexOf('.') + 1);
        figure.add(new FigureNode(path, cls, cls + "\n" + local, path, null, Styles.forModule(cls)));
        String parent = path.contains(".") ? path.substring(0, path.lastIndexOf('.')) : "";
        member(parent, path);
    }

    /** An arrow from whatever yields v to the node target (parameters and constants get their own nodes). */
    private void edge(Variable v, String target) {
        String from = source.get(v);
        if (HIDDEN.equals(from)) {
            return;
        }
        if (from == null) {
            from = valueNode(v);
            if (from == null) {
                source.put(v, HIDDEN);
                return;
            }
        }
        if (from.equals(target)) {
            return;
        }
        String label = v.name() != null && v.name().length() <= 2 ? v.name() : null; // Q, K, V
        figure.connect(new FigureEdge(from, target, v.shape(), label));
    }

    /** A node for a parameter or constant leaf, created once; null for hidden parameters. */
    private String valueNode(Variable v) {
        String existing = source.get(v);
        if (existing != null) {
            return existing;
        }
        String param = trace.parameterName(v);
        if (param != null) {
            if (!showParameters) {
                return null;
            }
            String id = "param:" + param;
            String path = param.contains(".") ? param.substring(0, param.lastIndexOf('.')) : "";
            figure.add(new FigureNode(id, "parameter", param.substring(param.lastIndexOf('.') + 1), path, v.shape(),
                    "parameter"));
            String owner = collapsedAncestor(path);
            member(owner != null ? PathGroups.parentOf(owner) : path, id);
            source.put(v, id);
            return id;
        }
        if (v.name() == null && v.value().size() == 1) {
            return null; // a scalar operand (x * c) belongs to its op, not a box of its own
        }
        String id = "const:" + (constants++);
        figure.add(new FigureNode(id, "constant", v.name() != null ? v.name() : "constant", "", v.shape(), "io"));
        source.put(v, id);
        return id;
    }


    private void member(String path, String id) {
        members.computeIfAbsent(path, k -> new LinkedHashSet<>()).add(id);
    }

    static String pretty(String op) {
        return op.replace('_', ' ').toLowerCase(Locale.ROOT);
    }
}
