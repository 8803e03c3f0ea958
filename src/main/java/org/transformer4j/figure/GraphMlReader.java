package org.transformer4j.figure;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * Reads the GraphML that {@link GraphMlWriter} writes back into a {@link Figure}, with the JDK's DOM
 * parser (DOCTYPEs refused). Data are matched through the {@code <key>} declarations' {@code attr.name},
 * so other key ids work too. A node with {@code group} true is a group; its nested graph holds its
 * children. Without an {@code id} datum the GraphML id is the figure id. Nodes and groups named
 * {@code n<k>}/{@code g<k>} are put back in that order; otherwise document order is kept.
 */
public final class GraphMlReader {
    private final Map<String, String[]> keys = new HashMap<>(); // key id -> {for, attr.name}
    private final Map<String, String> xmlToFigureId = new HashMap<>();
    private final List<Item> nodes = new ArrayList<>();
    private final List<Item> groups = new ArrayList<>();

    private record Item(String xmlId, Map<String, String> data, List<String> childXmlIds, int seen) {
    }

    private GraphMlReader() {
    }

    /**
     * Reads a figure from GraphML text.
     *
     * @throws IllegalArgumentException on malformed XML or a figure that does not hold together
     */
    public static Figure read(String graphml) {
        Document doc;
        try {
            doc = Xml.parser().parse(new InputSource(new StringReader(graphml)));
        } catch (SAXException | IOException e) {
            throw new IllegalArgumentException("bad GraphML: " + e.getMessage(), e);
        }
        return new GraphMlReader().figure(doc.getDocumentElement());
    }

    private Figure figure(Element root) {
        if (!"graphml".equals(root.getLocalName())) {
            throw new IllegalArgumentException("bad GraphML: the root element is <" + root.getTagName() + ">");
        }
        for (Element k : children(root, "key")) {
            keys.put(k.getAttribute("id"), new String[] {k.getAttribute("for"), k.getAttribute("attr.name")});
        }
        List<Element> graphs = children(root, "graph");
        if (graphs.size() != 1) {
            throw new IllegalArgumentException("bad GraphML: expected one top <graph>, found " + graphs.size());
        }
        Element top = graphs.getFirst();
        Map<String, String> graphData = data(top, "graph");
        List<Element> edgeElements = new ArrayList<>();
        collect(top, edgeElements);
        sortByIndex(nodes, 'n');
        sortByIndex(groups, 'g');
        String level = graphData.get("level");
        Figure f = new Figure(graphData.get("title"), level == null ? null : FigureReading.level(level));
        for (Item n : nodes) {
            Map<String, String> d = n.data();
            f.add(new FigureNode(figureId(n), d.get("kind"), d.get("label"), d.get("path"),
                    FigureReading.shape(d.get("shape")), d.get("style")));
        }
        for (Element e : edgeElements) {
            Map<String, String> d = data(e, "edge");
            f.connect(new FigureEdge(resolve(e.getAttribute("source")), resolve(e.getAttribute("target")),
                    FigureReading.shape(d.get("shape")), d.get("label")));
        }
        List<FigureGroup> out = new ArrayList<>();
        for (Item g : groups) {
            List<String> kids = g.childXmlIds().stream().map(this::resolve).toList();
            String repeat = g.data().get("repeat");
            int r;
            try {
                r = repeat == null ? 1 : Integer.parseInt(repeat.strip());
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("bad GraphML: repeat of " + g.xmlId() + " is '" + repeat + "'");
            }
            out.add(new FigureGroup(figureId(g), g.data().get("label"), g.data().get("path"), r, kids));
        }
        FigureReading.addGroups(f, out);
        return f;
    }

    /** Walks a graph: its nodes (recursing into groups' nested graphs) and, in document order, all edges. */
    private List<String> collect(Element graph, List<Element> edgeElements) {
        List<String> ids = new ArrayList<>();
        for (Node c = graph.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (!(c instanceof Element e) || !GraphMlWriter.NS.equals(e.getNamespaceURI())) {
                continue;
            }
            if (e.getLocalName().equals("edge")) {
                edgeElements.add(e);
            } else if (e.getLocalName().equals("node")) {
                String xmlId = e.getAttribute("id");
                ids.add(xmlId);
                Map<String, String> d = data(e, "node");
                List<Element> nested = children(e, "graph");
                if ("true".equalsIgnoreCase(d.get("group")) || !nested.isEmpty()) {
                    List<String> kids = new ArrayList<>();
                    for (Element g : nested) {
                        kids.addAll(collect(g, edgeElements));
                    }
                    groups.add(new Item(xmlId, d, kids, groups.size()));
                } else {
                    nodes.add(new Item(xmlId, d, List.of(), nodes.size()));
                }
                String fid = d.getOrDefault("id", xmlId);
                if (xmlToFigureId.putIfAbsent(xmlId, fid) != null) {
                    throw new IllegalArgumentException("bad GraphML: two nodes with id " + xmlId);
                }
            }
        }
        return ids;
    }

    private String figureId(Item i) {
        return xmlToFigureId.get(i.xmlId());
    }

    private String resolve(String xmlId) {
        String id = xmlToFigureId.get(xmlId);
        if (id == null) {
            throw new IllegalArgumentException("bad GraphML: an edge names an unknown node " + xmlId);
        }
        return id;
    }

    /** The data of an element by attr.name (absent data stay absent; the readers default them). */
    private Map<String, String> data(Element e, String forWhat) {
        Map<String, String> out = new HashMap<>();
        for (Element d : children(e, "data")) {
            String[] k = keys.get(d.getAttribute("key"));
            if (k == null) {
                throw new IllegalArgumentException("bad GraphML: undeclared key " + d.getAttribute("key"));
            }
            if (!k[0].equals(forWhat) && !k[0].equals("all")) {
                throw new IllegalArgumentException("bad GraphML: key " + d.getAttribute("key") + " is for " + k[0]
                        + ", used on a " + forWhat);
            }
            out.put(k[1], d.getTextContent());
        }
        return out;
    }

    private static List<Element> children(Element parent, String localName) {
        List<Element> out = new ArrayList<>();
        for (Node c = parent.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c instanceof Element e && GraphMlWriter.NS.equals(e.getNamespaceURI())
                    && localName.equals(e.getLocalName())) {
                out.add(e);
            }
        }
        return out;
    }

    private static void sortByIndex(List<Item> items, char prefix) {
        boolean indexed = items.stream().allMatch(i -> i.xmlId().matches(prefix + "\\d{1,9}"));
        if (indexed) {
            items.sort(Comparator.comparingInt(i -> Integer.parseInt(i.xmlId().substring(1))));
        }
    }
}
