package org.transformer4j.io;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the parts of an ONNX ModelProto (onnx/onnx.proto) that weight loading needs: the model's header fields,
 * the graph's nodes with their attributes, its initializers (where their values lie, not the values) and the
 * names of its inputs and outputs. Everything else is skipped by wire type. Every length is checked before use.
 */
final class OnnxParser {
    /** More dimensions than any real tensor has; a guard against a file listing millions. */
    static final int MAX_RANK = 64;

    /** What the file holds. */
    record Parsed(long irVersion, String producer, Map<String, Long> opsets, String graphName, List<OnnxNode> nodes,
                  List<OnnxTensorEntry> initializers, List<String> inputs, List<String> outputs) {
    }

    private final String label;
    private final MemorySegment data;

    private OnnxParser(String label, MemorySegment data) {
        this.label = label;
        this.data = data;
    }

    static Parsed parse(String label, MemorySegment data) {
        if (data.byteSize() == 0) {
            throw new OnnxException(label, "file is empty");
        }
        return new OnnxParser(label, data).model(new ProtoReader(label, data, 0, data.byteSize(), "ModelProto"));
    }

    private Parsed model(ProtoReader r) {
        long ir = 0;
        String producer = "";
        String version = "";
        Map<String, Long> opsets = new LinkedHashMap<>();
        Parsed graph = null;
        while (r.hasMore()) {
            switch (r.next()) {
                case 1 -> ir = r.varintField("ir_version");
                case 2 -> producer = r.stringField("producer_name");
                case 3 -> version = r.stringField("producer_version");
                case 7 -> {
                    if (graph != null) {
                        throw r.error("a second graph (ModelProto field 7)");
                    }
                    graph = graph(r.messageField("graph"));
                }
                case 8 -> {
                    ProtoReader o = r.messageField("opset_import");
                    String domain = "";
                    long v = 0;
                    while (o.hasMore()) {
                        switch (o.next()) {
                            case 1 -> domain = o.stringField("domain");
                            case 2 -> v = o.varintField("version");
                            default -> o.skip();
                        }
                    }
                    opsets.put(domain, v);
                }
                default -> r.skip();
            }
        }
        if (graph == null) {
            throw new OnnxException(label, "no graph (ModelProto field 7): not an ONNX model");
        }
        String prod = version.isEmpty() ? producer : producer + " " + version;
        return new Parsed(ir, prod, Map.copyOf(opsets), graph.graphName(), graph.nodes(), graph.initializers(),
                graph.inputs(), graph.outputs());
    }

    private Parsed graph(ProtoReader r) {
        String name = "";
        List<OnnxNode> nodes = new ArrayList<>();
        List<OnnxTensorEntry> inits = new ArrayList<>();
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        while (r.hasMore()) {
            switch (r.next()) {
                case 1 -> nodes.add(node(r.messageField("node")));
                case 2 -> name = r.stringField("graph name");
                case 5 -> inits.add(tensor(r.messageField("initializer")));
                case 11 -> inputs.add(valueName(r.messageField("graph input")));
                case 12 -> outputs.add(valueName(r.messageField("graph output")));
                case 15 -> throw r.error("the graph has sparse initializers, which transformer4j does not read");
                default -> r.skip();
            }
        }
        return new Parsed(0, "", Map.of(), name, List.copyOf(nodes), List.copyOf(inits), List.copyOf(inputs),
                List.copyOf(outputs));
    }

    private String valueName(ProtoReader r) {
        String name = "";
        while (r.hasMore()) {
            if (r.next() == 1) {
                name = r.stringField("value name");
            } else {
                r.skip();
            }
        }
        return name;
    }

    private OnnxNode node(ProtoReader r) {
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        List<OnnxNode.Attribute> attrs = new ArrayList<>();
        String name = "";
        String op = "";
        String domain = "";
        while (r.hasMore()) {
            switch (r.next()) {
                case 1 -> in.add(r.stringField("node input"));
                case 2 -> out.add(r.stringField("node output"));
                case 3 -> name = r.stringField("node name");
                case 4 -> op = r.stringField("op_type");
                case 5 -> attrs.add(attribute(r.messageField("attribute")));
                case 7 -> domain = r.stringField("domain");
                default -> r.skip();
            }
        }
        return new OnnxNode(name, op, domain, in, out, attrs);
    }

