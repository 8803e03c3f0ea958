package org.transformer4j.figure;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.transformer4j.autograd.Variable;
import org.transformer4j.nn.Module;
import org.transformer4j.tensor.Tensor;

/**
 * The neurons level: for tiny models, every unit of one position (the last of batch 0) is a node and
 * every weight of every linear map an arrow labelled with its value; attention is drawn per head as
 * key-position and query-position nodes joined by the attention weights of the traced input.
 *
 * <p>All of it follows the trace: each traced value carries, per element, the node it is drawn as (or
 * none). Views and concat move those nodes to where the elements went (axes and offsets are read off
 * shapes and, where shapes are ambiguous, off the values); a matmul whose right operand is a parameter
 * is a linear map (in units, out units, weights); arithmetic with constants (bias, scale, dropout) keeps
 * the units; other elementwise ops and norms get units of their own, joined 1:1; the value named
 * "attention weights" becomes the head nodes; anything else that mixes elements is one node.
 */
final class NeuronView {
    /** The widest residual stream drawn. */
    static final int MAX_D_MODEL = 16;

    private static final Set<String> GATHERS = Set.of("reshape", "contiguous", "squeeze", "unsqueeze", "expand",
            "transpose", "permute", "narrow", "select", "concat");
    private static final Set<String> WEIGHT_VIEWS = Set.of("transpose", "narrow", "reshape", "contiguous", "permute");
    private static final Set<String> KEEP_UNITS = Set.of("add", "sub", "mul", "div", "dropout");
    private static final String ATTENTION_WEIGHTS = "attention weights";

    /** The head nodes of one attention call: prefix:head{h}:key{t} and prefix:head{h}:query{t}. */
    private record Heads(String prefix, int heads, int tq, int tk, Set<String> fedQueries) {
        String key(int h, int t) {
            return prefix + ":head" + h + ":key" + t;
        }

        String query(int h, int t) {
            return prefix + ":head" + h + ":query" + t;
        }
    }

    private final Trace trace;
    private final Figure figure;
    private final Map<Variable, String[]> units = new IdentityHashMap<>();  // value -> node per element, row-major
    private final Map<Variable, Heads> attention = new IdentityHashMap<>();
    private final Map<Trace.Op, Trace.Op> scoresOf = new IdentityHashMap<>(); // softmax -> its QKᵀ matmul
    private final Set<String> links = new HashSet<>();
    private final Map<String, Set<String>> members = new LinkedHashMap<>();

    private NeuronView(Trace trace, String title) {
        this.trace = trace;
        this.figure = new Figure(title, Figure.Level.NEURONS);
    }

    /** The neurons figure of a trace; the model's residual stream must be at most 16 wide. */
    static Figure build(Trace trace, String title) {
        int width = residualWidth(trace);
        if (width > MAX_D_MODEL) {
            throw new IllegalArgumentException("neurons level needs d_model <= " + MAX_D_MODEL + ", got " + width);
        }
        return new NeuronView(trace, title).run();
    }

    /** The width of the residual stream: embeddings and residual adds, else the first linear's input. */
    private static int residualWidth(Trace trace) {
        int width = 0;
        for (Trace.Op op : trace.ops()) {
            if (op.op().equals("embedding") || "residual add".equals(op.name())) {
                width = Math.max(width, lastDim(op.output().shape()));
            }
        }
        if (width == 0) {
            for (Trace.Op op : trace.ops()) {
                if (isLinear(trace, op)) {
                    return op.inputs().get(1).dim(0);
                }
            }
        }
        return width;
    }

