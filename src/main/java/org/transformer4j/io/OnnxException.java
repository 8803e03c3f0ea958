package org.transformer4j.io;

/**
 * A malformed or unusable ONNX file: one line naming the file, the offset where reading failed and the problem,
 * for example {@code model.onnx: offset 1021: field 5 of graph claims 4294967296 bytes but only 812 are left}.
 */
public final class OnnxException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String file;

    OnnxException(String file, String problem) {
        super(oneLine(file + ": " + problem));
        this.file = file;
    }

    /** The file as it was named when opened. */
    public String file() {
        return file;
    }

    /** Escapes control characters so that names from the file cannot break the one-line promise. */
    private static String oneLine(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || c == '\u0085') {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
