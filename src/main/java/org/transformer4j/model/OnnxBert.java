package org.transformer4j.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.transformer4j.io.OnnxException;
import org.transformer4j.io.OnnxFile;
import org.transformer4j.io.OnnxNode;
import org.transformer4j.io.OnnxTensorEntry;
import org.transformer4j.nn.Activation;
import org.transformer4j.tensor.Kernels;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;

/**
 * A BERT-style encoder (all-MiniLM-L6-v2 and the other HF BertModel exports of torch.onnx) read from an ONNX file:
 * the initializers are named as HF BertModel's state dict by following the graph, then loaded through
 * {@link KeyMapping#BERT}, the same table as {@link HfBert}'s safetensors folders.
 *
 * <p>Exporters keep some HF names ({@code encoder.layer.0.attention.self.query.bias}) and generate others:
 * torch folds each Linear's transposed weight into a fresh initializer ({@code onnx::MatMul_787}, stored (in, out)
 * where torch's Linear stores (out, in)). Such a weight is named after the node that consumes it,
 * {@code /encoder/layer.0/attention/self/query/MatMul} giving {@code encoder.layer.0.attention.self.query.weight},
 * and transposed back. The sizes come from the weights' shapes; the head count from the attention's reshape to
 * (batch, length, heads, head_dim), the LayerNorm epsilon from its constant and the activation from the
 * feed-forward's operators (Erf: exact GELU).
 *
 * <pre>{@code
 * EncoderOnly miniLm = OnnxBert.load(Path.of("all-minilm-l6-v2.onnx"));
 * }</pre>
 */
public final class OnnxBert {
    private OnnxBert() {
    }

    private static final Pattern LAYER = Pattern.compile("encoder\\.layer\\.(\\d+)\\..*");

    /**
     * An initializer under its HF name, whether it is stored (in, out) and must be transposed, and for a weight
     * quantized to 8 bits its scale and zero point (else null): the weight is (q - zero point) * scale.
     */
    record Weight(OnnxTensorEntry entry, boolean transpose, OnnxTensorEntry scale, OnnxTensorEntry zeroPoint) {
        Weight(OnnxTensorEntry entry, boolean transpose) {
            this(entry, transpose, null, null);
        }

        int[] hfShape() {
            int[] s = entry.intShape();
            return transpose && s.length == 2 ? new int[] {s[1], s[0]} : s;
        }
    }

    /** The encoder of an ONNX file (a path inside a jar's zip file system works too), in evaluation mode. */
    public static EncoderOnly load(Path onnx) throws IOException {
        try (OnnxFile f = OnnxFile.open(onnx)) {
            return load(f);
        }
    }

    /** The encoder of an open ONNX file, in evaluation mode; errors name the file. */
    public static EncoderOnly load(OnnxFile f) {
        return inFile(f, () -> {
            Map<String, Weight> named = hfNames(f);
            TransformerConfig config = config(f, named);
            long stored = 0;
            for (Weight w : named.values()) {
                long bytes = w.entry().end() - w.entry().begin();
                stored += w.scale() != null ? bytes : bytes / 2;   // at most this many values: 1 byte quantized, else >= 2
            }
            HfFiles.requireFits(config, stored, "the graph's weights");
            EncoderOnly model = new EncoderOnly(config, new Rng(0));
            KeyMapping.BERT.load(model, named.keySet(), k -> {
                Weight w = named.get(k);
                Tensor t = f.load(w.entry(), Kernels.defaults());
                if (w.scale() != null) {                                       // (q - zero point) * scale, per tensor or column
                    Tensor zero = w.zeroPoint() == null ? Tensor.scalar(0f) : f.load(w.zeroPoint(), Kernels.defaults());
                    t = t.sub(zero).mul(f.load(w.scale(), Kernels.defaults()));
                }
                return w.transpose() ? t.transpose(0, 1).contiguous() : t;   // (in, out) -> (out, in)
            });
            if (f.nodes().stream().anyMatch(n -> n.opType().equals("MatMulInteger"))) {
                // quantize_dynamic's graph also quantizes each linear layer's input to 8 bits: do the same
                org.transformer4j.nn.InputQuantization.enable(model, true);
            }
            model.eval();
            return model;
        });
    }

