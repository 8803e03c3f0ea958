package org.transformer4j.figure;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.transformer4j.nn.Module;

/**
 * The paper-level picture in the style of Figure 1 of "Attention Is All You Need", derived from the
 * trace: attention, feed-forward, norm, embedding and output modules become one box each, dropout and
 * scaling steps are left out, repeated layers are drawn once with "N x", and the norm is drawn where
 * the model put it: a residual add whose only consumer is a norm becomes "Add &amp; Norm" (Post-LN); a
 * norm that feeds a sublayer stays "Norm" and the add after the sublayer stays "Add" (Pre-LN).
 */
final class PaperView {
    private static final Set<String> BOXES = Set.of("MultiHeadAttention", "LinearAttention", "FeedForward", "LayerNorm",
            "RMSNorm", "Embedding", "Dropout", "OutputProjection", "Linear", "ClassificationHead",
            "TokenClassificationHead", "MaskedLMHead");

    private PaperView() {
    }

    static Figure build(Trace t, String title) {
        Figure coarse = GraphBuilder.collapsedAt(t, Figure.Level.PAPER, title, p -> {
            Module m = t.module(p);
            return m != null && BOXES.contains(m.getClass().getSimpleName());
        }, false);
        Figure collapsed = Repeats.collapse(coarse, Set.of());
        EditableGraph g = new EditableGraph(collapsed, Figure.Level.PAPER);
        int embeddings = 0;
        int inputs = 0;
        for (FigureNode n : new ArrayList<>(g.nodes.values())) {
            String id = n.id();
            switch (n.kind()) {
                case "Dropout" -> g.bridgeOut(id);
                case "input" -> g.relabel(id, inputs++ == 0 ? "Inputs" : "Outputs\n(shifted right)", "io");
                case "output" -> g.relabel(id, "Output\nProbabilities", "io");
                case "constant" -> g.relabel(id, n.label().equals("positional encoding") ? "Positional\nEncoding" : n.label(), "embedding");
                case "Embedding" -> {
                    if (id.endsWith(".positions")) {
                        g.relabel(id, "Positional\nEmbedding", "embedding");
                    } else {
                        g.relabel(id, embeddings++ == 0 ? "Input\nEmbedding" : "Output\nEmbedding", "embedding");
                    }
                }
                case "MultiHeadAttention", "LinearAttention" -> g.relabel(id, attentionLabel(t, id, n.kind()), "attention");
                case "FeedForward" -> g.relabel(id, "Feed\nForward", "feedforward");
                case "LayerNorm", "RMSNorm" -> g.relabel(id, "Norm", "norm");
                case "OutputProjection", "Linear" -> g.relabel(id, "Linear", "linear");
                case "softmax" -> g.relabel(id, "Softmax", "softmax");
                case "mul" -> {
                    if (n.label().startsWith("\u00d7")) {
                        g.bridgeOut(id); // the sqrt(d) embedding scale: a detail below this level
                    }
                }
                case "add" -> g.relabel(id, n.label().startsWith("+ ") ? "\u2295" : "Add", "add");
                default -> { }
            }
        }
        mergeAddAndNorm(g);
        // Frames only for the repeated layers ("N x"), titled by their stack.
        for (FigureGroup grp : new ArrayList<>(g.groups.values())) {
            if (grp.repeat() > 1) {
                String stack = grp.path().contains(".") ? grp.path().substring(0, grp.path().indexOf('.')) : grp.path();
                g.groups.put(grp.id(), new FigureGroup(grp.id(), capitalise(stack), grp.path(), grp.repeat(), grp.children()));
            } else {
                g.ungroup(grp.id());
            }
        }
        return g.toFigure();
    }

    /** Post-LN: "Add" whose single consumer is a "Norm" (and nothing else reads the add) becomes "Add & Norm". */
    private static void mergeAddAndNorm(EditableGraph g) {
        for (FigureNode n : new ArrayList<>(g.nodes.values())) {
            if (!g.nodes.containsKey(n.id()) || !"Add".equals(n.label())) {
                continue;
            }
            List<String> next = g.successors(n.id());
            // Only a norm of the same layer: a stack's final norm after the last add stays a norm of its own.
            if (next.size() == 1 && "Norm".equals(g.nodes.get(next.get(0)).label())
                    && parent(g.nodes.get(next.get(0)).path()).equals(n.path())) {
                String norm = next.get(0);
                g.merge(n.id(), norm);
                g.relabel(norm, "Add & Norm", "norm");
            }
        }
    }

    private static String attentionLabel(Trace t, String path, String kind) {
        boolean causal = t.ops().stream().anyMatch(o -> (o.path().equals(path) || o.path().startsWith(path + "."))
                && ("causal mask".equals(o.name()) || "causal recurrence".equals(o.name())));
        String base = kind.equals("LinearAttention") ? "Linear Attention\n(fast weights)" : "Multi-Head\nAttention";
        return (causal ? "Masked " : "") + base;
    }

    private static String parent(String path) {
        return path.contains(".") ? path.substring(0, path.lastIndexOf('.')) : "";
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
