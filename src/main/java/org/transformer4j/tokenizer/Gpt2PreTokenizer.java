package org.transformer4j.tokenizer;

import java.util.Arrays;

/**
 * GPT-2's pre-tokenization, the regex {@link #PATTERN} of its encoder.py, as a hand-written scanner over
 * UTF-8 bytes: one pass, no backtracking and no recursion, so a million spaces or letters cannot blow the
 * stack as {@code java.util.regex} does on this pattern.
 *
 * <p>At each position the first alternative that matches wins, as in the regex: a contraction
 * ({@code 's 't 're 've 'm 'll 'd}, lower case only); an optional space and a run of letters, of numbers, or
 * of other non-space characters; else a run of whitespace, which, when non-space text follows it and it is
 * longer than one character, leaves its last character to start the next token ({@code \s+(?!\S)}).
 * Letters, numbers and whitespace are what the reference, gpt-3-encoder's JavaScript regex with the
 * {@code u} flag, calls {@code \p{L}}, {@code \p{N}} and {@code \s}; a byte that does not start a valid
 * UTF-8 sequence counts as a non-space character (so raw bytes split too).
 */
final class Gpt2PreTokenizer {
    /** The pattern this class implements, exactly as GPT-2's encoder.py and tokenizer.json files write it. */
    static final String PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    private static final int LETTER = 0;
    private static final int NUMBER = 1;
    private static final int SPACE = 2;
    private static final int OTHER = 3;

    private static final byte[] ASCII_CLASS = new byte[128];

    static {
        Arrays.fill(ASCII_CLASS, (byte) OTHER);
        for (int c = 'a'; c <= 'z'; c++) {
            ASCII_CLASS[c] = LETTER;
            ASCII_CLASS[c - 'a' + 'A'] = LETTER;
        }
        for (int c = '0'; c <= '9'; c++) {
            ASCII_CLASS[c] = NUMBER;
        }
        for (int c : new int[] {'\t', '\n', 0x0B, '\f', '\r', ' '}) {
            ASCII_CLASS[c] = SPACE;
        }
    }

    private Gpt2PreTokenizer() {
    }

    /** The end offsets of the pre-tokens of b[0, b.length) with JavaScript's \s (gpt-3-encoder's). */
    static int[] split(byte[] b) {
        return split(b, false);
    }

    /**
     * The end offsets of the pre-tokens of b[0, b.length), in order; the last is b.length. {@code unicodeSpace}:
     * {@code \s} is Unicode's White_Space, as in HF tokenizers' regex engine (U+0085 is whitespace, U+FEFF
     * is not); else JavaScript's, as in gpt-3-encoder (the other way round). Nothing else differs.
     */
    static int[] split(byte[] b, boolean unicodeSpace) {
        int[] ends = new int[16];
        int count = 0;
        int n = b.length;
        for (int p = 0; p < n; ) {
            p = tokenEnd(b, p, n, unicodeSpace);
            if (count == ends.length) {
                ends = Arrays.copyOf(ends, count * 2);
            }
            ends[count++] = p;
        }
        return Arrays.copyOf(ends, count);
    }

    /** The end of the pre-token that starts at p. */
    private static int tokenEnd(byte[] b, int p, int n, boolean u) {
        if (b[p] == '\'' && p + 1 < n) {
            byte c1 = b[p + 1];
            if (c1 == 's' || c1 == 't' || c1 == 'm' || c1 == 'd') {
                return p + 2;
            }
            if (p + 2 < n && (b[p + 2] == 'e' && (c1 == 'r' || c1 == 'v') || c1 == 'l' && b[p + 2] == 'l')) {
                return p + 3;
            }
        }
        if (b[p] == ' ' && p + 1 < n) {
            int nextClass = classOf(codePointAt(b, p + 1, n), u);
            if (nextClass != SPACE) {
                return runEnd(b, p + 1, n, nextClass, u); // " ?\p{L}+", " ?\p{N}+" or " ?[^\s\p{L}\p{N}]+"
            }
        }
        int cls = classOf(codePointAt(b, p, n), u);
        if (cls != SPACE) {
            return runEnd(b, p, n, cls, u);
        }
        int last = p; // the start of the run's last character
        int q = p;
        while (q < n) {
            int cp = codePointAt(b, q, n);
            if (classOf(cp, u) != SPACE) {
                break;
            }
            last = q;
            q += unitLength(cp);
        }
        if (q == n) {
            return n; // \s+(?!\S) takes the whole run at the end of the text
        }
        return last > p ? last : q; // \s+(?!\S) backs off one character; a single one is \s+
    }

    /** The end of the run of characters of class cls that starts at p. */
    private static int runEnd(byte[] b, int p, int n, int cls, boolean u) {
        while (p < n) {
            int cp = codePointAt(b, p, n);
            if (classOf(cp, u) != cls) {
                return p;
            }
            p += unitLength(cp);
        }
        return n;
    }

    /**
     * The code point of the valid UTF-8 sequence that starts at p (shortest form, no surrogates, at most
     * U+10FFFF), or -1 when none does: then the byte at p stands alone.
     */
    private static int codePointAt(byte[] b, int p, int n) {
        int b0 = b[p] & 0xFF;
        if (b0 < 0x80) {
            return b0;
        }
        int len;
        int cp;
        int lo = 0x80;
        int hi = 0xBF;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            len = 2;
            cp = b0 & 0x1F;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            len = 3;
            cp = b0 & 0x0F;
            lo = b0 == 0xE0 ? 0xA0 : 0x80;
            hi = b0 == 0xED ? 0x9F : 0xBF;
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            len = 4;
            cp = b0 & 0x07;
            lo = b0 == 0xF0 ? 0x90 : 0x80;
            hi = b0 == 0xF4 ? 0x8F : 0xBF;
        } else {
            return -1;
        }
        if (p + len > n) {
            return -1;
        }
        int b1 = b[p + 1] & 0xFF;
        if (b1 < lo || b1 > hi) {
            return -1;
        }
        cp = cp << 6 | b1 & 0x3F;
        for (int k = 2; k < len; k++) {
            int bk = b[p + k] & 0xFF;
            if ((bk & 0xC0) != 0x80) {
                return -1;
            }
            cp = cp << 6 | bk & 0x3F;
        }
        return cp;
    }

    /** The number of bytes codePointAt consumed for cp (1 for an invalid byte, -1). */
    private static int unitLength(int cp) {
        return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }

    /** LETTER, NUMBER, SPACE or OTHER as the reference's regex classes say; -1 (an invalid byte) is OTHER. */
    private static int classOf(int cp, boolean unicodeSpace) {
        if (cp < 0x80) {
            return cp < 0 ? OTHER : ASCII_CLASS[cp];
        }
        if (unicodeSpace ? cp == 0x85 || cp != 0xFEFF && isJavaScriptSpace(cp) : isJavaScriptSpace(cp)) {
            return SPACE;
        }
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER -> LETTER;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> NUMBER;
            default -> OTHER;
        };
    }

    /**
     * JavaScript's {@code \s} above ASCII: the space separators (Zs), the line and paragraph separators and
     * the byte order mark. Not U+0085 (which Java's and Python's whitespace include) nor U+180E.
     */
    private static boolean isJavaScriptSpace(int cp) {
        return cp == 0xA0 || cp == 0x1680 || cp >= 0x2000 && cp <= 0x200A || cp == 0x2028 || cp == 0x2029
                || cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
    }
}
