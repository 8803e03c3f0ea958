package org.transformer4j.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.transformer4j.tokenizer.Tokenizer;

/** One translation example as token ids, without bos or eos (the {@link Batcher} adds them). */
public record TokenPair(int[] source, int[] target) {

    public TokenPair {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
    }

    /** The pairs encoded with the source and target tokenizers (which may be the same one). */
    public static List<TokenPair> encode(List<TextPair> pairs, Tokenizer source, Tokenizer target) {
        List<TokenPair> out = new ArrayList<>(pairs.size());
        for (TextPair p : pairs) {
            out.add(new TokenPair(source.encode(p.source()), target.encode(p.target())));
        }
        return out;
    }
}
