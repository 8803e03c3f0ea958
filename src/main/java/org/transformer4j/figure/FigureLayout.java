package org.transformer4j.figure;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import org.eclipse.elk.alg.layered.options.LayeredOptions;
import org.eclipse.elk.alg.layered.options.NodePlacementStrategy;
import org.eclipse.elk.alg.layered.options.OrderingStrategy;
import org.eclipse.elk.core.RecursiveGraphLayoutEngine;
import org.eclipse.elk.core.math.ElkPadding;
import org.eclipse.elk.core.math.KVector;
import org.eclipse.elk.core.options.CoreOptions;
import org.eclipse.elk.core.options.EdgeLabelPlacement;
import org.eclipse.elk.core.options.EdgeRouting;
import org.eclipse.elk.core.options.HierarchyHandling;
import org.eclipse.elk.core.options.PortConstraints;
import org.eclipse.elk.core.options.PortSide;
import org.eclipse.elk.core.options.SizeConstraint;
import org.eclipse.elk.core.util.BasicProgressMonitor;
import org.eclipse.elk.graph.ElkBendPoint;
import org.eclipse.elk.graph.ElkConnectableShape;
import org.eclipse.elk.graph.ElkEdge;
import org.eclipse.elk.graph.ElkEdgeSection;
import org.eclipse.elk.graph.ElkLabel;
import org.eclipse.elk.graph.ElkNode;
import org.eclipse.elk.graph.ElkPort;
import org.eclipse.elk.graph.util.ElkGraphUtil;

import org.transformer4j.figure.Drawing.Anchor;
import org.transformer4j.figure.Drawing.Arrow;
import org.transformer4j.figure.Drawing.Box;
import org.transformer4j.figure.Drawing.Frame;
import org.transformer4j.figure.Drawing.Outline;
import org.transformer4j.figure.Drawing.Point;
import org.transformer4j.figure.Drawing.Text;

/**
 * Lays a {@link Figure} out with the layered algorithm of the Eclipse Layout Kernel: groups become
 * compound nodes and edges may cross their borders. Box sizes come from a fixed table of character
 * widths, so the same figure always gives the same {@link Drawing}, with or without a display.
 *
 * <pre>{@code
 * Drawing d = FigureLayout.layout(figure, FigureLayout.Options.defaults());
 * Files.writeString(Path.of("model.svg"), SvgWriter.write(d));
 * }</pre>
 */
public final class FigureLayout {
    /** Font size of box labels and edge labels, px. */
    public static final double FONT_SIZE = 12;
    /** Font size of tensor shapes on edges, px. */
    public static final double SMALL_FONT_SIZE = 10;
    /** Font size of the figure's title, px. */
    public static final double TITLE_FONT_SIZE = 16;
    /** Font size of the "N×" marker, px. */
    public static final double REPEAT_FONT_SIZE = 15;
    /** Distance between baselines in multi-line labels, px. */
    public static final double LINE_HEIGHT = 15;

    private static final double PAD_X = 14;
    private static final double PAD_Y = 9;
    private static final double CIRCLE = 26;
    private static final double FRAME_PAD = 16;
    private static final double FRAME_TITLE = 8 + LINE_HEIGHT + 8;
    private static final double ROOT_PAD = 20;
    private static final double TITLE_HEIGHT = 36;

    /** Which way the data flows. */
    public enum Direction {
        /** Inputs at the bottom, outputs at the top, as in the paper's Figure 1. */
        UP,
        /** Inputs at the top. */
        DOWN,
        /** Inputs on the left. */
        RIGHT
    }

    /**
     * Layout options.
     *
     * @param direction  which way data flows
     * @param edgeShapes draw tensor shapes on edges
     * @param edgeLabels draw edge labels such as "Q", "K", "V"
     */
    public record Options(Direction direction, boolean edgeShapes, boolean edgeLabels) {
        public Options {
            Objects.requireNonNull(direction, "direction");
        }

        /** Upwards, with shapes and labels. */
        public static Options defaults() {
            return new Options(Direction.UP, true, true);
        }

        public Options withDirection(Direction d) {
            return new Options(d, edgeShapes, edgeLabels);
        }

        public Options withEdgeShapes(boolean on) {
            return new Options(direction, on, edgeLabels);
        }