    private Figure run() {
        for (Trace.Op op : trace.ops()) {
            if (ATTENTION_WEIGHTS.equals(op.name()) && op.output().rank() == 4) {
                Trace.Op scores = scoresMatmul(op);
                if (scores != null) {
                    scoresOf.put(op, scores);
                }
            }
        }
        for (Trace.Op op : trace.ops()) {
            Variable first = op.inputs().isEmpty() ? null : op.inputs().get(0);
            if (scoresOf.containsValue(op)) {
                continue;                                              // drawn with its attention weights
            } else if (isLinear(trace, op)) {
                linear(op);
            } else if (scoresOf.containsKey(op)) {
                heads(op, scoresOf.get(op));
            } else if (op.op().equals("matmul") && attention.containsKey(first)) {
                weightedSum(op, attention.get(first));
            } else if (KEEP_UNITS.contains(op.op()) && attention.containsKey(first)) {
                attention.put(op.output(), attention.get(first));   // dropout on the weights in training
            } else if (op.op().equals("embedding")) {
                source(op);
            } else if (op.inputs().stream().noneMatch(units::containsKey)) {
                continue;
            } else if (GATHERS.contains(op.op())) {
                gather(op);
            } else if (KEEP_UNITS.contains(op.op()) && op.inputs().stream().filter(units::containsKey).count() == 1) {
                keepUnits(op);
            } else {
                elementwise(op);
            }
        }
        PathGroups.add(figure, trace, members);
        return figure;
    }

    /** A matmul by a 2-D parameter (or a view of one, e.g. a slice of in_proj_weight transposed). */
    private static boolean isLinear(Trace trace, Trace.Op op) {
        if (!op.op().equals("matmul") || op.inputs().get(1).rank() != 2) {
            return false;
        }
        Variable w = op.inputs().get(1);
        for (int hops = 0; hops < 8; hops++) {
            if (trace.parameterName(w) != null) {
                return true;
            }
            Trace.Op p = trace.producer(w);
            if (p == null || !WEIGHT_VIEWS.contains(p.op())) {
                return false;
            }
            w = p.inputs().get(0);
        }
        return false;
    }

    /** The QKᵀ matmul behind the attention weights: up through mask fills and bias adds. */
    private Trace.Op scoresMatmul(Trace.Op softmax) {
        Trace.Op p = trace.producer(softmax.inputs().get(0));
        for (int hops = 0; p != null && hops < 6; hops++) {
            if (p.op().equals("matmul") && p.output().rank() == 4 && p.inputs().get(0).rank() == 4) {
                return p;
            }
            p = trace.producer(p.inputs().get(0));
        }
        return null;
    }

    /** x W^T: in units (fed 1:1 by whatever x's elements are drawn as), out units, every weight an arrow. */
    private void linear(Trace.Op op) {
        Variable x = op.inputs().get(0);
        Tensor w = op.inputs().get(1).value();       // (in, out), the weight transposed
        int in = w.dim(0);
        int out = w.dim(1);
        int rows = x.value().size() / in;
        String[] xu = units.get(x);
        List<Integer> drawn = rowsWithUnits(xu, in);
        if (drawn.isEmpty()) {
            drawn.add(defaultRow(x.shape()));
        }
        float[] wv = w.toArray();
        String[] yu = new String[rows * out];
        for (int r : drawn) {
            String suffix = drawn.size() > 1 ? "@" + r : "";
            String[] ins = new String[in];
            for (int j = 0; j < in; j++) {
                ins[j] = node(op.id() + ":in:" + j + suffix, "unit", String.valueOf(j), op.path(), "linear");
                if (xu != null && xu[r * in + j] != null) {
                    link(xu[r * in + j], ins[j]);
                }
            }
            for (int i = 0; i < out; i++) {
                yu[r * out + i] = node(op.id() + ":out:" + i + suffix, "unit", String.valueOf(i), op.path(), "linear");
            }
            for (int j = 0; j < in; j++) {
                for (int i = 0; i < out; i++) {
                    figure.connect(new FigureEdge(ins[j], yu[r * out + i], null, round(wv[j * out + i])));
                }
            }
        }
        units.put(op.output(), yu);
    }

