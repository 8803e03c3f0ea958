package org.transformer4j.figure;

import java.util.ArrayList;
import java.util.List;

/** Hand-built figures for the figure tests and the sample pictures. */
final class FigureSamples {
    private FigureSamples() {
    }

    static FigureNode node(Figure f, String id, String label, String style) {
        return f.add(new FigureNode(id, style, label, "", null, style));
    }

    static void edge(Figure f, String from, String to) {
        f.connect(new FigureEdge(from, to, null, null));
    }

    static void edge(Figure f, String from, String to, String label, int... shape) {
        f.connect(new FigureEdge(from, to, shape.length == 0 ? null : shape, label));
    }

    /** An encoder stack as in the left half of the paper's Figure 1, with a classifier on top. */
    static Figure encoder() {
        Figure f = new Figure("Transformer encoder", Figure.Level.PAPER);
        node(f, "inputs", "Inputs", "io");
        node(f, "embed", "Input\nEmbedding", "embedding");
        node(f, "pos", "Positional\nEncoding", "io");
        node(f, "add", "+", "add");
        node(f, "mha", "Multi-Head\nAttention", "attention");
        node(f, "norm1", "Add & Norm", "norm");
        node(f, "ff", "Feed\nForward", "feedforward");
        node(f, "norm2", "Add & Norm", "norm");
        node(f, "linear", "Linear", "linear");
        node(f, "softmax", "Softmax", "softmax");
        node(f, "out", "Output\nProbabilities", "io");
        f.group(new FigureGroup("group:encoder", "Encoder", "encoder", 6, List.of("mha", "norm1", "ff", "norm2")));
        edge(f, "inputs", "embed");
        edge(f, "embed", "add");
        edge(f, "pos", "add");
        edge(f, "add", "mha", "V");
        edge(f, "add", "mha", "K");
        edge(f, "add", "mha", "Q");
        edge(f, "add", "norm1");
        edge(f, "mha", "norm1");
        edge(f, "norm1", "ff");
        edge(f, "norm1", "norm2");
        edge(f, "ff", "norm2");
        edge(f, "norm2", "linear");
        edge(f, "linear", "softmax");
        edge(f, "softmax", "out");
        return f;
    }

    /** The whole of the paper's Figure 1: encoder, decoder with cross-attention, output head. */
    static Figure paper() {
        Figure f = new Figure("Transformer (Vaswani et al. 2017, Figure 1)", Figure.Level.PAPER);
        node(f, "inputs", "Inputs", "io");
        node(f, "embed", "Input\nEmbedding", "embedding");
        node(f, "pos", "Positional\nEncoding", "io");
        node(f, "add", "+", "add");
        node(f, "e.mha", "Multi-Head\nAttention", "attention");
        node(f, "e.norm1", "Add & Norm", "norm");
        node(f, "e.ff", "Feed\nForward", "feedforward");
        node(f, "e.norm2", "Add & Norm", "norm");
        node(f, "outputs", "Outputs\n(shifted right)", "io");
        node(f, "dembed", "Output\nEmbedding", "embedding");
        node(f, "dpos", "Positional\nEncoding", "io");
        node(f, "dadd", "+", "add");
        node(f, "d.mmha", "Masked\nMulti-Head\nAttention", "attention");
        node(f, "d.norm1", "Add & Norm", "norm");
        node(f, "d.mha", "Multi-Head\nAttention", "attention");
        node(f, "d.norm2", "Add & Norm", "norm");
        node(f, "d.ff", "Feed\nForward", "feedforward");
        node(f, "d.norm3", "Add & Norm", "norm");
        node(f, "linear", "Linear", "linear");
        node(f, "softmax", "Softmax", "softmax");
        node(f, "probs", "Output\nProbabilities", "io");
        f.group(new FigureGroup("group:encoder", "Encoder", "encoder", 6,
                List.of("e.mha", "e.norm1", "e.ff", "e.norm2")));
        f.group(new FigureGroup("group:decoder", "Decoder", "decoder", 6,
                List.of("d.mmha", "d.norm1", "d.mha", "d.norm2", "d.ff", "d.norm3")));
        edge(f, "inputs", "embed");
        edge(f, "embed", "add");
        edge(f, "pos", "add");
        edge(f, "add", "e.mha", "V");
        edge(f, "add", "e.mha", "K");
        edge(f, "add", "e.mha", "Q");
        edge(f, "add", "e.norm1");
        edge(f, "e.mha", "e.norm1");
        edge(f, "e.norm1", "e.ff");
        edge(f, "e.norm1", "e.norm2");
        edge(f, "e.ff", "e.norm2");
        edge(f, "outputs", "dembed");
        edge(f, "dembed", "dadd");
        edge(f, "dpos", "dadd");
        edge(f, "dadd", "d.mmha", "V");
        edge(f, "dadd", "d.mmha", "K");
        edge(f, "dadd", "d.mmha", "Q");
        edge(f, "dadd", "d.norm1");
        edge(f, "d.mmha", "d.norm1");
        edge(f, "e.norm2", "d.mha", "V");
        edge(f, "e.norm2", "d.mha", "K");
        edge(f, "d.norm1", "d.mha", "Q");
        edge(f, "d.norm1", "d.norm2");
        edge(f, "d.mha", "d.norm2");
        edge(f, "d.norm2", "d.ff");
        edge(f, "d.norm2", "d.norm3");
        edge(f, "d.ff", "d.norm3");
        edge(f, "d.norm3", "linear");
        edge(f, "linear", "softmax");
        edge(f, "softmax", "probs");
        return f;
    }