    /** Runs a step of reading f, prefixing the file's name to the errors that do not name it yet. */
    static <T> T inFile(OnnxFile f, java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (OnnxException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(f.label() + ": " + e.getMessage(), e);
        }
    }

    /** Our config for the graph: sizes from the weights, heads, epsilon and activation from the operators. */
    static TransformerConfig config(OnnxFile f, Map<String, Weight> named) {
        int[] words = shape(named, "embeddings.word_embeddings.weight");             // (vocab, d)
        int[] positions = shape(named, "embeddings.position_embeddings.weight");     // (max positions, d)
        int[] types = shape(named, "embeddings.token_type_embeddings.weight");       // (types, d)
        int[] ff = shape(named, "encoder.layer.0.intermediate.dense.weight");        // (d_ff, d)
        TreeSet<Integer> layers = new TreeSet<>();
        for (String k : named.keySet()) {
            Matcher m = LAYER.matcher(k);
            if (m.matches()) {
                layers.add(Integer.parseInt(m.group(1)));
            }
        }
        if (layers.isEmpty() || layers.size() != layers.last() + 1) {
            throw new IllegalArgumentException("the graph's encoder layers are numbered " + layers + ", not 0..N-1");
        }
        Graph g = new Graph(f);
        int d = words[1];
        return HfBert.config(words[0], d, g.heads(d), layers.last() + 1, ff[0], positions[0], types[0], g.epsilon(),
                g.activation());
    }

    private static int[] shape(Map<String, Weight> named, String key) {
        Weight w = named.get(key);
        if (w == null) {
            throw new IllegalArgumentException("no initializer of the graph is HF BertModel's " + key);
        }
        int[] s = w.hfShape();
        if (s.length != 2) {
            throw new IllegalArgumentException(key + " (initializer '" + w.entry().name() + "') has shape "
                    + w.entry().shapeString() + ", expected a matrix");
        }
        return s;
    }

    /**
     * Every initializer the graph uses, under its HF BertModel name. A name the table knows is kept; a generated
     * one is derived from the node that consumes it. Unused initializers are skipped.
     */
    static Map<String, Weight> hfNames(OnnxFile f) {
        Graph g = new Graph(f);
        Map<String, Weight> out = new LinkedHashMap<>();
        Map<String, String> from = new HashMap<>();
        Map<String, OnnxTensorEntry[]> quantized = quantizedWeights(f, g);  // weight -> {scale, zero point}
        java.util.Set<String> auxiliary = new java.util.HashSet<>();
        for (OnnxTensorEntry[] q : quantized.values()) {
            for (OnnxTensorEntry e : q) {
                if (e != null) {
                    auxiliary.add(e.name());
                }
            }
        }
        for (OnnxTensorEntry e : f.initializers()) {
            if (auxiliary.contains(e.name())) {
                continue;
            }
            List<Use> uses = g.consumers.getOrDefault(e.name(), List.of());
            Weight w = null;
            String hf = null;
            for (Use u : uses) {
                String[] name = new String[1];
                boolean transpose = nameFor(g, e, u, name);
                if (name[0] == null) {
                    throw new IllegalArgumentException("initializer '" + e.name() + "' (input " + u.index() + " of "
                            + u.node().opType() + " node '" + u.node().name() + "') is not a weight of HF BertModel");
                }
                if (hf != null && !hf.equals(name[0])) {
                    throw new IllegalArgumentException("initializer '" + e.name() + "' is used as both " + hf + " and "
                            + name[0]);
                }
                hf = name[0];
                OnnxTensorEntry[] q = quantized.get(e.name());
                w = q == null ? new Weight(e, transpose) : new Weight(e, transpose, q[0], q[1]);
            }
            if (hf == null) {
                continue;
            }
            String before = from.put(hf, e.name());
            if (before != null) {
                throw new IllegalArgumentException("initializers '" + before + "' and '" + e.name() + "' are both " + hf);
            }
            boolean weight = KeyMapping.BERT.ours(hf) != null;                 // not an ignored buffer
            if (weight && w.scale() == null && e.dataType() != OnnxTensorEntry.FLOAT
                    && e.dataType() != OnnxTensorEntry.FLOAT16) {
                throw new IllegalArgumentException("initializer '" + e.name() + "' (" + hf + ") is " + e.typeName()
                        + "; transformer4j loads FLOAT and FLOAT16 weights and 8-bit ones that a DequantizeLinear or "
                        + "MatMulInteger reads");
            }
            out.put(hf, w);
        }
        return out;
    }