    private OnnxNode.Attribute attribute(ProtoReader r) {
        String name = "";
        int type = 0;
        float f = 0;
        long i = 0;
        String s = null;
        OnnxTensorEntry t = null;
        FloatList floats = new FloatList();
        LongList ints = new LongList();
        while (r.hasMore()) {
            switch (r.next()) {
                case 1 -> name = r.stringField("attribute name");
                case 20 -> type = (int) r.varintField("attribute type");
                case 2 -> f = Float.intBitsToFloat(r.fixed32Field("attribute f"));
                case 3 -> i = r.varintField("attribute i");
                case 4 -> {
                    long[] span = r.spanField("attribute s");
                    s = new String(data.asSlice(span[0], span[1] - span[0]).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                            java.nio.charset.StandardCharsets.UTF_8);
                }
                case 5 -> t = tensor(r.messageField("attribute t"));
                case 7 -> {
                    if (r.wireType() == ProtoReader.FIXED32) {
                        floats.add(Float.intBitsToFloat(r.fixed32Field("attribute floats")));
                        requireListSize(floats.size(), name, "floats");
                    } else {
                        ProtoReader p = r.messageField("attribute floats");
                        while (p.hasMore()) {
                            floats.add(Float.intBitsToFloat(p.fixed32()));
                            requireListSize(floats.size(), name, "floats");
                        }
                    }
                }
                case 8 -> {
                    if (r.wireType() == ProtoReader.VARINT) {
                        ints.add(r.varintField("attribute ints"));
                        requireListSize(ints.size(), name, "ints");
                    } else {
                        ProtoReader p = r.messageField("attribute ints");
                        while (p.hasMore()) {
                            ints.add(p.varint());
                            requireListSize(ints.size(), name, "ints");
                        }
                    }
                }
                default -> r.skip();
            }
        }
        return new OnnxNode.Attribute(name, type, f, i, s, t, floats.toArray(), ints.toArray());
    }

    /** The most values an attribute list may hold (real graphs: a handful; shapes, axes, pads). */
    static final int MAX_ATTRIBUTE_VALUES = 1 << 20;

    private void requireListSize(int size, String attribute, String what) {
        if (size > MAX_ATTRIBUTE_VALUES) {
            throw new OnnxException(label, "attribute '" + attribute + "' has more than " + MAX_ATTRIBUTE_VALUES + " "
                    + what + "; not a model this reader takes");
        }
    }