    /**
     * A small ops-level figure with nested groups, edges that cross group borders, tensor shapes, odd
     * characters and multi-line labels.
     */
    static Figure nested() {
        Figure f = new Figure("nested <&>\"' ünïcode ✓", Figure.Level.OPS);
        f.add(new FigureNode("x", "input", "x", "", new int[] {2, 5, 16}, "io"));
        f.add(new FigureNode("l0.attn#0", "matmul", "q = x·Wq", "layers.0.attn", new int[] {2, 5, 16}, "linear"));
        f.add(new FigureNode("l0.attn#1", "matmul", "k = x·Wk", "layers.0.attn", new int[] {2, 5, 16}, "linear"));
        f.add(new FigureNode("l0.attn#2", "softmax", "softmax(q·kᵀ/√d)\n<masked & scaled>", "layers.0.attn",
                new int[] {2, 4, 5, 5}, "softmax"));
        f.add(new FigureNode("l0.attn#3", "matmul", "\"weights\" · v", "layers.0.attn", new int[] {2, 5, 16}, "attention"));
        f.add(new FigureNode("l0#4", "add", "+", "layers.0", new int[] {2, 5, 16}, "add"));
        f.add(new FigureNode("l0#5", "layer_norm", "LayerNorm 'γ,β'", "layers.0", new int[] {2, 5, 16}, "norm"));
        f.add(new FigureNode("w", "parameter", "W_out\n(16, 16)", "", new int[] {16, 16}, "parameter"));
        f.add(new FigureNode("y", "output", "y", "", null, "io"));
        f.group(new FigureGroup("group:layers.0.attn", "Self-Attention <sdpa>", "layers.0.attn", 1,
                List.of("l0.attn#0", "l0.attn#1", "l0.attn#2", "l0.attn#3")));
        f.group(new FigureGroup("group:layers.0", "Layer & \"0\"", "layers.0", 6,
                List.of("group:layers.0.attn", "l0#4", "l0#5")));
        f.connect(new FigureEdge("x", "l0.attn#0", new int[] {2, 5, 16}, null));
        f.connect(new FigureEdge("x", "l0.attn#1", new int[] {2, 5, 16}, null));
        f.connect(new FigureEdge("l0.attn#0", "l0.attn#2", new int[] {2, 5, 16}, "Q"));
        f.connect(new FigureEdge("l0.attn#1", "l0.attn#2", new int[] {2, 5, 16}, "K"));
        f.connect(new FigureEdge("x", "l0.attn#3", new int[] {2, 5, 16}, "V"));
        f.connect(new FigureEdge("l0.attn#2", "l0.attn#3", new int[] {2, 4, 5, 5}, null));
        f.connect(new FigureEdge("l0.attn#3", "l0#4", new int[] {2, 5, 16}, null));
        f.connect(new FigureEdge("x", "l0#4", new int[] {2, 5, 16}, "residual"));
        f.connect(new FigureEdge("l0#4", "l0#5", new int[] {2, 5, 16}, null));
        f.connect(new FigureEdge("l0#5", "y", new int[] {2, 5, 16}, null));
        f.connect(new FigureEdge("w", "y", new int[] {16, 16}, ""));
        return f;
    }