    /**
     * The weights of a dynamically quantized graph (onnxruntime's quantize_dynamic) with their scale and zero
     * point: the 8-bit weight of each MatMulInteger (its zero point is input 3; its scale the initializer that
     * the node's "scales" Mul multiplies with the activation's scale, found down MatMulInteger -> Cast -> Mul),
     * and each 8-bit table a Gather reads whose output a DequantizeLinear turns back to floats.
     */
    private static Map<String, OnnxTensorEntry[]> quantizedWeights(OnnxFile f, Graph g) {
        Map<String, OnnxTensorEntry[]> out = new HashMap<>();
        for (OnnxNode n : f.nodes()) {
            if (n.opType().equals("MatMulInteger") && n.inputs().size() >= 2 && f.contains(n.inputs().get(1))) {
                OnnxTensorEntry zero = n.inputs().size() > 3 && f.contains(n.inputs().get(3))
                        ? f.initializer(n.inputs().get(3)) : null;
                OnnxTensorEntry scale = matMulIntegerScale(f, g, n);
                if (scale == null) {
                    throw new IllegalArgumentException("MatMulInteger node '" + n.name() + "': cannot find its weight's "
                            + "scale (expected MatMulInteger -> Cast -> Mul by the product of the input's and the weight's scales)");
                }
                out.put(n.inputs().get(1), new OnnxTensorEntry[] {scale, zero});
            } else if (n.opType().equals("DequantizeLinear") && n.inputs().size() >= 2) {
                OnnxNode gather = g.producers.get(n.inputs().get(0));
                String table = gather != null && gather.opType().equals("Gather") ? gather.inputs().get(0) : null;
                if (table != null && f.contains(table) && f.contains(n.inputs().get(1))) {
                    OnnxTensorEntry zero = n.inputs().size() > 2 && f.contains(n.inputs().get(2))
                            ? f.initializer(n.inputs().get(2)) : null;
                    out.put(table, new OnnxTensorEntry[] {f.initializer(n.inputs().get(1)), zero});
                }
            }
        }
        return out;
    }

    private static OnnxTensorEntry matMulIntegerScale(OnnxFile f, Graph g, OnnxNode matMul) {
        for (Use cast : g.consumers.getOrDefault(matMul.outputs().get(0), List.of())) {
            if (!cast.node().opType().equals("Cast")) {
                continue;
            }
            for (Use mul : g.consumers.getOrDefault(cast.node().outputs().get(0), List.of())) {
                if (!mul.node().opType().equals("Mul")) {
                    continue;
                }
                String other = mul.node().inputs().get(1 - mul.index());
                OnnxNode scales = g.producers.get(other);
                if (scales != null && scales.opType().equals("Mul")) {
                    for (String in : scales.inputs()) {
                        if (f.contains(in)) {
                            return f.initializer(in);
                        }
                    }
                }
            }
        }
        return null;
    }

