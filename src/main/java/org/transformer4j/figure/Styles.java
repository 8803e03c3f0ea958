package org.transformer4j.figure;

/** The colour family of a node, from its op or module class (see {@link FigureNode#style()}). */
final class Styles {
    private Styles() {
    }

    static String forOp(String op, String label) {
        String l = label == null ? "" : label;
        if (l.equals("residual add") || l.startsWith("+ ")) {
            return "add";
        }
        return switch (op) {
            case "layer_norm", "rms_norm" -> "norm";
            case "softmax", "log_softmax" -> "softmax";
            case "embedding" -> "embedding";
            case "matmul" -> l.equals("QK\u1d40") || l.startsWith("weighted") ? "attention" : "linear";
            case "add" -> "add";
            case "masked_fill" -> "attention";
            case "relu", "gelu", "gelu_tanh", "silu", "sigmoid", "tanh" -> "feedforward";
            default -> "op";
        };
    }

    static String forModule(String cls) {
        if (cls.endsWith("Attention")) {
            return "attention";
        }
        return switch (cls) {
            case "LayerNorm", "RMSNorm" -> "norm";
            case "FeedForward" -> "feedforward";
            case "Embedding", "Embeddings" -> "embedding";
            case "Linear", "OutputProjection" -> "linear";
            default -> "op";
        };
    }
}
