package org.transformer4j.figure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class GraphMlRoundTripTest {
    static List<Figure> all() {
        List<Figure> l = new java.util.ArrayList<>(FigureLayoutTest.samples());
        l.add(new Figure(null, null));
        return l;
    }

    @Test
    void roundTripsExactly() {
        for (Figure f : all()) {
            String xml = GraphMlWriter.write(f);
            Figure back = GraphMlReader.read(xml);
            FigureAssertions.assertSameFigure(f, back);
            assertEquals(xml, GraphMlWriter.write(back));
        }
    }

    @Test
    void controlCharactersBecomeReplacementCharacters() {
        Figure back = GraphMlReader.read(GraphMlWriter.write(FigureSamples.tricky(true)));
        assertEquals("ctl\uFFFD\uFFFD", back.node("sp ace;{}[]=,").label());
        assertEquals("multi\nline\r\nlabel\twith tab", back.node("<&>'\"").label(), "line breaks and tabs survive");
    }

    @Test
    void isWellFormedAndUsesOnlyDeclaredKeys() throws Exception {
        for (Figure f : all()) {
            Document doc = SvgWriterTest.parse(GraphMlWriter.write(f));
            Element root = doc.getDocumentElement();
            assertEquals(GraphMlWriter.NS, root.getNamespaceURI());
            assertEquals("graphml", root.getLocalName());
            Map<String, String> keyFor = new HashMap<>();
            NodeList keys = doc.getElementsByTagNameNS(GraphMlWriter.NS, "key");
            for (int i = 0; i < keys.getLength(); i++) {
                Element k = (Element) keys.item(i);
                assertNotNull(k.getAttribute("attr.name"));
                assertTrue(Set.of("string", "int", "boolean").contains(k.getAttribute("attr.type")));
                assertEquals(null, keyFor.put(k.getAttribute("id"), k.getAttribute("for")), "keys are unique");
            }
            NodeList data = doc.getElementsByTagNameNS(GraphMlWriter.NS, "data");
            for (int i = 0; i < data.getLength(); i++) {
                Element d = (Element) data.item(i);
                String parent = ((Element) d.getParentNode()).getLocalName();
                assertEquals(parent, keyFor.get(d.getAttribute("key")), "key " + d.getAttribute("key") + " declared for " + parent);
            }
            Set<String> ids = new HashSet<>();
            NodeList nodes = doc.getElementsByTagNameNS(GraphMlWriter.NS, "node");
            for (int i = 0; i < nodes.getLength(); i++) {
                String id = ((Element) nodes.item(i)).getAttribute("id");
                assertTrue(id.matches("[ng]\\d+"), "NMTOKEN id " + id);
                assertTrue(ids.add(id), "unique id " + id);
            }
            assertEquals(f.nodes().size() + f.groups().size(), ids.size());
            NodeList edges = doc.getElementsByTagNameNS(GraphMlWriter.NS, "edge");
            for (int i = 0; i < edges.getLength(); i++) {
                Element e = (Element) edges.item(i);
                assertTrue(ids.contains(e.getAttribute("source")) && ids.contains(e.getAttribute("target")));
            }
        }
    }

    @Test
    void groupsNestAsGraphsInsideNodes() throws Exception {
        Document doc = SvgWriterTest.parse(GraphMlWriter.write(FigureSamples.nested()));
        NodeList graphs = doc.getElementsByTagNameNS(GraphMlWriter.NS, "graph");
        assertEquals(3, graphs.getLength(), "top graph + one per group");
        Element inner = (Element) graphs.item(2);
        assertEquals("node", ((Element) inner.getParentNode()).getLocalName());
        assertEquals(4, inner.getElementsByTagNameNS(GraphMlWriter.NS, "node").getLength(), "the attention ops");
    }

    @Test
    void readsForeignKeyIdsAndRefusesBadInput() {
        String xml = """
                <graphml xmlns="http://graphml.graphdrawing.org/xmlns">
                  <key id="d0" for="node" attr.name="label" attr.type="string"/>
                  <graph edgedefault="directed">
                    <node id="a"><data key="d0">A</data></node>
                    <node id="b"/>
                    <edge source="a" target="b"/>
                  </graph>
                </graphml>
                """;
        Figure f = GraphMlReader.read(xml);
        assertEquals("A", f.node("a").label());
        assertEquals(1, f.edges().size());
        assertThrows(IllegalArgumentException.class, () -> GraphMlReader.read("<graphml"));
        assertThrows(IllegalArgumentException.class, () -> GraphMlReader.read(
                "<!DOCTYPE x [<!ENTITY e \"boom\">]><graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\"/>"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GraphMlReader.read(
                xml.replace("<edge source=\"a\"", "<edge source=\"zz\"")));
        assertTrue(e.getMessage().contains("zz"), e.getMessage());
    }
}