    /** A TensorProto: name, type, dims and the span of its values, checked against the shape. */
    private OnnxTensorEntry tensor(ProtoReader r) {
        long at = r.position();
        String name = "";
        int dataType = 0;
        LongList dims = new LongList();
        OnnxTensorEntry.Storage storage = OnnxTensorEntry.Storage.NONE;
        long[] span = null;
        boolean external = false;
        while (r.hasMore()) {
            int field = r.next();
            switch (field) {
                case 1 -> {
                    if (r.wireType() == ProtoReader.VARINT) {
                        dims.add(r.varintField("dims"));
                    } else {
                        ProtoReader p = r.messageField("dims");
                        while (p.hasMore()) {
                            dims.add(p.varint());
                            checkRank(r, dims);
                        }
                    }
                    checkRank(r, dims);
                }
                case 2 -> {
                    long dt = r.varintField("data_type");
                    if (dt < 0 || dt > 1000) {
                        throw r.error("data_type " + dt + " is not an ONNX data type");
                    }
                    dataType = (int) dt;
                }
                case 3 -> throw r.error("segmented tensors (TensorProto field 3) are not supported");
                case 4, 5, 7, 9, 10 -> {
                    if (r.wireType() != ProtoReader.LEN) {
                        throw r.error("TensorProto field " + field + " is not packed; transformer4j reads packed values"
                                + " or raw_data");
                    }
                    if (span != null) {
                        throw r.error("tensor '" + name + "' has values in two fields");
                    }
                    span = r.spanField("tensor values");
                    storage = switch (field) {
                        case 4 -> OnnxTensorEntry.Storage.FLOAT_DATA;
                        case 5 -> OnnxTensorEntry.Storage.INT32_DATA;
                        case 7 -> OnnxTensorEntry.Storage.INT64_DATA;
                        case 10 -> OnnxTensorEntry.Storage.DOUBLE_DATA;
                        default -> OnnxTensorEntry.Storage.RAW;
                    };
                }
                case 8 -> name = r.stringField("tensor name");
                case 13 -> {
                    external = true;
                    r.skip();
                }
                case 14 -> external |= r.varintField("data_location") == 1;
                default -> r.skip();
            }
        }
        long elements = 1;
        for (int i = 0; i < dims.size(); i++) {
            long d = dims.get(i);
            if (d < 0) {
                throw r.errorAt(at, "tensor '" + name + "' has negative dimension " + d);
            }
            if (d != 0 && elements > Long.MAX_VALUE / d) {
                throw r.errorAt(at, "tensor '" + name + "' has shape " + TensorEntry.shapeString(dims.toArray())
                        + ", whose element count overflows 64 bits");
            }
            elements *= d;
        }
        long[] shape = dims.toArray();
        if (external) {
            return new OnnxTensorEntry(name, dataType, shape, OnnxTensorEntry.Storage.EXTERNAL, 0, 0, 0);
        }
        if (span == null) {
            return new OnnxTensorEntry(name, dataType, shape, storage, 0, 0, 0);
        }
        long bytes = span[1] - span[0];
        long count = switch (storage) {
            case FLOAT_DATA -> bytes / 4;
            case DOUBLE_DATA -> bytes / 8;
            case INT32_DATA, INT64_DATA -> varints(r, span);
            default -> {
                DType dt = OnnxTensorEntry.dtype(dataType);
                yield dt == null ? bytes : bytes / dt.byteSize();
            }
        };
        boolean fixedSize = switch (storage) {
            case FLOAT_DATA -> bytes % 4 == 0;
            case DOUBLE_DATA -> bytes % 8 == 0;
            case RAW -> OnnxTensorEntry.dtype(dataType) == null || bytes % OnnxTensorEntry.dtype(dataType).byteSize() == 0;
            default -> true;
        };
        boolean knownCount = storage != OnnxTensorEntry.Storage.RAW || OnnxTensorEntry.dtype(dataType) != null;
        if (!fixedSize || (knownCount && count != elements && !isComplex(dataType))) {
            throw r.errorAt(at, "tensor '" + name + "' " + OnnxTensorEntry.typeName(dataType) + " "
                    + TensorEntry.shapeString(shape) + " needs " + elements + " values but its " + storage + " field has "
                    + bytes + " bytes" + (fixedSize ? " (" + count + " values)" : ""));
        }
        return new OnnxTensorEntry(name, dataType, shape, storage, span[0], span[1], count);
    }

    private static boolean isComplex(int dataType) {
        return dataType == 14 || dataType == 15;
    }

    private static void checkRank(ProtoReader r, LongList dims) {
        if (dims.size() > MAX_RANK) {
            throw r.error("tensor has more than " + MAX_RANK + " dimensions");
        }
    }

    private long varints(ProtoReader parent, long[] span) {
        ProtoReader p = new ProtoReader(label, data, span[0], span[1], "packed values");
        long n = 0;
        while (p.hasMore()) {
            p.varint();
            n++;
        }
        return n;
    }

    /** A growable long array (the lists a file can hold are bounded by its size). */
    static final class LongList {
        private long[] a = new long[4];
        private int n;

        void add(long v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, 2 * n);
            }
            a[n++] = v;
        }

        long get(int i) {
            return a[i];
        }

        int size() {
            return n;
        }

        long[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    /** A growable float array. */
    static final class FloatList {
        private float[] a = new float[4];
        private int n;

        void add(float v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, 2 * n);
            }
            a[n++] = v;
        }

        int size() {
            return n;
        }

        float[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
