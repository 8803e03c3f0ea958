package org.transformer4j.tokenizer;

import java.util.List;

/**
 * Tokens matched literally in the text before pre-tokenization, such as {@code <|endoftext|>} or
 * {@code [SEP]} (a tokenizer.json's "added_tokens"): the leftmost occurrence wins, the longest one when
 * several start there, as HF tokenizers' leftmost-longest matching does.
 */
final class AddedTokens {
    /** No added tokens. */
    static final AddedTokens NONE = new AddedTokens(List.of());

    /**
     * One added token.
     *
     * @param content the literal text
     * @param id its id
     * @param special whether it is a control token (end of text, [CLS]) rather than an added word
     */
    record Token(String content, int id, boolean special) {
        Token {
            if (content.isEmpty()) {
                throw new IllegalArgumentException("added token " + id + " has empty content");
            }
        }
    }

    /** Receives the pieces of a text in order: runs of ordinary text and matched tokens. */
    interface Sink {
        /** The ordinary text text[start, end), never empty. */
        void text(String text, int start, int end);

        /** A matched added token. */
        void token(int id);
    }

    private final List<Token> tokens;

    AddedTokens(List<Token> tokens) {
        this.tokens = List.copyOf(tokens);
    }

    /**
     * Passes text to sink as ordinary runs and matched tokens. Each token's next occurrence is found with
     * {@link String#indexOf} and only searched again once the scan has passed it, so the text is scanned
     * about once per token.
     */
    void split(String text, Sink sink) {
        int k = tokens.size();
        if (k == 0) {
            if (!text.isEmpty()) {
                sink.text(text, 0, text.length());
            }
            return;
        }
        int[] next = new int[k];
        for (int i = 0; i < k; i++) {
            next[i] = text.indexOf(tokens.get(i).content());
        }
        int pos = 0;
        while (true) {
            int best = -1;
            for (int i = 0; i < k; i++) {
                if (next[i] >= 0 && (best < 0 || next[i] < next[best] || next[i] == next[best]
                        && tokens.get(i).content().length() > tokens.get(best).content().length())) {
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            int start = next[best];
            if (start > pos) {
                sink.text(text, pos, start);
            }
            sink.token(tokens.get(best).id());
            pos = start + tokens.get(best).content().length();
            for (int i = 0; i < k; i++) {
                if (next[i] >= 0 && next[i] < pos) {
                    next[i] = text.indexOf(tokens.get(i).content(), pos);
                }
            }
        }
        if (pos < text.length()) {
            sink.text(text, pos, text.length());
        }
    }
}
