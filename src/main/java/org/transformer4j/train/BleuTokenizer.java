package org.transformer4j.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The tokenizers sacreBLEU applies before counting n-grams, by its names: "none" (split on whitespace
 * only), "13a" (mteval-v13a.pl, sacreBLEU's default), "intl" (mteval-v14's international tokenization:
 * Unicode punctuation and symbols) and "char" (every non-space character is a token).
 */
public enum BleuTokenizer {
    /** Whitespace only. */
    NONE("none"),
    /** mteval-v13a.pl's rules (the default). */
    THIRTEEN_A("13a"),
    /** mteval-v14's international rules: Unicode punctuation and symbols split off. */
    INTL("intl"),
    /** Characters: every non-whitespace character is a token. */
    CHAR("char");

    private final String sacreBleuName;

    BleuTokenizer(String sacreBleuName) {
        this.sacreBleuName = sacreBleuName;
    }

    /** sacreBLEU's name for this tokenizer ("13a", "intl", ...). */
    public String sacreBleuName() {
        return sacreBleuName;
    }

    /** The tokenizer of sacreBLEU's name; unknown names give an error listing the known ones. */
    public static BleuTokenizer of(String name) {
        for (BleuTokenizer t : values()) {
            if (t.sacreBleuName.equals(name.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown BLEU tokenizer '" + name + "'; known: none, 13a, intl, char");
    }

    /** The tokens of one line (already right-stripped and, if asked, lower-cased). */
    public List<String> tokens(String line) {
        return switch (this) {
            case NONE -> words(line);
            case THIRTEEN_A -> words(tokenize13a(line));
            case INTL -> words(tokenizeIntl(line));
            case CHAR -> {
                List<String> out = new ArrayList<>();
                line.codePoints().filter(c -> !isPythonSpace(c)).forEach(c -> out.add(Character.toString(c)));
                yield out;
            }
        };
    }

    // mteval-v13a's rules. Symbols: the ASCII ranges {-~, [-`, space-&, (-+, :-@ and '/', i.e. every ASCII
    // punctuation mark except the apostrophe, comma, hyphen and period.
    private static final Pattern SYMBOL = Pattern.compile("([\\{-\\~\\[-\\` -\\&\\(-\\+\\:-\\@\\/])");
    private static final Pattern PERIOD_COMMA_AFTER_NON_DIGIT = Pattern.compile("([^0-9])([\\.,])");
    private static final Pattern PERIOD_COMMA_BEFORE_NON_DIGIT = Pattern.compile("([\\.,])([^0-9])");
    private static final Pattern DASH_AFTER_DIGIT = Pattern.compile("([0-9])(-)");

    /**
     * The 13a tokenizer (mteval-v13a.pl as sacreBLEU applies it): drop {@code <skipped>}, join "-\n" line
     * breaks, newlines to spaces, unescape {@code &quot; &amp; &lt; &gt;}; then, on the line padded with a
     * space on each side: split off every ASCII symbol except ' , - .; split a period or comma unless it has a
     * digit before it, and again unless it has a digit after it (so "3.5" and "1,000" stay whole but "end."
     * and "5." split); split a hyphen that follows a digit; finally collapse whitespace.
     */
    public static String tokenize13a(String line) {
        String s = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ");
        if (s.indexOf('&') >= 0) {
            s = s.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
        }
        s = " " + s + " ";
        s = SYMBOL.matcher(s).replaceAll(" $1 ");
        s = PERIOD_COMMA_AFTER_NON_DIGIT.matcher(s).replaceAll("$1 $2 ");
        s = PERIOD_COMMA_BEFORE_NON_DIGIT.matcher(s).replaceAll(" $1 $2");
        s = DASH_AFTER_DIGIT.matcher(s).replaceAll("$1 $2 ");
        return String.join(" ", words(s));
    }

    // mteval-v14's international rules, on Unicode categories.
    private static final Pattern PUNCT_AFTER_NON_NUMBER = Pattern.compile("(\\P{N})(\\p{P})");
    private static final Pattern PUNCT_BEFORE_NON_NUMBER = Pattern.compile("(\\p{P})(\\P{N})");
    private static final Pattern UNICODE_SYMBOL = Pattern.compile("(\\p{S})");

    /**
     * The "intl" tokenizer: split a punctuation mark (Unicode P*) off a preceding non-number and off a
     * following non-number, and split off every symbol (Unicode S*), then collapse whitespace.
     */
    public static String tokenizeIntl(String line) {
        String s = PUNCT_AFTER_NON_NUMBER.matcher(line).replaceAll("$1 $2 ");
        s = PUNCT_BEFORE_NON_NUMBER.matcher(s).replaceAll(" $1 $2");
        s = UNICODE_SYMBOL.matcher(s).replaceAll(" $1 ");
        return String.join(" ", words(s));
    }

    /** Whitespace-separated words, with whitespace as Python's str.split() sees it. */
    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < s.length(); i++) {
            boolean space = isPythonSpace(s.charAt(i));
            if (space && start >= 0) {
                out.add(s.substring(start, i));
                start = -1;
            } else if (!space && start < 0) {
                start = i;
            }
        }
        if (start >= 0) {
            out.add(s.substring(start));
        }
        return out;
    }

    /** Python's str.rstrip(): sacreBLEU strips trailing whitespace before tokenizing. */
    static String rstrip(String s) {
        int end = s.length();
        while (end > 0 && isPythonSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    static boolean isPythonSpace(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
    }
}
