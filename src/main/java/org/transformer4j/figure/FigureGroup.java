package org.transformer4j.figure;

import java.util.List;

/**
 * A frame around nodes and smaller groups: a module drawn expanded, or a stack of identical layers
 * drawn once with "N x".
 *
 * @param id       stable id (the module path, prefixed "group:")
 * @param label    the frame's title
 * @param path     the module path
 * @param repeat   how many identical layers the group stands for (1 unless collapsed)
 * @param children ids of the nodes and groups directly inside
 */
public record FigureGroup(String id, String label, String path, int repeat, List<String> children) {
}