    /** Head nodes for every position, fed by the drawn Q and K units, joined by the nonzero weights (batch 0). */
    private void heads(Trace.Op softmax, Trace.Op scores) {
        int[] s = softmax.output().shape();                  // (B, h, Tq, Tk)
        String prefix = figure.node(softmax.path() + ":head0:key0") == null ? softmax.path() : softmax.id();
        Heads hs = new Heads(prefix, s[1], s[2], s[3], new HashSet<>());
        for (int h = 0; h < hs.heads(); h++) {
            for (int t = 0; t < hs.tk(); t++) {
                node(hs.key(h, t), "head", "h" + h + " key " + t, softmax.path(), "attention");
            }
            for (int t = 0; t < hs.tq(); t++) {
                node(hs.query(h, t), "head", "h" + h + " query " + t, softmax.path(), "attention");
            }
        }
        String[] qu = units.get(scores.inputs().get(0));     // (B, h, Tq, hd)
        if (qu != null) {
            int hd = scores.inputs().get(0).dim(3);
            forHeadElements(hs.heads(), hs.tq(), hd, (h, t, i) -> {
                if (qu[i] != null) {
                    link(qu[i], hs.query(h, t), "Q");
                    hs.fedQueries().add(hs.query(h, t));
                }
            });
        }
        String[] ku = units.get(scores.inputs().get(1));     // (B, h, hd, Tk)
        if (ku != null) {
            int hd = scores.inputs().get(1).dim(2);
            for (int h = 0; h < hs.heads(); h++) {
                for (int d = 0; d < hd; d++) {
                    for (int t = 0; t < hs.tk(); t++) {
                        String u = ku[(h * hd + d) * hs.tk() + t];
                        if (u != null) {
                            link(u, hs.key(h, t), "K");
                        }
                    }
                }
            }
        }
        Tensor weights = softmax.output().value();
        for (int h = 0; h < hs.heads(); h++) {
            for (int t = 0; t < hs.tq(); t++) {
                for (int k = 0; k < hs.tk(); k++) {
                    float a = weights.get(0, h, t, k);
                    if (a != 0f) {
                        figure.connect(new FigureEdge(hs.key(h, k), hs.query(h, t), null, round(a)));
                    }
                }
            }
        }
        attention.put(softmax.output(), hs);
    }

    /** weights @ V: drawn V units feed their key node; the result at a drawn query position is that query node. */
    private void weightedSum(Trace.Op op, Heads hs) {
        Variable v = op.inputs().get(1);                     // (B, h, Tk, hd)
        String[] vu = units.get(v);
        if (vu != null) {
            forHeadElements(hs.heads(), hs.tk(), v.dim(3), (h, t, i) -> {
                if (vu[i] != null) {
                    link(vu[i], hs.key(h, t), "V");
                }
            });
        }
        int hd = op.output().dim(3);                         // (B, h, Tq, hd)
        String[] yu = new String[op.output().value().size()];
        forHeadElements(hs.heads(), hs.tq(), hd, (h, t, i) -> {
            boolean drawn = hs.fedQueries().isEmpty() ? t == hs.tq() - 1 : hs.fedQueries().contains(hs.query(h, t));
            yu[i] = drawn ? hs.query(h, t) : null;
        });
        units.put(op.output(), yu);
    }

    private interface HeadElement {
        void at(int head, int position, int flatIndex);
    }

    /** The elements of batch 0 of a (B, h, T, hd) value. */
    private static void forHeadElements(int heads, int positions, int hd, HeadElement f) {
        for (int h = 0; h < heads; h++) {
            for (int t = 0; t < positions; t++) {
                for (int d = 0; d < hd; d++) {
                    f.at(h, t, (h * positions + t) * hd + d);
                }
            }
        }
    }

    /** An embedding lookup: the units of the last position of batch 0 start the drawing. */
    private void source(Trace.Op op) {
        int[] shape = op.output().shape();
        int width = lastDim(shape);
        int row = defaultRow(shape);
        String[] yu = new String[op.output().value().size()];
        for (int j = 0; j < width; j++) {
            yu[row * width + j] = node(op.id() + ":out:" + j, "embedding", String.valueOf(j), op.path(), "embedding");
        }
        units.put(op.output(), yu);
    }