        public Options withEdgeLabels(boolean on) {
            return new Options(direction, edgeShapes, on);
        }
    }

    private FigureLayout() {
    }

    /** Lays out with {@link Options#defaults()}. */
    public static Drawing layout(Figure figure) {
        return layout(figure, Options.defaults());
    }

    /**
     * Lays out a figure.
     *
     * @throws IllegalArgumentException if a node or group is in two groups, or an id is both a node's and a group's
     */
    public static Drawing layout(Figure figure, Options options) {
        Objects.requireNonNull(figure, "figure");
        Objects.requireNonNull(options, "options");
        FigureTree tree = FigureTree.of(figure);
        try {
            return new Builder(tree, options, true).run();
        } catch (RuntimeException elkBug) {
            // ELK 0.10.0's model-order crossing minimisation can fail on compound graphs
            // (eclipse-elk/elk#968, fixed after 0.10.0 by #1159); without it the layout still works,
            // only ties between siblings are no longer broken by execution order.
            return new Builder(tree, options, false).run();
        }
    }

    /** The text shown for an edge's tensor shape, e.g. "(2, 5, 16)"; null for no shape. */
    public static String shapeText(int[] shape) {
        if (shape == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return sb.append(shape.length == 1 ? ",)" : ")").toString();
    }

    /** How a node is drawn, from its style and label. */
    static Outline outline(FigureNode n) {
        if ("io".equals(n.style())) {
            return Outline.PLAIN;
        }
        String label = n.label() == null ? "" : n.label().strip();
        if ("add".equals(n.style()) && (label.equals("+") || label.equals("⊕"))) {
            return Outline.CIRCLE;
        }
        return Outline.BOX;
    }

    static String labelOf(FigureNode n) {
        return TextMetrics.clean(n.label() != null ? n.label() : n.id());
    }

    static String titleOf(FigureGroup g) {
        return oneLine(g.label() != null ? g.label() : g.id());
    }

    /** One layout run: the ELK graph and the maps back to the figure. */
    private static final class Builder {
        private final FigureTree tree;
        private final Figure figure;
        private final Options options;
        private final boolean paperSize;
        private final boolean modelOrder;
        private final ElkNode root = ElkGraphUtil.createGraph();
        private final Map<String, ElkNode> nodes = new HashMap<>();
        /** For circles: the single point where arrows come in and the one where they leave. */
        private final Map<String, ElkPort[]> ports = new HashMap<>();
        private final Map<String, ElkNode> groups = new HashMap<>();
        private final Map<String, Double> markerMargin = new HashMap<>();
        /** The edge labels that show a tensor shape (the others show the edge's label). */
        private final Set<ElkLabel> shapeLabels = Collections.newSetFromMap(new IdentityHashMap<>());

        Builder(FigureTree tree, Options options, boolean modelOrder) {
            this.tree = tree;
            this.modelOrder = modelOrder;
            this.figure = tree.figure();
            this.options = options;
            this.paperSize = figure.level() == null || figure.level() == Figure.Level.PAPER
                    || figure.level() == Figure.Level.BLOCKS;
        }

        Drawing run() {
            configure(root);
            root.setProperty(CoreOptions.HIERARCHY_HANDLING, HierarchyHandling.INCLUDE_CHILDREN);
            root.setProperty(CoreOptions.PADDING, new ElkPadding(ROOT_PAD));
            // Nodes in figure order, each group created where its first node appears, so ELK's
            // model-order tie-breaking follows the order the model executes.
            for (FigureNode n : figure.nodes()) {
                ElkNode e = ElkGraphUtil.createNode(groupNode(tree.parent(n.id())));
                e.setIdentifier("n" + nodes.size());
                double[] size = size(n);
                e.setDimensions(size[0], size[1]);
                // A box may grow along a side where many arrows meet, so their labels fit between them.
                e.setProperty(CoreOptions.NODE_SIZE_CONSTRAINTS, EnumSet.of(SizeConstraint.MINIMUM_SIZE,
                        SizeConstraint.PORTS));
                e.setProperty(CoreOptions.NODE_SIZE_MINIMUM, new KVector(size[0], size[1]));
                nodes.put(n.id(), e);
                if (outline(n) == Outline.CIRCLE) {
                    ports.put(n.id(), circlePorts(e));
                }
            }
            figure.groups().forEach(g -> groupNode(g.id()));
            List<ElkEdge> edges = new ArrayList<>();
            Set<FigureEdge> main = mainEdges();
            for (FigureEdge fe : figure.edges()) {
                ElkConnectableShape from = ports.containsKey(fe.from()) ? ports.get(fe.from())[1] : nodes.get(fe.from());
                ElkConnectableShape to = ports.containsKey(fe.to()) ? ports.get(fe.to())[0] : nodes.get(fe.to());
                ElkEdge e = ElkGraphUtil.createSimpleEdge(from, to);
                ElkGraphUtil.updateContainment(e);
                if (main.contains(fe)) {
                    e.setProperty(LayeredOptions.PRIORITY_STRAIGHTNESS, 10);
                }
                if (options.edgeShapes() && fe.shape() != null) {
                    shapeLabels.add(label(e, shapeText(fe.shape()), SMALL_FONT_SIZE, EdgeLabelPlacement.CENTER));
                }
                String text = fe.label() == null ? "" : oneLine(fe.label());
                if (options.edgeLabels() && !text.isBlank()) {
                    label(e, text, FONT_SIZE, EdgeLabelPlacement.HEAD);
                }
                edges.add(e);
            }
            new RecursiveGraphLayoutEngine().layout(root, new BasicProgressMonitor());
            return extract(edges);
        }

        /**
         * For each node with several inputs, the one arrow to draw straight: the one from the source
         * with the fewest outgoing arrows, the first in figure order on ties. That keeps the data path
         * straight and sends residual arrows (whose source also feeds the sublayer) around the side,
         * as the paper draws them.
         */
        private Set<FigureEdge> mainEdges() {
            Map<String, Integer> outDegree = new HashMap<>();
            figure.edges().forEach(e -> outDegree.merge(e.from(), 1, Integer::sum));
            Map<String, FigureEdge> best = new HashMap<>();
            Map<String, Integer> inDegree = new HashMap<>();
            for (FigureEdge e : figure.edges()) {
                inDegree.merge(e.to(), 1, Integer::sum);
                FigureEdge b = best.get(e.to());
                if (b == null || outDegree.get(e.from()) < outDegree.get(b.from())) {
                    best.put(e.to(), e);
                }
            }
            // By identity: two arrows between the same nodes are equal records but different arrows.
            Set<FigureEdge> out = Collections.newSetFromMap(new IdentityHashMap<>());
            best.forEach((to, e) -> {
                if (inDegree.get(to) > 1) {
                    out.add(e);
                }
            });
            return out;
        }

        private void configure(ElkNode g) {
            g.setProperty(CoreOptions.ALGORITHM, LayeredOptions.ALGORITHM_ID);
            g.setProperty(CoreOptions.DIRECTION, switch (options.direction()) {
                case UP -> org.eclipse.elk.core.options.Direction.UP;
                case DOWN -> org.eclipse.elk.core.options.Direction.DOWN;
                case RIGHT -> org.eclipse.elk.core.options.Direction.RIGHT;
            });
            g.setProperty(CoreOptions.EDGE_ROUTING, EdgeRouting.ORTHOGONAL);
            g.setProperty(CoreOptions.RANDOM_SEED, 1);
            g.setProperty(LayeredOptions.SPACING_NODE_NODE, 28.0);
            g.setProperty(LayeredOptions.SPACING_NODE_NODE_BETWEEN_LAYERS, 34.0);
            g.setProperty(LayeredOptions.SPACING_EDGE_NODE, 16.0);
            g.setProperty(LayeredOptions.SPACING_EDGE_NODE_BETWEEN_LAYERS, 16.0);
            g.setProperty(LayeredOptions.SPACING_EDGE_EDGE, 12.0);
            g.setProperty(LayeredOptions.SPACING_EDGE_EDGE_BETWEEN_LAYERS, 12.0);
            g.setProperty(LayeredOptions.SPACING_EDGE_LABEL, 4.0);
            g.setProperty(LayeredOptions.SPACING_LABEL_LABEL, 6.0);
            g.setProperty(LayeredOptions.SPACING_PORT_PORT, 22.0);
            g.setProperty(LayeredOptions.SPACING_COMPONENT_COMPONENT, 40.0);
            g.setProperty(LayeredOptions.NODE_PLACEMENT_STRATEGY, NodePlacementStrategy.NETWORK_SIMPLEX);
            if (modelOrder) {
                // Siblings keep the order the model runs them in where crossings allow (embedding
                // before positional encoding, Q before K before V), as the paper draws them.
                g.setProperty(LayeredOptions.CONSIDER_MODEL_ORDER_STRATEGY, OrderingStrategy.NODES_AND_EDGES);
            }
        }

        /**
         * Ports in the middle of a circle's input and output sides, so arrows meet the circle at one
         * point each, as at the paper's ⊕.
         */
        private ElkPort[] circlePorts(ElkNode e) {
            e.setProperty(CoreOptions.PORT_CONSTRAINTS, PortConstraints.FIXED_POS);
            double w = e.getWidth();
            double h = e.getHeight();
            ElkPort in = ElkGraphUtil.createPort(e);
            ElkPort out = ElkGraphUtil.createPort(e);
            in.setDimensions(0, 0);
            out.setDimensions(0, 0);
            switch (options.direction()) {
                case UP -> {
                    place(in, PortSide.SOUTH, w / 2, h);
                    place(out, PortSide.NORTH, w / 2, 0);
                }
                case DOWN -> {
                    place(in, PortSide.NORTH, w / 2, 0);
                    place(out, PortSide.SOUTH, w / 2, h);
                }
                case RIGHT -> {
                    place(in, PortSide.WEST, 0, h / 2);
                    place(out, PortSide.EAST, w, h / 2);
                }
            }
            return new ElkPort[] {in, out};
        }

        private static void place(ElkPort p, PortSide side, double x, double y) {
            p.setProperty(CoreOptions.PORT_SIDE, side);
            p.setLocation(x, y);
        }

        /** The compound node of group {@code id} (the root for null), made on first use. */
        private ElkNode groupNode(String id) {
            if (id == null) {
                return root;
            }
            ElkNode e = groups.get(id);
            if (e != null) {
                return e;
            }
            ElkNode parent = groupNode(tree.parent(id));
            e = ElkGraphUtil.createNode(parent);
            e.setIdentifier("g" + groups.size());
            configure(e);
            FigureGroup g = tree.group(id);
            // The "N×" marker goes in a margin inside the compound node but outside the drawn frame,
            // on a side arrows do not cross: left when data flows vertically, below when it flows right.
            double margin = 0;
            if (g.repeat() > 1) {
                margin = horizontal()
                        ? REPEAT_FONT_SIZE + 10
                        : Math.ceil(TextMetrics.width(g.repeat() + "×", REPEAT_FONT_SIZE)) + 12;
            }
            markerMargin.put(id, margin);
            double left = horizontal() ? 0 : margin;
            double below = horizontal() ? margin : 0;
            e.setProperty(CoreOptions.PADDING, new ElkPadding(FRAME_TITLE, FRAME_PAD, FRAME_PAD + below, FRAME_PAD + left));
            double titleWidth = Math.ceil(TextMetrics.width(titleOf(g), FONT_SIZE) * TextMetrics.BOLD);
            e.setProperty(CoreOptions.NODE_SIZE_CONSTRAINTS, EnumSet.of(SizeConstraint.MINIMUM_SIZE));
            e.setProperty(CoreOptions.NODE_SIZE_MINIMUM,
                    new KVector(Math.max(titleWidth + 20, 60) + left, FRAME_TITLE + FRAME_PAD + 10 + below));
            groups.put(id, e);
            return e;
        }

        private boolean horizontal() {
            return options.direction() == Direction.RIGHT;
        }

        private double[] size(FigureNode n) {
            Outline o = outline(n);
            if (o == Outline.CIRCLE) {
                return new double[] {CIRCLE, CIRCLE};
            }
            String label = labelOf(n);
            int lines = TextMetrics.lines(label).size();
            double w = Math.ceil(TextMetrics.width(label, FONT_SIZE)) + 2 * PAD_X;
            double h = lines * LINE_HEIGHT + 2 * PAD_Y;
            double minW = paperSize ? 120 : 56;
            double minH = paperSize ? 36 : 30;
            return new double[] {Math.max(w, minW), Math.max(h, minH)};
        }

        private static ElkLabel label(ElkEdge e, String text, double size, EdgeLabelPlacement where) {
            ElkLabel l = ElkGraphUtil.createLabel(text, e);
            l.setDimensions(Math.ceil(TextMetrics.width(text, size)) + 4, size + 4);
            l.setProperty(CoreOptions.EDGE_LABELS_PLACEMENT, where);
            return l;
        }

        private Drawing extract(List<ElkEdge> edges) {
            String title = figure.title() == null || figure.title().isBlank() ? null : oneLine(figure.title());
            double contentW = root.getWidth();
            double contentH = root.getHeight();
            double titleW = title == null ? 0 : TextMetrics.width(title, TITLE_FONT_SIZE) * TextMetrics.BOLD + 2 * ROOT_PAD;
            double width = Math.ceil(Math.max(contentW, titleW));
            double dx = Math.floor((width - contentW) / 2);
            double dy = title == null ? 0 : TITLE_HEIGHT;
            Text titleText = title == null ? null
                    : new Text(title, width / 2, ROOT_PAD + TITLE_FONT_SIZE * 0.8, TITLE_FONT_SIZE, Anchor.MIDDLE, true);

            List<Frame> frames = new ArrayList<>();
            // Outer frames first; within a depth, figure order.
            TreeMap<Integer, List<FigureGroup>> byDepth = new TreeMap<>();
            figure.groups().forEach(g -> byDepth.computeIfAbsent(tree.depth(g.id()), k -> new ArrayList<>()).add(g));
            byDepth.forEach((depth, gs) -> {
                for (FigureGroup g : gs) {
                    ElkNode e = groups.get(g.id());
                    double[] a = abs(e);
                    double m = markerMargin.get(g.id());
                    double left = horizontal() ? 0 : m;
                    double below = horizontal() ? m : 0;
                    double x = a[0] + dx + left;
                    double y = a[1] + dy;
                    double w = e.getWidth() - left;
                    double h = e.getHeight() - below;
                    Text t = new Text(titleOf(g), x + 10, y + 8 + FONT_SIZE * 0.9, FONT_SIZE, Anchor.START, true);
                    Text r = null;
                    if (g.repeat() > 1) {
                        r = horizontal()
                                ? new Text(g.repeat() + "×", x + w / 2, y + h + 4 + REPEAT_FONT_SIZE * 0.8,
                                        REPEAT_FONT_SIZE, Anchor.MIDDLE, false)
                                : new Text(g.repeat() + "×", x - 6, y + h / 2 + REPEAT_FONT_SIZE * 0.35,
                                        REPEAT_FONT_SIZE, Anchor.END, false);
                    }
                    frames.add(new Frame(g, x, y, w, h, depth, tree.parent(g.id()), t, r));
                }
            });

            List<Box> boxes = new ArrayList<>();
            for (FigureNode n : figure.nodes()) {
                ElkNode e = nodes.get(n.id());
                double[] a = abs(e);
                double x = a[0] + dx;
                double y = a[1] + dy;
                Outline o = outline(n);
                List<Text> lines = new ArrayList<>();
                if (o != Outline.CIRCLE) {
                    List<String> ls = TextMetrics.lines(labelOf(n));
                    double first = y + e.getHeight() / 2 - (ls.size() - 1) * LINE_HEIGHT / 2 + FONT_SIZE * 0.35;
                    for (int i = 0; i < ls.size(); i++) {
                        lines.add(new Text(ls.get(i), x + e.getWidth() / 2, first + i * LINE_HEIGHT, FONT_SIZE,
                                Anchor.MIDDLE, false));
                    }
                }
                boxes.add(new Box(n, x, y, e.getWidth(), e.getHeight(), tree.parent(n.id()), o, lines));
            }

            List<Arrow> arrows = new ArrayList<>();
            for (int i = 0; i < edges.size(); i++) {
                ElkEdge e = edges.get(i);
                FigureEdge fe = figure.edges().get(i);
                double[] base = abs(e.getContainingNode());
                double bx = base[0] + dx;
                double by = base[1] + dy;
                List<Point> pts = new ArrayList<>();
                for (ElkEdgeSection s : e.getSections()) {
                    addPoint(pts, s.getStartX() + bx, s.getStartY() + by);
                    for (ElkBendPoint b : s.getBendPoints()) {
                        addPoint(pts, b.getX() + bx, b.getY() + by);
                    }
                    addPoint(pts, s.getEndX() + bx, s.getEndY() + by);
                }
                if (pts.size() < 2) { // ELK routed nothing (should not happen): centre to centre
                    pts.clear();
                    double[] s = centre(nodes.get(fe.from()));
                    double[] t = centre(nodes.get(fe.to()));
                    pts.add(new Point(s[0] + dx, s[1] + dy));
                    pts.add(new Point(t[0] + dx, t[1] + dy));
                }
                Text label = null;
                Text shape = null;
                for (ElkLabel l : e.getLabels()) {
                    double cx = l.getX() + bx + l.getWidth() / 2;
                    double cy = l.getY() + by + l.getHeight() / 2;
                    if (shapeLabels.contains(l)) {
                        shape = new Text(l.getText(), cx, cy + SMALL_FONT_SIZE * 0.35, SMALL_FONT_SIZE, Anchor.MIDDLE, false);
                    } else {
                        label = new Text(l.getText(), cx, cy + FONT_SIZE * 0.35, FONT_SIZE, Anchor.MIDDLE, true);
                    }
                }
                arrows.add(new Arrow(fe, straighten(pts), label, shape));
            }
            return new Drawing(figure, width, contentH + dy, titleText, frames, boxes, arrows);
        }

        /**
         * Removes the sub-pixel jogs ELK leaves where an edge crosses a group border (a segment that
         * is vertical or horizontal but for a fraction of a pixel), so orthogonal edges stay straight.
         * Points move by at most a pixel; an end point only along its box's side.
         */
        static List<Point> straighten(List<Point> in) {
            List<Point> p = new ArrayList<>(in);
            // Drop interior points that continue a straight run.
            for (int i = 1; i + 1 < p.size(); ) {
                Point a = p.get(i - 1);
                Point b = p.get(i);
                Point c = p.get(i + 1);
                boolean vertical = Math.abs(a.x() - b.x()) <= 1 && Math.abs(b.x() - c.x()) <= 1 && Math.abs(a.x() - c.x()) <= 1;
                boolean horizontal = Math.abs(a.y() - b.y()) <= 1 && Math.abs(b.y() - c.y()) <= 1 && Math.abs(a.y() - c.y()) <= 1;
                if (vertical || horizontal) {
                    p.remove(i);
                } else {
                    i++;
                }
            }
            for (int i = 0; i + 1 < p.size(); i++) {
                Point a = p.get(i);
                Point b = p.get(i + 1);
                double dx = Math.abs(a.x() - b.x());
                double dy = Math.abs(a.y() - b.y());
                boolean last = i + 1 == p.size() - 1;
                if (dx > 0 && dx <= 1 && dy > dx) {
                    if (!last || i == 0) {
                        p.set(i + 1, new Point(a.x(), b.y()));
                    } else {
                        p.set(i, new Point(b.x(), a.y()));
                    }
                } else if (dy > 0 && dy <= 1 && dx > dy) {
                    if (!last || i == 0) {
                        p.set(i + 1, new Point(b.x(), a.y()));
                    } else {
                        p.set(i, new Point(a.x(), b.y()));
                    }
                }
            }
            return p;
        }

        private static void addPoint(List<Point> pts, double x, double y) {
            Point p = new Point(x, y);
            if (pts.isEmpty() || !pts.getLast().equals(p)) {
                pts.add(p);
            }
        }

        private static double[] centre(ElkNode n) {
            double[] a = abs(n);
            return new double[] {a[0] + n.getWidth() / 2, a[1] + n.getHeight() / 2};
        }

        /** The position of {@code n} relative to the root graph. */
        private static double[] abs(ElkNode n) {
            double x = 0;
            double y = 0;
            for (ElkNode p = n; p != null && p.getParent() != null; p = p.getParent()) {
                x += p.getX();
                y += p.getY();
            }
            return new double[] {x, y};
        }
    }

    private static String oneLine(String s) {
        return TextMetrics.clean(s.replaceAll("\\R", " "));
    }
}
