package org.transformer4j.io;

import java.util.List;
import java.util.Objects;

/**
 * One node of an ONNX graph: an operator (op_type, in a domain, "" for the standard ops) reading named values and
 * writing others. Exporters name nodes after the module that ran them, e.g. torch's
 * {@code /encoder/layer.0/attention/self/query/MatMul}.
 *
 * @param name       the node's name (may be "")
 * @param opType     the operator, e.g. MatMul
 * @param domain     the operator set's domain ("" for ai.onnx)
 * @param inputs     names of the values it reads ("" for an omitted optional input)
 * @param outputs    names of the values it writes
 * @param attributes its attributes, in file order
 */
public record OnnxNode(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                       List<Attribute> attributes) {

    public OnnxNode {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(opType, "opType");
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = List.copyOf(attributes);
    }

    /** The attribute called name, or null. */
    public Attribute attribute(String attributeName) {
        for (Attribute a : attributes) {
            if (a.name().equals(attributeName)) {
                return a;
            }
        }
        return null;
    }

    /**
     * An AttributeProto reduced to what inference code asks of it: the scalar, string, tensor and integer/float
     * list forms; graphs and the rarer forms are skipped (type tells what it was).
     *
     * @param name   the attribute's name
     * @param type   the AttributeProto type code (1 FLOAT, 2 INT, 3 STRING, 4 TENSOR, 6 FLOATS, 7 INTS, ...)
     * @param f      the float value (type 1)
     * @param i      the integer value (type 2)
     * @param s      the string value, decoded as UTF-8 (type 3), or null
     * @param t      the tensor value (type 4), or null
     * @param floats the float list (type 6)
     * @param ints   the integer list (type 7)
     */
    public record Attribute(String name, int type, float f, long i, String s, OnnxTensorEntry t, float[] floats, long[] ints) {

        public Attribute {
            Objects.requireNonNull(name, "name");
            floats = floats.clone();
            ints = ints.clone();
        }

        @Override
        public float[] floats() {
            return floats.clone();
        }

        @Override
        public long[] ints() {
            return ints.clone();
        }
    }

    @Override
    public String toString() {
        return opType + " " + name + " " + inputs + " -> " + outputs;
    }
}