    /** Views and concat: each output element is drawn as the input element it was copied from. */
    private void gather(Trace.Op op) {
        Tensor y = op.output().value();
        String[] yu = new String[y.size()];
        if (op.op().equals("concat")) {
            int axis = concatAxis(op);
            int[] ys = y.shape();
            int offset = 0;
            for (Variable part : op.inputs()) {
                String[] pu = units.containsKey(part) ? units.get(part) : constantUnits(op, part);
                int[] ps = part.shape();
                for (int i = 0; pu != null && i < pu.length; i++) {
                    int[] idx = unravel(i, ps);
                    idx[axis] += offset;
                    yu[ravel(idx, ys)] = pu[i];
                }
                offset += ps[axis];
            }
        } else {
            Variable x = op.inputs().get(0);
            int[] map = IndexMaps.of(op.op(), x.value(), y);
            String[] xu = units.get(x);
            for (int i = 0; map != null && i < yu.length; i++) {
                yu[i] = xu[map[i]];
            }
        }
        putIfAny(op.output(), yu);
    }

    /** A constant joined to drawn values (a concatenated positional encoding) is drawn as source units. */
    private String[] constantUnits(Trace.Op op, Variable part) {
        if (trace.producer(part) != null || trace.parameterName(part) != null) {
            return null;
        }
        int k = op.inputs().indexOf(part);
        int width = lastDim(part.shape());
        String[] u = new String[part.value().size()];
        List<Integer> rows = defaultRows(part.shape());
        for (int r : rows) {
            String suffix = rows.size() > 1 ? "@" + r : "";
            for (int j = 0; j < width; j++) {
                u[r * width + j] = node(op.id() + ":part" + k + ":" + j + suffix, "constant", String.valueOf(j), op.path(), "io");
            }
        }
        return u;
    }

    private static int concatAxis(Trace.Op op) {
        int[] ys = op.output().shape();
        for (int a = 0; a < ys.length; a++) {
            int sum = 0;
            for (Variable part : op.inputs()) {
                sum += part.dim(a);
            }
            if (sum == ys[a]) {
                return a;
            }
        }
        throw new IllegalStateException("concat " + op.id() + " has no axis that adds up");
    }

    /** Arithmetic with a constant, a bias or a dropout mask: the elements keep their units. */
    private void keepUnits(Trace.Op op) {
        Variable x = op.inputs().stream().filter(units::containsKey).findFirst().orElseThrow();
        int[] ys = op.output().shape();
        if (!IndexMaps.broadcastsTo(x.shape(), ys)) {
            elementwise(op);
            return;
        }
        String[] xu = units.get(x);
        String[] yu = new String[op.output().value().size()];
        for (int i = 0; i < yu.length; i++) {
            yu[i] = xu[IndexMaps.broadcast(i, ys, x.shape())];
        }
        putIfAny(op.output(), yu);
    }

