package org.transformer4j.figure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class DotRoundTripTest {
    @Test
    void roundTripsExactly() {
        for (Figure f : FigureJsonTest.all()) {
            String dot = DotWriter.write(f);
            Figure back = DotReader.read(dot);
            FigureAssertions.assertSameFigure(f, back);
            assertEquals(dot, DotWriter.write(back));
        }
    }

    @Test
    void dotIsWellFormed() {
        // Without Graphviz: braces balance outside strings, every statement ends with ';', and
        // every string literal is closed; the round trip checks the rest.
        for (Figure f : FigureJsonTest.all()) {
            String dot = DotWriter.write(f);
            assertTrue(dot.startsWith("digraph {\n") && dot.endsWith("}\n"));
            int depth = 0;
            boolean inString = false;
            for (int i = 0; i < dot.length(); i++) {
                char c = dot.charAt(i);
                if (inString) {
                    if (c == '\\') {
                        i++;
                    } else if (c == '"') {
                        inString = false;
                    } else {
                        assertTrue(c != '\n', "no raw line break inside a string");
                    }
                } else if (c == '"') {
                    inString = true;
                } else if (c == '{') {
                    depth++;
                } else if (c == '}') {
                    depth--;
                    assertTrue(depth >= 0);
                }
            }
            assertEquals(0, depth);
            for (String line : dot.strip().lines().toList().subList(1, (int) dot.strip().lines().count() - 1)) {
                String t = line.strip();
                assertTrue(t.endsWith(";") || t.endsWith("{") || t.equals("}"), "statement ends properly: " + t);
            }
        }
    }

    @Test
    void clustersCarryRepeatInTheirLabel() {
        String dot = DotWriter.write(FigureSamples.encoder());
        assertTrue(dot.contains("subgraph \"cluster_group:encoder\" {"), dot);
        assertTrue(dot.contains("label=\"Encoder (6×)\";"), dot);
        assertTrue(dot.contains("\"add\" -> \"mha\" [label=\"Q\"];"), dot);
        assertTrue(dot.contains("\"mha\" [label=\"Multi-Head\\nAttention\", kind=\"attention\", path=\"\", "
                + "figure_style=\"attention\""), dot);
    }

    @Test
    void readsHandWrittenDot() {
        String dot = """
                /* a comment */
                strict digraph G {
                  // another
                  label = "hand";
                  node [shape=box];
                  a [label="A", kind=k, tensor_shape="1,2"];
                  subgraph cluster_g { figure_label="G"; repeat=3; b; subgraph inner { c } }
                  a -> b -> c [label="x"];
                }
                """;
        Figure f = DotReader.read(dot);
        assertEquals("hand", f.title());
        assertEquals(List.of("a", "b", "c"), f.nodes().stream().map(FigureNode::id).toList());
        assertEquals("A", f.node("a").label());
        assertEquals(2, f.node("a").shape()[1]);
        assertEquals(2, f.edges().size());
        assertEquals("x", f.edges().get(1).label());
        FigureGroup g = f.groups().getFirst();
        assertEquals("g", g.id());
        assertEquals("G", g.label());
        assertEquals(3, g.repeat());
        assertEquals(List.of("b", "c"), g.children(), "non-cluster subgraphs are transparent");
    }

    @Test
    void syntaxErrorsAreReported() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DotReader.read("digraph { a -> ; }"));
        assertTrue(e.getMessage().startsWith("bad DOT at token"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DotReader.read("digraph { \"open }"));
        assertThrows(IllegalArgumentException.class, () -> DotReader.read("graphviz"));
        assertThrows(IllegalArgumentException.class, () -> DotReader.read("digraph { } extra"));
    }
}
