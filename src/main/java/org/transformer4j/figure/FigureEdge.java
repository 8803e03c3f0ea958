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
}
