package org.transformer4j.io;

/**
 * A malformed or unusable safetensors file: one line naming the file, the problem and the offending value,
 * for example {@code model.safetensors: tensor 'wte.weight': data_offsets [0, 12] span 12 bytes but dtype F32
 * shape (2, 3) needs 24}.
 */
public final class SafeTensorsException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String file;

    SafeTensorsException(String file, String problem) {
        super(oneLine(file + ": " + problem));
        this.file = file;
    }

    /** The file as it was named when opened. */
    public String file() {
        return file;
    }

    /** A name from the file, quoted and cut short for a message ('wte.weight'). */
    static String quoted(String name) {
        return "'" + Json.abbreviate(name) + "'";
    }

    /** Escapes control characters so that names with newlines cannot break the one-line promise. */
    private static String oneLine(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || c == '\u0085') {
                if (sb == null) {
                    sb = new StringBuilder(s.length() + 8).append(s, 0, i);
                }
                sb.append(String.format("\\u%04x", (int) c));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }
}
