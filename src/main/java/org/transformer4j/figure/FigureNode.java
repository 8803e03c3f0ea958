package org.transformer4j.figure;

/**
 * One box of a figure.
 *
 * @param id    stable id: the module path plus an op index at the ops level ({@code encoder.layers.0.self_attn#3}),
 *              the module path at higher levels
 * @param kind  the op name at the ops level ({@code matmul}, {@code layer_norm}), the module class above
 *              ({@code MultiHeadAttention}), {@code input}/{@code output}/{@code parameter} for the ends
 * @param label the text drawn in the box
 * @param path  the module path the node belongs to ("" at top level)
 * @param shape the shape of the node's output tensor, or null when it has none
 * @param style a drawing hint: {@code attention}, {@code norm}, {@code add}, {@code feedforward},
 *              {@code embedding}, {@code linear}, {@code softmax}, {@code io}, {@code parameter}, {@code op};
 *              plus {@code diff-added}/{@code diff-removed}/{@code diff-changed} in diff pictures
 */
public record FigureNode(String id, String kind, String label, String path, int[] shape, String style) {

    @Override
    public boolean equals(Object o) {
        return o instanceof FigureNode n && id.equals(n.id) && kind.equals(n.kind) && label.equals(n.label)
                && java.util.Objects.equals(path, n.path) && java.util.Arrays.equals(shape, n.shape)
                && java.util.Objects.equals(style, n.style);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(id, kind, label, path, java.util.Arrays.hashCode(shape), style);
    }

    @Override
    public String toString() {
        return "FigureNode[" + id + ", " + kind + ", " + label.replace("\n", " ") + ", " + path + ", "
                + java.util.Arrays.toString(shape) + ", " + style + "]";
    }
}