    /** Sets name[0] to the HF name of initializer e as input u.index of u.node (or null); returns whether to transpose. */
    private static boolean nameFor(Graph g, OnnxTensorEntry e, Use u, String[] name) {
        OnnxNode n = u.node();
        String scope = scope(n.name());
        String own = normalize(e.name());
        switch (n.opType()) {
            case "MatMul", "MatMulInteger" -> {        // x @ W with W (in, out)
                if (u.index() == 1) {
                    name[0] = known(scope.isEmpty() ? null : scope + ".weight", own);
                    return true;
                }
            }
            case "Gemm" -> {                           // alpha x W' + beta b, W' = W^T when transB
                OnnxNode.Attribute tb = n.attribute("transB");
                if (u.index() == 1) {
                    name[0] = known(scope.isEmpty() ? null : scope + ".weight", own);
                    return tb == null || tb.i() == 0;
                }
                if (u.index() == 2) {
                    name[0] = known(scope.isEmpty() ? null : scope + ".bias", own);
                    return false;
                }
            }
            case "Transpose" -> {                      // Transpose(W (out, in)) feeding a MatMul: stored as torch's Linear
                for (Use next : g.consumers.getOrDefault(n.outputs().isEmpty() ? "" : n.outputs().get(0), List.of())) {
                    if (next.node().opType().equals("MatMul") && next.index() == 1) {
                        String s = scope(next.node().name());
                        name[0] = known(own, s.isEmpty() ? null : s + ".weight");
                        return false;
                    }
                }
            }
            default -> { }
        }
        String last = scope.contains(".") ? scope.substring(scope.lastIndexOf('.') + 1) : scope;
        String derived = switch (n.opType()) {
            case "Gather" -> u.index() == 0 ? scope + ".weight" : null;
            case "Add" -> scope + ".bias";             // a Linear's bias, or a decomposed LayerNorm's shift
            case "Mul" -> last.equals("LayerNorm") ? scope + ".weight" : null;
            case "LayerNormalization" -> u.index() == 1 ? scope + ".weight" : u.index() == 2 ? scope + ".bias" : null;
            default -> null;
        };
        name[0] = known(own, scope.isEmpty() ? null : derived);
        return false;
    }

    /** The first candidate the BERT table knows, or null. */
    private static String known(String... candidates) {
        for (String c : candidates) {
            if (c != null && KeyMapping.BERT.knows(c)) {
                return c;
            }
        }
        return null;
    }

    /** "/encoder/layer.0/attention/self/query/MatMul" -> "encoder.layer.0.attention.self.query". */
    static String scope(String nodeName) {
        String s = nodeName.startsWith("/") ? nodeName.substring(1) : nodeName;
        int slash = s.lastIndexOf('/');
        return slash < 0 ? "" : normalize(s.substring(0, slash).replace('/', '.'));
    }

