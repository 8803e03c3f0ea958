package org.transformer4j.tokenizer;

import java.text.Normalizer;

/**
 * BERT's text normalization (Devlin et al. 2019, as HF tokenizers' BertNormalizer does it), in this order:
 * clean the text (drop NUL, U+FFFD and control characters, write every other whitespace character as a
 * space), put spaces around CJK ideographs, strip accents (NFD, then drop the non-spacing marks), lower-case.
 *
 * @param cleanText          drop control characters and turn whitespace into plain spaces
 * @param handleChineseChars put spaces around CJK ideographs so each becomes a word of its own
 * @param stripAccents       decompose and drop the combining marks ("café" becomes "cafe")
 * @param lowercase          lower-case each character (no context rules: a final capital sigma becomes σ)
 */
record BertNormalizer(boolean cleanText, boolean handleChineseChars, boolean stripAccents, boolean lowercase) {

    /** The text normalized. */
    String normalize(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cleanText) {
                if (cp == 0 || cp == 0xFFFD || isControl(cp)) {
                    continue;
                }
                if (isWhitespace(cp)) {
                    cp = ' ';
                }
            }
            if (handleChineseChars && isChinese(cp)) {
                sb.append(' ').appendCodePoint(cp).append(' ');
            } else {
                sb.appendCodePoint(cp);
            }
        }
        String s = sb.toString();
        if (stripAccents && !Normalizer.isNormalized(s, Normalizer.Form.NFD)) {
            s = Normalizer.normalize(s, Normalizer.Form.NFD);
        }
        if (!stripAccents && !lowercase) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (stripAccents && Character.getType(cp) == Character.NON_SPACING_MARK) {
                continue;
            }
            if (lowercase && cp == 0x130) {
                out.append("i\u0307"); // İ's full lower case (Unicode SpecialCasing), as Rust's char::to_lowercase
            } else {
                out.appendCodePoint(lowercase ? Character.toLowerCase(cp) : cp);
            }
        }
        return out.toString();
    }

    /**
     * Whitespace as BERT's normalizer and pre-tokenizer see it: the Unicode White_Space property (tab, line
     * feed, vertical tab, form feed, carriage return, space, U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028,
     * U+2029, U+202F, U+205F, U+3000), which is neither Java's isWhitespace nor JavaScript's \s.
     */
    static boolean isWhitespace(int cp) {
        return cp >= '\t' && cp <= '\r' || cp == ' ' || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || cp >= 0x2000 && cp <= 0x200A || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F
                || cp == 0x3000;
    }

    /** Control characters that cleaning drops: the "other" categories Cc, Cf, Cs and Co (not Cn) except tab, LF, CR. */
    static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            return false;
        }
        return switch (Character.getType(cp)) {
            // Not unassigned code points: HF tokenizers keeps them (they become [UNK]), as checked code point by
            // code point against tokenizers 0.23.2 (only characters added to Unicode after its tables differ).
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE -> true;
            default -> false;
        };
    }

    /**
     * The CJK ideographs BERT splits apart: the CJK Unified Ideographs blocks and their extensions A to E
     * (HF tokenizers' ranges, which skip U+2B820..U+2B91F) and the compatibility ideographs; not Hiragana,
     * Katakana or Hangul, which are written with spaces between words.
     */
    static boolean isChinese(int cp) {
        return cp >= 0x4E00 && cp <= 0x9FFF || cp >= 0x3400 && cp <= 0x4DBF || cp >= 0x20000 && cp <= 0x2A6DF
                || cp >= 0x2A700 && cp <= 0x2B73F || cp >= 0x2B740 && cp <= 0x2B81F || cp >= 0x2B920 && cp <= 0x2CEAF
                || cp >= 0xF900 && cp <= 0xFAFF || cp >= 0x2F800 && cp <= 0x2FA1F;
    }
}
