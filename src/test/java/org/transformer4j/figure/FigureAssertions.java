package org.transformer4j.figure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

/** Field-by-field figure equality (the records hold int[] shapes, which records compare by identity). */
final class FigureAssertions {
    private FigureAssertions() {
    }

    static void assertSameFigure(Figure expected, Figure actual) {
        assertEquals(expected.title(), actual.title(), "title");
        assertEquals(expected.level(), actual.level(), "level");
        List<FigureNode> en = expected.nodes();
        List<FigureNode> an = actual.nodes();
        assertEquals(en.stream().map(FigureNode::id).toList(), an.stream().map(FigureNode::id).toList(), "node ids in order");
        for (int i = 0; i < en.size(); i++) {
            FigureNode e = en.get(i);
            FigureNode a = an.get(i);
            String where = "node " + e.id();
            assertEquals(e.kind(), a.kind(), where + " kind");
            assertEquals(e.label(), a.label(), where + " label");
            assertEquals(e.path(), a.path(), where + " path");
            assertArrayEquals(e.shape(), a.shape(), where + " shape");
            assertEquals(e.shape() == null, a.shape() == null, where + " shape null");
            assertEquals(e.style(), a.style(), where + " style");
        }
        List<FigureEdge> ee = expected.edges();
        List<FigureEdge> ae = actual.edges();
        assertEquals(ee.size(), ae.size(), "edge count");
        for (int i = 0; i < ee.size(); i++) {
            FigureEdge e = ee.get(i);
            FigureEdge a = ae.get(i);
            String where = "edge " + i + " " + e.from() + " -> " + e.to();
            assertEquals(e.from(), a.from(), where + " from");
            assertEquals(e.to(), a.to(), where + " to");
            assertArrayEquals(e.shape(), a.shape(), where + " shape");
            assertEquals(e.shape() == null, a.shape() == null, where + " shape null");
            assertEquals(e.label(), a.label(), where + " label");
        }
        assertEquals(expected.groups(), actual.groups(), "groups (records of strings and lists compare by value)");
    }
}
