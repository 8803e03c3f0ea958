package org.transformer4j.tokenizer;

import java.util.Arrays;

/**
 * The special tokens a post-processor puts around one encoded text, such as BERT's [CLS] ... [SEP]
 * (a tokenizer.json's TemplateProcessing or BertProcessing, single-sequence case).
 *
 * @param prefix the ids before the text
 * @param suffix the ids after the text
 */
record SpecialTokenTemplate(int[] prefix, int[] suffix) {
    /** No tokens around the text (GPT-2). */
    static final SpecialTokenTemplate NONE = new SpecialTokenTemplate(new int[0], new int[0]);

    SpecialTokenTemplate {
        prefix = prefix.clone();
        suffix = suffix.clone();
    }

    /** Refuses an id that names no token of a vocabulary (tokens[id] == null or out of range). */
    void requireTokens(String[] tokens) {
        for (int[] part : new int[][] {prefix, suffix}) {
            for (int id : part) {
                if (id < 0 || id >= tokens.length || tokens[id] == null) {
                    throw new IllegalArgumentException("post_processor: special token id " + id + " is not in the vocabulary ("
                            + tokens.length + " ids)");
                }
            }
        }
    }

    /** This template followed by next (a Sequence of post-processors). */
    SpecialTokenTemplate then(SpecialTokenTemplate next) {
        int[] p = Arrays.copyOf(next.prefix, next.prefix.length + prefix.length);
        System.arraycopy(prefix, 0, p, next.prefix.length, prefix.length);
        int[] s = Arrays.copyOf(suffix, suffix.length + next.suffix.length);
        System.arraycopy(next.suffix, 0, s, suffix.length, next.suffix.length);
        return new SpecialTokenTemplate(p, s);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpecialTokenTemplate t && Arrays.equals(prefix, t.prefix) && Arrays.equals(suffix, t.suffix);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(prefix) + Arrays.hashCode(suffix);
    }

    @Override
    public String toString() {
        return Arrays.toString(prefix) + " text " + Arrays.toString(suffix);
    }
}
