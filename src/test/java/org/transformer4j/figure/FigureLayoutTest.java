package org.transformer4j.figure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.transformer4j.figure.Drawing.Arrow;
import org.transformer4j.figure.Drawing.Box;
import org.transformer4j.figure.Drawing.Frame;
import org.transformer4j.figure.Drawing.Point;
import org.transformer4j.figure.FigureLayout.Direction;
import org.transformer4j.figure.FigureLayout.Options;

class FigureLayoutTest {
    private static final double TOL = 1.5;

    private record Rect(String what, double x, double y, double w, double h) {
        boolean overlaps(Rect o) {
            return x < o.x + o.w - 0.01 && o.x < x + w - 0.01 && y < o.y + o.h - 0.01 && o.y < y + h - 0.01;
        }

        boolean contains(Rect o) {
            return o.x >= x - 0.01 && o.y >= y - 0.01 && o.x + o.w <= x + w + 0.01 && o.y + o.h <= y + h + 0.01;
        }

        /** Distance of p from this rectangle's outline. */
        double borderDistance(Point p) {
            boolean inX = p.x() >= x - TOL && p.x() <= x + w + TOL;
            boolean inY = p.y() >= y - TOL && p.y() <= y + h + TOL;
            double dx = Math.min(Math.abs(p.x() - x), Math.abs(p.x() - (x + w)));
            double dy = Math.min(Math.abs(p.y() - y), Math.abs(p.y() - (y + h)));
            if (inX && inY) {
                return Math.min(dx, dy);
            }
            return Double.POSITIVE_INFINITY;
        }
    }

    private static Rect rect(Box b) {
        return new Rect("box " + b.node().id(), b.x(), b.y(), b.width(), b.height());
    }

    private static Rect rect(Frame f) {
        return new Rect("frame " + f.group().id(), f.x(), f.y(), f.width(), f.height());
    }

    static List<Figure> samples() {
        return List.of(FigureSamples.encoder(), FigureSamples.paper(), FigureSamples.nested(), FigureSamples.tricky(false),
                FigureSamples.large(2));
    }

    /** Checks everything the brief promises about geometry. */
    static void checkGeometry(Drawing d) {
        Figure f = d.figure();
        assertEquals(f.nodes().size(), d.boxes().size());
        assertEquals(f.groups().size(), d.frames().size());
        assertEquals(f.edges().size(), d.arrows().size());
        Map<String, Rect> frames = new HashMap<>();
        Map<String, List<Rect>> byParent = new HashMap<>();
        for (Frame fr : d.frames()) {
            frames.put(fr.group().id(), rect(fr));
            byParent.computeIfAbsent(Objects.toString(fr.parent()), k -> new ArrayList<>()).add(rect(fr));
        }
        Map<String, Rect> boxes = new HashMap<>();
        for (Box b : d.boxes()) {
            boxes.put(b.node().id(), rect(b));
            byParent.computeIfAbsent(Objects.toString(b.parent()), k -> new ArrayList<>()).add(rect(b));
            assertTrue(b.width() > 0 && b.height() > 0, "box " + b.node().id() + " has a size");
        }
        Rect canvas = new Rect("canvas", 0, 0, d.width(), d.height());
        // Same nesting level: nothing overlaps.
        for (List<Rect> level : byParent.values()) {
            for (int i = 0; i < level.size(); i++) {
                assertTrue(canvas.contains(level.get(i)), level.get(i) + " lies on the canvas");
                for (int j = i + 1; j < level.size(); j++) {
                    assertFalse(level.get(i).overlaps(level.get(j)), level.get(i) + " overlaps " + level.get(j));
                }
            }
        }
        // Nesting: every box and frame lies inside the frame of its group.
        for (Box b : d.boxes()) {
            if (b.parent() != null) {
                assertTrue(frames.get(b.parent()).contains(rect(b)), rect(b) + " inside " + frames.get(b.parent()));
            }
        }
        for (Frame fr : d.frames()) {
            if (fr.parent() != null) {
                assertTrue(frames.get(fr.parent()).contains(rect(fr)), rect(fr) + " inside " + frames.get(fr.parent()));
            }
        }
        // Arrows start on the source's border and end on the target's.
        for (Arrow a : d.arrows()) {
            List<Point> pts = a.points();
            String what = "arrow " + a.edge().from() + " -> " + a.edge().to() + " " + pts;
            assertTrue(pts.size() >= 2, what);
            assertTrue(boxes.get(a.edge().from()).borderDistance(pts.getFirst()) <= TOL, what + " starts on the source");
            assertTrue(boxes.get(a.edge().to()).borderDistance(pts.getLast()) <= TOL, what + " ends on the target");
        }
        // Edge labels and shapes stay off the boxes and near their arrow.
        for (Arrow a : d.arrows()) {
            for (Drawing.Text t : new Drawing.Text[] {a.label(), a.shape()}) {
                if (t == null) {
                    continue;
                }
                double w = TextMetrics.width(t.text(), t.size()) * (t.bold() ? TextMetrics.BOLD : 1);
                Rect r = new Rect("label " + t.text(), t.x() - w / 2, t.baseline() - t.size() * 0.8, w, t.size());
                for (Rect b : boxes.values()) {
                    assertFalse(r.overlaps(b), r + " overlaps " + b);
                }
                assertTrue(distance(a.points(), new Point(t.x(), t.baseline() - t.size() * 0.35)) < 40,
                        r + " is near its arrow " + a.points());
            }
        }
    }

