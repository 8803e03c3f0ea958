package org.transformer4j.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits text into pre-tokens whose concatenation is the text: a word (a run of letters, digits and
 * combining marks) or a single other non-space character, each with the one plain space before it attached
 * (GPT-2 and SentencePiece keep the space with the following word the same way), and every other
 * whitespace character on its own. The word and BPE tokenizers share it.
 */
final class PreTokenizer {
    private PreTokenizer() {
    }

    /** The pre-tokens of text, in order; their concatenation is text. */
    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            int start = i;
            int cp = text.codePointAt(i);
            if (cp == ' ' && i + 1 < n && !Character.isWhitespace(text.codePointAt(i + 1))) {
                i++; // the space joins the token that follows
                cp = text.codePointAt(i);
            } else if (Character.isWhitespace(cp)) {
                i += Character.charCount(cp);
                out.add(text.substring(start, i));
                continue;
            }
            i += Character.charCount(cp);
            if (isWordChar(cp)) {
                while (i < n) {
                    int next = text.codePointAt(i);
                    if (!isWordChar(next)) {
                        break;
                    }
                    i += Character.charCount(next);
                }
            }
            out.add(text.substring(start, i));
        }
        return out;
    }

    /** Letters, digits and marks (so a combining accent stays with its base letter). */
    static boolean isWordChar(int cp) {
        if (Character.isLetterOrDigit(cp)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }
}
