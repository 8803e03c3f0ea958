package org.transformer4j.figure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class FigureJsonTest {
    static List<Figure> all() {
        List<Figure> l = new ArrayList<>(FigureLayoutTest.samples());
        l.add(FigureSamples.tricky(true));
        l.add(new Figure(null, null));
        l.add(new Figure("", Figure.Level.BLOCKS));
        return l;
    }

    @Test
    void roundTripsExactly() {
        for (Figure f : all()) {
            String json = FigureJson.write(f);
            Figure back = FigureJson.read(json);
            FigureAssertions.assertSameFigure(f, back);
            assertEquals(json, FigureJson.write(back));
        }
    }

    @Test
    void writesTheDocumentedForm() {
        Figure f = new Figure("t", Figure.Level.OPS);
        f.add(new FigureNode("a", "matmul", "x·W", "l.0", new int[] {2, 5}, "linear"));
        f.add(new FigureNode("b", "output", null, "", null, "io"));
        f.connect(new FigureEdge("a", "b", new int[] {2, 5}, "Q"));
        f.group(new FigureGroup("group:l", "L \"1\"", "l", 6, List.of("a")));
        assertEquals("""
                {
                  "title": "t",
                  "level": "ops",
                  "nodes": [
                    {"id": "a", "kind": "matmul", "label": "x·W", "path": "l.0", "shape": [2, 5], "style": "linear"},
                    {"id": "b", "kind": "output", "label": null, "path": "", "shape": null, "style": "io"}
                  ],
                  "edges": [
                    {"from": "a", "to": "b", "shape": [2, 5], "label": "Q"}
                  ],
                  "groups": [
                    {"id": "group:l", "label": "L \\"1\\"", "path": "l", "repeat": 6, "children": ["a"]}
                  ]
                }
                """, FigureJson.write(f));
    }

    @Test
    void escapesControlCharactersAndLoneSurrogates() {
        assertEquals("\"a\\\"\\\\\\n\\r\\t\\b\\f\\u0001\\u2028\\ud800🙂\"", FigureJson.str("a\"\\\n\r\t\b\f\u0001\u2028\uD800🙂"));
        Figure f = new Figure("\uD800 lone", Figure.Level.OPS);
        assertEquals("\uD800 lone", FigureJson.read(FigureJson.write(f)).title());
    }

    @Test
    void readsOuterGroupsListedFirstAndIgnoresUnknownFields() {
        String json = """
                {"title": "x", "level": "PAPER", "extra": {"a": [1, 2.5, true, false, null]},
                 "nodes": [{"id": "n", "kind": "k", "label": "l", "path": "p", "shape": [], "style": "op"}],
                 "edges": [],
                 "groups": [{"id": "outer", "label": "o", "path": "o", "repeat": 2, "children": ["inner"]},
                            {"id": "inner", "label": "i", "path": "i", "children": ["n"]}]}
                """;
        Figure f = FigureJson.read(json);
        assertEquals(Figure.Level.PAPER, f.level());
        assertEquals(List.of("inner", "outer"), f.groups().stream().map(FigureGroup::id).toList());
        assertEquals(1, f.groups().getFirst().repeat());
        assertEquals(0, f.node("n").shape().length);
    }

    @Test
    void malformedJsonIsRefusedWithPosition() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FigureJson.read("{\"title\": }"));
        assertTrue(e.getMessage().contains("offset 10"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FigureJson.read("{\"nodes\": [{\"kind\": \"x\"}]}"));
        assertThrows(IllegalArgumentException.class, () -> FigureJson.read("{\"level\": \"huge\"}"));
        assertThrows(IllegalArgumentException.class, () -> FigureJson.read("{} x"));
        assertThrows(IllegalArgumentException.class,
                () -> FigureJson.read("{\"nodes\": [{\"id\": \"a\", \"shape\": [1.5]}]}"));
    }
}
