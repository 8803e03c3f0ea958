package org.transformer4j.figure;

/**
 * An arrow from one node to another.
 *
 * @param from  source node id
 * @param to    target node id
 * @param shape the shape of the tensor flowing along the arrow, or null
 * @param label an optional label (e.g. "Q", "K", "V"), or null
 */
public record FigureEdge(String from, String to, int[] shape, String label) {

    @Override
    public boolean equals(Object o) {
        return o instanceof FigureEdge e && from.equals(e.from) && to.equals(e.to) && java.util.Arrays.equals(shape, e.shape)
                && java.util.Objects.equals(label, e.label);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(from, to, java.util.Arrays.hashCode(shape), label);
    }

    @Override
    public String toString() {
        return "FigureEdge[" + from + " -> " + to + ", " + java.util.Arrays.toString(shape) + ", " + label + "]";
    }
}