    /** Drops wrapper prefixes (sentence-transformers' "0.auto_model.", "bert.") before "embeddings"/"encoder"/"pooler". */
    static String normalize(String name) {
        String[] parts = name.split("\\.", -1);
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].equals("embeddings") || parts[i].equals("encoder") || parts[i].equals("pooler")) {
                return String.join(".", java.util.Arrays.copyOfRange(parts, i, parts.length));
            }
        }
        return name;
    }

    /** Input index of a node that reads a value. */
    record Use(OnnxNode node, int index) {
    }

    /** The graph's wiring: who consumes and who produces each value, and what its constants say. */
    static final class Graph {
        private final OnnxFile file;
        final Map<String, List<Use>> consumers = new HashMap<>();
        final Map<String, OnnxNode> producers = new HashMap<>();

        Graph(OnnxFile file) {
            this.file = file;
            for (OnnxNode n : file.nodes()) {
                for (int i = 0; i < n.inputs().size(); i++) {
                    consumers.computeIfAbsent(n.inputs().get(i), k -> new ArrayList<>()).add(new Use(n, i));
                }
                for (String o : n.outputs()) {
                    producers.put(o, n);
                }
            }
        }

        /** Heads from the reshapes to (batch, length, heads, d / heads) in self-attention; all must agree. */
        int heads(int d) {
            TreeSet<Long> found = new TreeSet<>();
            for (OnnxNode n : file.nodes()) {
                if (!n.opType().equals("Reshape") || n.inputs().size() < 2) {
                    continue;
                }
                long[] target = shapeValue(n.inputs().get(1));
                if (target != null && target.length == 4 && target[2] > 0 && target[3] > 0 && target[2] * target[3] == d) {
                    found.add(target[2]);
                } else if (target != null && target.length == 4 && target[2] == -1 && target[3] > 0 && d % target[3] == 0
                        && target[3] < d) {
                    found.add(d / target[3]);                                 // newer exports: (batch, length, -1, head_dim)
                }
            }
            if (found.size() != 1) {
                throw new IllegalArgumentException(found.isEmpty()
                        ? "cannot find the number of attention heads: no Reshape to (batch, length, heads, head_dim)"
                        : "the attention reshapes disagree on the number of heads: " + found);
            }
            return Math.toIntExact(found.first());
        }

        /** A constant int64 list: an initializer, a Constant, or a Concat of constants (other parts as -1). */
        private long[] shapeValue(String value) {
            long[] direct = longs(value);
            if (direct != null) {
                return direct;
            }
            OnnxNode p = producers.get(value);
            if (p == null || !p.opType().equals("Concat")) {
                return null;
            }
            List<Long> parts = new ArrayList<>();
            for (String in : p.inputs()) {
                long[] c = longs(in);
                if (c == null) {
                    parts.add(-1L);
                } else {
                    for (long v : c) {
                        parts.add(v);
                    }
                }
            }
            return parts.stream().mapToLong(Long::longValue).toArray();
        }

        private long[] longs(String value) {
            OnnxTensorEntry t = constant(value);
            if (t != null) {
                return t.dataType() == OnnxTensorEntry.INT64 && t.elementCount() <= 16 ? file.loadLongs(t) : null;
            }
            OnnxNode p = producers.get(value);
            OnnxNode.Attribute ints = p != null && p.opType().equals("Constant") ? p.attribute("value_ints") : null;
            return ints == null ? null : ints.ints();
        }

        /** The tensor behind a value that is an initializer or a Constant node's "value", or null. */
        private OnnxTensorEntry constant(String value) {
            if (file.contains(value)) {
                return file.initializer(value);
            }
            OnnxNode p = producers.get(value);
            OnnxNode.Attribute a = p != null && p.opType().equals("Constant") ? p.attribute("value") : null;
            return a == null ? null : a.t();
        }

        /** LayerNorm's epsilon: the LayerNormalization attribute, or the constant added to the variance. */
        float epsilon() {
            TreeSet<Float> found = new TreeSet<>();
            for (OnnxNode n : file.nodes()) {
                if (n.opType().equals("LayerNormalization")) {
                    OnnxNode.Attribute eps = n.attribute("epsilon");
                    found.add(eps == null ? 1e-5f : eps.f());          // the operator's default
                } else if (n.opType().equals("Add") && n.inputs().size() == 2 && scope(n.name()).endsWith("LayerNorm")) {
                    for (int i = 0; i < 2; i++) {
                        OnnxNode other = producers.get(n.inputs().get(1 - i));
                        OnnxTensorEntry c = constant(n.inputs().get(i));
                        if (other != null && other.opType().equals("ReduceMean") && c != null && c.elementCount() == 1
                                && c.dataType() == OnnxTensorEntry.FLOAT) {
                            found.add(file.load(c, Kernels.defaults()).item());
                        }
                    }
                }
            }
            if (found.size() != 1) {
                throw new IllegalArgumentException(found.isEmpty() ? "cannot find the LayerNorm epsilon in the graph"
                        : "the LayerNorms use different epsilons " + found + "; transformer4j uses one");
            }
            return found.first();
        }

        /** The feed-forward activation from the operators of the intermediate layers (all nodes when unnamed). */
        Activation activation() {
            List<OnnxNode> ff = file.nodes().stream().filter(n -> scope(n.name()).contains("intermediate")).toList();
            for (OnnxNode n : ff.isEmpty() ? file.nodes() : ff) {
                switch (n.opType()) {
                    case "Erf" -> {
                        return Activation.GELU;
                    }
                    case "Gelu" -> {
                        OnnxNode.Attribute a = n.attribute("approximate");
                        return a != null && "tanh".equals(a.s()) ? Activation.GELU_TANH : Activation.GELU;
                    }
                    case "Tanh", "FastGelu" -> {
                        return Activation.GELU_TANH;
                    }
                    case "Relu" -> {
                        return Activation.RELU;
                    }
                    default -> { }
                }
            }
            throw new IllegalArgumentException("cannot tell the feed-forward activation from the graph (no Erf, Gelu, Tanh"
                    + " or Relu in the intermediate layers)");
        }
    }
}
