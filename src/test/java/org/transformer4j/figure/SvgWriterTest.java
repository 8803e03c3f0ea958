package org.transformer4j.figure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

class SvgWriterTest {
    static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
    }

    private static List<Element> all(Document d) {
        NodeList l = d.getElementsByTagNameNS("*", "*");
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < l.getLength(); i++) {
            out.add((Element) l.item(i));
        }
        return out;
    }

    @Test
    void svgIsXmlWithOneElementPerNodeId() throws Exception {
        for (Figure f : FigureLayoutTest.samples()) {
            String svg = SvgWriter.write(FigureLayout.layout(f));
            Document doc = parse(svg);
            assertEquals("http://www.w3.org/2000/svg", doc.getDocumentElement().getNamespaceURI());
            assertEquals("sans-serif", doc.getDocumentElement().getAttribute("font-family"));
            Map<String, List<Element>> byId = new HashMap<>();
            for (Element e : all(doc)) {
                if (e.hasAttribute("id")) {
                    byId.computeIfAbsent(e.getAttribute("id"), k -> new ArrayList<>()).add(e);
                }
            }
            for (FigureNode n : f.nodes()) {
                List<Element> es = byId.get(n.id());
                assertEquals(1, es == null ? 0 : es.size(), "one element with id " + n.id());
                Element g = es.getFirst();
                assertEquals("g", g.getLocalName());
                assertEquals(n.path() == null ? "" : n.path(), g.getAttribute("data-path"));
                assertEquals(n.kind() == null ? "" : n.kind(), g.getAttribute("data-kind"));
                if (n.shape() != null) {
                    assertEquals(java.util.Arrays.toString(n.shape()).replace(" ", ""), g.getAttribute("data-shape"));
                } else {
                    assertTrue(!g.hasAttribute("data-shape"));
                }
            }
            long edges = all(doc).stream().filter(e -> "edge".equals(e.getAttribute("class"))).count();
            assertEquals(f.edges().size(), edges);
            assertTrue(all(doc).stream().filter(e -> e.hasAttribute("marker-end")).count() == f.edges().size());
        }
    }

    @Test
    void repeatedGroupShowsMarkerAndTitle() throws Exception {
        Document doc = parse(SvgWriter.write(FigureLayout.layout(FigureSamples.encoder())));
        List<String> texts = all(doc).stream().filter(e -> e.getLocalName().equals("text"))
                .map(Element::getTextContent).toList();
        assertTrue(texts.contains("6×"), texts.toString());
        assertTrue(texts.contains("Encoder"));
        assertTrue(texts.contains("Transformer encoder"));
        assertTrue(texts.contains("Multi-Head") && texts.contains("Attention"), "multi-line label, one run per line");
        assertTrue(texts.contains("Q") && texts.contains("K") && texts.contains("V"));
        Element frame = all(doc).stream().filter(e -> "group:encoder".equals(e.getAttribute("data-group")))
                .findFirst().orElseThrow();
        assertEquals("6", frame.getAttribute("data-repeat"));
    }

    @Test
    void specialCharactersSurviveEscaping() throws Exception {
        Figure f = FigureSamples.tricky(true);
        Document doc = parse(SvgWriter.write(FigureLayout.layout(f)));
        List<String> texts = all(doc).stream().filter(e -> e.getLocalName().equals("text"))
                .map(Element::getTextContent).toList();
        assertTrue(texts.contains("🙂 σ(x) ✓ ×6"), texts.toString());
        assertTrue(texts.contains("Outer <&> \"6\""));
        assertTrue(texts.contains("label with tab"), "tab drawn as a space");
        assertTrue(texts.contains("ctl"), "control characters dropped from drawn text");
        Element odd = all(doc).stream().filter(e -> "<&>'\"".equals(e.getAttribute("id"))).findFirst().orElseThrow();
        assertEquals("p.a\\b", odd.getAttribute("data-path"));
        assertEquals("kind <&>", odd.getAttribute("data-kind"));
        assertEquals("diff-added", odd.getAttribute("data-style"));
    }

    @Test
    void diffStylesAreLoud() {
        String svg = SvgWriter.write(FigureLayout.layout(FigureSamples.tricky(false)));
        assertTrue(svg.contains("stroke=\"#168a32\" stroke-width=\"3\""), "added: thick green");
        assertTrue(svg.contains("stroke=\"#cc2222\" stroke-width=\"3\" stroke-dasharray"), "removed: thick dashed red");
        assertTrue(svg.contains("stroke=\"#ef7d00\" stroke-width=\"3\""), "changed: thick orange");
    }

    @Test
    void escapeDropsWhatXmlCannotCarry() {
        assertEquals("a&amp;&lt;&gt;&quot;&apos;&#10;&#13;&#9;\uFFFD\uFFFD🙂", Xml.escape("a&<>\"'\n\r\t\u0001\uD800🙂"));
        assertEquals("", Xml.escape(null));
    }
}