    /**
     * An op of its own: per output unit a node fed 1:1 (norms, activations, residual adds, softmax); an op
     * that changes the shape (a reduction, a product of two values) is one node fed by all drawn inputs.
     */
    private void elementwise(Trace.Op op) {
        int[] ys = op.output().shape();
        List<Variable> drawn = op.inputs().stream().filter(units::containsKey).toList();
        String style = Styles.forOp(op.op(), op.name());
        if (!drawn.stream().allMatch(x -> IndexMaps.broadcastsTo(x.shape(), ys))) {
            // Which input elements feed which output is not known here: one node per drawn row, fed by all.
            String[] yu = new String[op.output().value().size()];
            int width = lastDim(ys);
            List<Integer> rows = defaultRows(ys);
            String label = op.name() != null ? op.name() : GraphBuilder.pretty(op.op());
            for (int r : rows) {
                String id = node(op.id() + (rows.size() > 1 ? "@" + r : ""), op.op(), label, op.path(), style);
                drawn.forEach(x -> Arrays.stream(units.get(x)).filter(u -> u != null).forEach(u -> link(u, id)));
                Arrays.fill(yu, r * width, r * width + width, id);
            }
            units.put(op.output(), yu);
            return;
        }
        int n = op.output().value().size();
        List<List<String>> feeds = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<String> f = new ArrayList<>();
            for (Variable x : drawn) {
                String u = units.get(x)[IndexMaps.broadcast(i, ys, x.shape())];
                if (u != null) {
                    f.add(u);
                }
            }
            feeds.add(f);
        }
        int width = lastDim(ys);
        Set<Integer> rows = new LinkedHashSet<>();
        for (int i = 0; i < n; i++) {
            if (!feeds.get(i).isEmpty()) {
                rows.add(i / width);
            }
        }
        String[] yu = new String[n];
        for (int i = 0; i < n; i++) {
            if (!feeds.get(i).isEmpty()) {
                String suffix = rows.size() > 1 ? "@" + i / width : "";
                yu[i] = node(op.id() + ":out:" + i % width + suffix, op.op(), String.valueOf(i % width), op.path(), style);
                for (String u : feeds.get(i)) {
                    link(u, yu[i]);
                }
            }
        }
        putIfAny(op.output(), yu);
    }

    private String node(String id, String kind, String label, String path, String style) {
        figure.add(new FigureNode(id, kind, label, path, null, style));
        members.computeIfAbsent(path, k -> new LinkedHashSet<>()).add(id);
        return id;
    }

    /** An unweighted arrow (1:1 between units, or into a head node), drawn once. */
    private void link(String from, String to) {
        link(from, to, null);
    }

    private void link(String from, String to, String label) {
        if (!from.equals(to) && links.add(from + "\u0000" + to)) {
            figure.connect(new FigureEdge(from, to, null, label));
        }
    }

    private void putIfAny(Variable v, String[] u) {
        if (Arrays.stream(u).anyMatch(s -> s != null)) {
            units.put(v, u);
        }
    }

    private static List<Integer> rowsWithUnits(String[] u, int width) {
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; u != null && i < u.length; i++) {
            if (u[i] != null && (rows.isEmpty() || rows.get(rows.size() - 1) != i / width)) {
                rows.add(i / width);
            }
        }
        return rows;
    }

    /** The row (all but the last axis, row-major) of batch 0's last position: (0, ..., 0, T-1). */
    private static int defaultRow(int[] shape) {
        return shape.length >= 2 ? shape[shape.length - 2] - 1 : 0;
    }

    /** The rows of batch 0's last position with every index between: (0, *, ..., T-1), e.g. every head. */
    private static List<Integer> defaultRows(int[] shape) {
        if (shape.length < 4) {
            return new ArrayList<>(List.of(defaultRow(shape)));
        }
        int between = 1;
        for (int a = 1; a < shape.length - 2; a++) {
            between *= shape[a];
        }
        int t = shape[shape.length - 2];
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < between; i++) {
            rows.add(i * t + t - 1);
        }
        return rows;
    }

    private static int lastDim(int[] shape) {
        return shape.length == 0 ? 1 : shape[shape.length - 1];
    }

    /** A weight as its label: two decimals, and no "-0.00". */
    static String round(float w) {
        String s = String.format(Locale.ROOT, "%.2f", w);
        return s.equals("-0.00") ? "0.00" : s;
    }

    static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int a = shape.length - 1; a >= 0; a--) {
            idx[a] = flat % shape[a];
            flat /= shape[a];
        }
        return idx;
    }

    static int ravel(int[] idx, int[] shape) {
        int flat = 0;
        for (int a = 0; a < shape.length; a++) {
            flat = flat * shape[a] + idx[a];
        }
        return flat;
    }


}
