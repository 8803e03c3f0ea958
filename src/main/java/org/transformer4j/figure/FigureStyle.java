package org.transformer4j.figure;

/**
 * Colours for node styles and frames, shared by the SVG and PNG writers so both pictures agree. The
 * block colours follow Figure 1 of "Attention Is All You Need" (orange attention, yellow Add &amp; Norm,
 * blue feed-forward, pink embeddings); diff styles are loud on purpose.
 *
 * @param fill        fill colour as #rrggbb, or null for none
 * @param stroke      outline colour as #rrggbb, or null for none
 * @param strokeWidth outline width, px
 * @param dashed      dashed outline
 */
record FigureStyle(String fill, String stroke, double strokeWidth, boolean dashed) {
    static final String TEXT = "#111111";
    static final String EDGE = "#333333";
    static final String SHAPE_TEXT = "#5f6368";
    static final String FRAME_STROKE = "#8c8c8c";
    static final String TITLE_TEXT = "#222222";
    static final double EDGE_WIDTH = 1.3;
    static final double ARROW_LENGTH = 9;
    static final double ARROW_HALF_WIDTH = 4;
    static final double BOX_RADIUS = 6;
    static final double FRAME_RADIUS = 10;

    static FigureStyle of(String style) {
        return switch (style == null ? "" : style) {
            case "attention" -> new FigureStyle("#fcdcae", "#c98a2b", 1.2, false);
            case "norm" -> new FigureStyle("#f3f4c1", "#9c9d33", 1.2, false);
            case "add" -> new FigureStyle("#f3f4c1", "#7d7e22", 1.2, false);
            case "feedforward" -> new FigureStyle("#c6e6f7", "#4a90bd", 1.2, false);
            case "embedding" -> new FigureStyle("#f7cccc", "#bf5a5c", 1.2, false);
            case "linear" -> new FigureStyle("#dcd5f2", "#7665b5", 1.2, false);
            case "softmax" -> new FigureStyle("#cdeac6", "#4c9944", 1.2, false);
            case "io" -> new FigureStyle(null, null, 0, false);
            case "parameter" -> new FigureStyle("#eeeeee", "#8a8a8a", 1.0, true);
            case "op" -> new FigureStyle("#f1f1f1", "#8a8a8a", 1.0, false);
            case "diff-added" -> new FigureStyle("#c4f2cd", "#168a32", 3.0, false);
            case "diff-removed" -> new FigureStyle("#fbcaca", "#cc2222", 3.0, true);
            case "diff-changed" -> new FigureStyle("#ffdcaa", "#ef7d00", 3.0, false);
            default -> new FigureStyle("#ffffff", "#666666", 1.0, false);
        };
    }

    /** Frames alternate between light grey and white with nesting depth, so nested frames stand out. */
    static String frameFill(int depth) {
        return depth % 2 == 0 ? "#f4f4f4" : "#ffffff";
    }
}
