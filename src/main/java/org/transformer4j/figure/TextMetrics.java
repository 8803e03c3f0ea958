package org.transformer4j.figure;

import java.util.List;

/**
 * Deterministic text measurement for layout: advance widths of DejaVu Sans (the usual sans-serif on
 * Linux and the one Java2D picks here) for printable ASCII, and a generous estimate for everything
 * else. No fonts are loaded, so layout is the same on every machine and headless.
 */
final class TextMetrics {
    /** DejaVu Sans advance widths for ' '..'~' in thousandths of an em. */
    private static final short[] ASCII = {
        318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337,
        636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531,
        1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787,
        603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500,
        500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,
        635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
    };
    /** Bold text is about this much wider. */
    static final double BOLD = 1.1;

    private TextMetrics() {
    }

    /** The width of the widest line of {@code text} at {@code fontSize} px. */
    static double width(String text, double fontSize) {
        double widest = 0;
        for (String line : lines(text)) {
            widest = Math.max(widest, lineWidth(line, fontSize));
        }
        return widest;
    }

    private static double lineWidth(String line, double fontSize) {
        int milli = 0;
        for (int i = 0; i < line.length(); ) {
            int cp = line.codePointAt(i);
            i += Character.charCount(cp);
            milli += advance(cp);
        }
        return milli * fontSize / 1000.0;
    }

    private static int advance(int cp) {
        if (cp >= 32 && cp < 127) {
            return ASCII[cp - 32];
        }
        int type = Character.getType(cp);
        if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.FORMAT) {
            return 0;
        }
        Character.UnicodeScript script = Character.UnicodeScript.of(cp);
        return switch (script) {
            case HAN, HIRAGANA, KATAKANA, HANGUL -> 1000;
            default -> 850;
        };
    }

    /** Text as drawn: tabs become spaces, other control characters except line breaks are dropped. */
    static String clean(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\t') {
                sb.append(' ');
            } else if (c >= 0x20 && c != 0x7f || c == '\n' || c == '\r') {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** The lines of a label: split at '\n', a trailing '\r' dropped; null gives one empty line. */
    static List<String> lines(String text) {
        return text == null ? List.of("") : List.of(text.split("\r?\n", -1));
    }
}