    /**
     * An ops-level sized figure: {@code layers} layers of about 25 ops each, every layer a group with
     * an attention subgroup, residual edges skipping the sublayers.
     */
    static Figure large(int layers) {
        Figure f = new Figure("large", Figure.Level.OPS);
        f.add(new FigureNode("in", "input", "tokens", "", new int[] {2, 64}, "io"));
        f.add(new FigureNode("emb", "embedding", "embedding", "embed", new int[] {2, 64, 128}, "embedding"));
        f.connect(new FigureEdge("in", "emb", new int[] {2, 64}, null));
        String prev = "emb";
        for (int l = 0; l < layers; l++) {
            String p = "layers." + l;
            List<String> attn = new ArrayList<>();
            List<String> layer = new ArrayList<>();
            String ln1 = op(f, p + "#ln1", "layer_norm", p, "norm", layer);
            f.connect(new FigureEdge(prev, ln1, new int[] {2, 64, 128}, null));
            String q = op(f, p + ".attn#q", "matmul", p + ".attn", "linear", attn);
            String k = op(f, p + ".attn#k", "matmul", p + ".attn", "linear", attn);
            String v = op(f, p + ".attn#v", "matmul", p + ".attn", "linear", attn);
            for (String s : List.of(q, k, v)) {
                f.connect(new FigureEdge(ln1, s, new int[] {2, 64, 128}, null));
            }
            String[] heads = new String[3];
            String[] names = {q, k, v};
            for (int i = 0; i < 3; i++) {
                heads[i] = op(f, p + ".attn#split" + i, "reshape", p + ".attn", "op", attn);
                f.connect(new FigureEdge(names[i], heads[i], new int[] {2, 64, 128}, null));
            }
            String kt = op(f, p + ".attn#kt", "transpose", p + ".attn", "op", attn);
            f.connect(new FigureEdge(heads[1], kt, new int[] {2, 4, 64, 32}, null));
            String s = op(f, p + ".attn#scores", "matmul", p + ".attn", "attention", attn);
            f.connect(new FigureEdge(heads[0], s, null, "Q"));
            f.connect(new FigureEdge(kt, s, null, "Kᵀ"));
            String sc = op(f, p + ".attn#scale", "mul", p + ".attn", "op", attn);
            f.connect(new FigureEdge(s, sc, new int[] {2, 4, 64, 64}, null));
            String mask = op(f, p + ".attn#mask", "masked_fill", p + ".attn", "op", attn);
            f.connect(new FigureEdge(sc, mask, new int[] {2, 4, 64, 64}, null));
            String sm = op(f, p + ".attn#softmax", "softmax", p + ".attn", "softmax", attn);
            f.connect(new FigureEdge(mask, sm, new int[] {2, 4, 64, 64}, null));
            String av = op(f, p + ".attn#av", "matmul", p + ".attn", "attention", attn);
            f.connect(new FigureEdge(sm, av, null, null));
            f.connect(new FigureEdge(heads[2], av, null, "V"));
            String merge = op(f, p + ".attn#merge", "reshape", p + ".attn", "op", attn);
            f.connect(new FigureEdge(av, merge, new int[] {2, 4, 64, 32}, null));
            String o = op(f, p + ".attn#o", "matmul", p + ".attn", "linear", attn);
            f.connect(new FigureEdge(merge, o, new int[] {2, 64, 128}, null));
            String add1 = op(f, p + "#add1", "add", p, "add", layer);
            f.connect(new FigureEdge(o, add1, null, null));
            f.connect(new FigureEdge(prev, add1, null, null));
            String ln2 = op(f, p + "#ln2", "layer_norm", p, "norm", layer);
            f.connect(new FigureEdge(add1, ln2, null, null));
            String up = op(f, p + ".ff#up", "matmul", p + ".ff", "feedforward", layer);
            f.connect(new FigureEdge(ln2, up, null, null));
            String act = op(f, p + ".ff#gelu", "gelu", p + ".ff", "feedforward", layer);
            f.connect(new FigureEdge(up, act, new int[] {2, 64, 512}, null));
            String down = op(f, p + ".ff#down", "matmul", p + ".ff", "feedforward", layer);
            f.connect(new FigureEdge(act, down, new int[] {2, 64, 512}, null));
            String add2 = op(f, p + "#add2", "add", p, "add", layer);
            f.connect(new FigureEdge(down, add2, null, null));
            f.connect(new FigureEdge(add1, add2, null, null));
            f.group(new FigureGroup("group:" + p + ".attn", "attention", p + ".attn", 1, attn));
            List<String> children = new ArrayList<>(layer);
            children.add(1, "group:" + p + ".attn");
            f.group(new FigureGroup("group:" + p, "layer " + l, p, 1, children));
            prev = add2;
        }
        f.add(new FigureNode("lnf", "layer_norm", "layer_norm", "ln_f", new int[] {2, 64, 128}, "norm"));
        f.connect(new FigureEdge(prev, "lnf", new int[] {2, 64, 128}, null));
        f.add(new FigureNode("head", "matmul", "lm_head", "lm_head", new int[] {2, 64, 1000}, "linear"));
        f.connect(new FigureEdge("lnf", "head", new int[] {2, 64, 128}, null));
        return f;
    }