    private static double distance(List<Point> line, Point p) {
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i + 1 < line.size(); i++) {
            Point a = line.get(i);
            Point b = line.get(i + 1);
            double dx = b.x() - a.x();
            double dy = b.y() - a.y();
            double len2 = dx * dx + dy * dy;
            double t = len2 == 0 ? 0 : Math.max(0, Math.min(1, ((p.x() - a.x()) * dx + (p.y() - a.y()) * dy) / len2));
            best = Math.min(best, Math.hypot(a.x() + t * dx - p.x(), a.y() + t * dy - p.y()));
        }
        return best;
    }

    @ParameterizedTest
    @EnumSource(Direction.class)
    void geometryHoldsForAllSamplesAndDirections(Direction dir) {
        for (Figure f : samples()) {
            checkGeometry(FigureLayout.layout(f, Options.defaults().withDirection(dir)));
        }
    }

    @Test
    void geometryHoldsWithoutShapesAndLabels() {
        Drawing d = FigureLayout.layout(FigureSamples.nested(), Options.defaults().withEdgeShapes(false).withEdgeLabels(false));
        checkGeometry(d);
        assertTrue(d.arrows().stream().allMatch(a -> a.label() == null && a.shape() == null));
        Drawing with = FigureLayout.layout(FigureSamples.nested());
        assertTrue(with.arrows().stream().anyMatch(a -> a.shape() != null && a.shape().text().equals("(2, 4, 5, 5)")));
        assertTrue(with.arrows().stream().anyMatch(a -> a.label() != null && a.label().text().equals("Q")));
    }

    @Test
    void upPutsInputsBelowOutputs() {
        Drawing d = FigureLayout.layout(FigureSamples.encoder(), Options.defaults());
        assertTrue(box(d, "inputs").y() > box(d, "embed").y() + box(d, "embed").height());
        assertTrue(box(d, "embed").y() > box(d, "mha").y());
        assertTrue(box(d, "mha").y() > box(d, "softmax").y());
        assertTrue(box(d, "softmax").y() > box(d, "out").y() + box(d, "out").height());
    }

    @Test
    void downAndRightFlowTheOtherWays() {
        Drawing down = FigureLayout.layout(FigureSamples.encoder(), Options.defaults().withDirection(Direction.DOWN));
        assertTrue(box(down, "inputs").y() < box(down, "out").y());
        Drawing right = FigureLayout.layout(FigureSamples.encoder(), Options.defaults().withDirection(Direction.RIGHT));
        assertTrue(box(right, "inputs").x() + box(right, "inputs").width() < box(right, "out").x());
    }

    @Test
    void repeatedGroupGetsMarkerBesideItsFrame() {
        Drawing d = FigureLayout.layout(FigureSamples.encoder());
        Frame f = d.frames().getFirst();
        assertNotNull(f.repeat());
        assertEquals("6×", f.repeat().text());
        assertTrue(f.repeat().x() <= f.x(), "marker left of the frame");
        assertTrue(f.repeat().baseline() > f.y() && f.repeat().baseline() < f.y() + f.height());
        assertEquals("Encoder", f.title().text());
        double markerWidth = TextMetrics.width("6×", f.repeat().size());
        assertTrue(f.repeat().x() - markerWidth >= 0, "marker on the canvas");
        Drawing right = FigureLayout.layout(FigureSamples.encoder(), Options.defaults().withDirection(Direction.RIGHT));
        Frame r = right.frames().getFirst();
        assertTrue(r.repeat().baseline() > r.y() + r.height(), "marker below the frame when flowing right");
        assertTrue(r.repeat().baseline() <= right.height());
        Drawing nested = FigureLayout.layout(FigureSamples.nested());
        assertNull(nested.frames().stream().filter(fr -> fr.group().repeat() == 1).findFirst().orElseThrow().repeat());
    }

    @Test
    void multiLineLabelsGetOneRunPerLineAndTallerBoxes() {
        Drawing d = FigureLayout.layout(FigureSamples.paper());
        Box masked = box(d, "d.mmha");
        assertEquals(List.of("Masked", "Multi-Head", "Attention"), masked.lines().stream().map(Drawing.Text::text).toList());
        assertTrue(masked.height() > box(d, "linear").height());
        assertEquals(Drawing.Outline.CIRCLE, box(d, "add").outline());
        assertEquals(Drawing.Outline.PLAIN, box(d, "inputs").outline());
        assertEquals(Drawing.Outline.BOX, box(d, "linear").outline());
        double w = TextMetrics.width("Multi-Head", FigureLayout.FONT_SIZE);
        assertTrue(masked.width() >= w + 20, "text fits with padding");
    }

    @Test
    void layoutIsDeterministic() {
        Drawing a = FigureLayout.layout(FigureSamples.paper());
        Drawing b = FigureLayout.layout(FigureSamples.paper());
        assertEquals(a.describe(), b.describe());
        assertEquals(SvgWriter.write(a), SvgWriter.write(b));
        Drawing c = FigureLayout.layout(FigureSamples.large(3), Options.defaults().withDirection(Direction.RIGHT));
        Drawing e = FigureLayout.layout(FigureSamples.large(3), Options.defaults().withDirection(Direction.RIGHT));
        assertEquals(c.describe(), e.describe());
    }

    @Test
    void opsSizedFigureLaysOut() {
        Figure f = FigureSamples.large(14);
        assertTrue(f.nodes().size() >= 290, "about 300 nodes: " + f.nodes().size());
        Drawing d = FigureLayout.layout(f, Options.defaults());
        checkGeometry(d);
    }

    @Test
    void emptyFigureGivesTitleOnly() {
        Drawing d = FigureLayout.layout(new Figure("nothing here", Figure.Level.OPS));
        assertTrue(d.boxes().isEmpty());
        assertNotNull(d.title());
        assertTrue(d.width() > TextMetrics.width("nothing here", FigureLayout.TITLE_FONT_SIZE));
        Drawing untitled = FigureLayout.layout(new Figure(null, null));
        assertNull(untitled.title());
    }

    @Test
    void nodeInTwoGroupsIsRefused() {
        Figure f = new Figure("t", Figure.Level.OPS);
        FigureSamples.node(f, "a", "a", "op");
        f.group(new FigureGroup("g1", "g1", "g1", 1, List.of("a")));
        f.group(new FigureGroup("g2", "g2", "g2", 1, List.of("a")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FigureLayout.layout(f));
        assertTrue(e.getMessage().contains("node a is in two groups: g1 and g2"), e.getMessage());
    }

    @Test
    void shapeTextReadsLikePython() {
        assertEquals("(2, 5, 16)", FigureLayout.shapeText(new int[] {2, 5, 16}));
        assertEquals("(7,)", FigureLayout.shapeText(new int[] {7}));
        assertEquals("()", FigureLayout.shapeText(new int[0]));
        assertNull(FigureLayout.shapeText(null));
    }

    private static Box box(Drawing d, String id) {
        return d.boxes().stream().filter(b -> b.node().id().equals(id)).findFirst().orElseThrow();
    }
}