    private static String op(Figure f, String id, String kind, String path, String style, List<String> into) {
        f.add(new FigureNode(id, kind, kind.equals("add") ? "+" : kind, path, new int[] {2, 64, 128}, style));
        into.add(id);
        return id;
    }

    /**
     * Everything a writer could get wrong: nulls and empty strings in every field, a scalar's empty
     * shape, quotes, backslashes, line breaks, tabs, DOT and XML syntax inside ids, CJK and emoji,
     * groups declared in an order that is not the nesting order, an empty group, a self loop.
     * {@code control} adds control characters that XML cannot carry.
     */
    static Figure tricky(boolean control) {
        Figure f = new Figure("a \\ \"title\"\nline two", Figure.Level.NEURONS);
        f.add(new FigureNode("plain", "input", "Inputs", "", new int[] {2, 3}, "io"));
        f.add(new FigureNode("quote\"d -> id", null, null, null, null, null));
        f.add(new FigureNode("cluster_x", "", "", "", new int[0], ""));
        f.add(new FigureNode("<&>'\"", "kind <&>", "multi\nline\r\nlabel\twith tab", "p.a\\b", new int[] {1}, "diff-added"));
        f.add(new FigureNode("漢字 🙂", "neuron", "🙂 σ(x) ✓ ×6", "layers.0", new int[] {0, 7}, "diff-changed"));
        f.add(new FigureNode("sp ace;{}[]=,", "x", control ? "ctl\u0001\u001f" : "# not a comment // nor this",
                "/* path */", null, "diff-removed"));
        f.connect(new FigureEdge("plain", "quote\"d -> id", new int[] {2, 3}, "Q"));
        f.connect(new FigureEdge("quote\"d -> id", "cluster_x", null, ""));
        f.connect(new FigureEdge("cluster_x", "<&>'\"", new int[0], "a \"label\"\n2"));
        f.connect(new FigureEdge("<&>'\"", "漢字 🙂", null, null));
        f.connect(new FigureEdge("<&>'\"", "漢字 🙂", null, null));
        f.connect(new FigureEdge("漢字 🙂", "sp ace;{}[]=,", new int[] {4, 5, 6, 7}, "🙂"));
        f.connect(new FigureEdge("sp ace;{}[]=,", "sp ace;{}[]=,", null, "self"));
        f.group(new FigureGroup("group:inner", null, null, 1, List.of("漢字 🙂", "<&>'\"")));
        f.group(new FigureGroup("group:empty \"x\"", "", "", 3, List.of()));
        f.group(new FigureGroup("group:outer", "Outer <&> \"6\"", "outer", 6,
                List.of("sp ace;{}[]=,", "group:inner", "group:empty \"x\"")));
        f.group(new FigureGroup("group:later", "Later", "later", 2, List.of("cluster_x")));
        return f;
    }
}
