package org.transformer4j.model;

import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;
import org.transformer4j.autograd.Grad;
import org.transformer4j.nn.DecoderLayer;
import org.transformer4j.tensor.Tensor;

/**
 * Greedy decoding one id at a time, for callers that show ids as they are produced (the web playground)
 * or must stop early (a deadline, a closed connection). The ids are those of {@link Decoding}'s greedy
 * methods, step for step; each new id goes to {@code onToken} before the next step runs, and when it
 * returns false decoding stops there (that id is kept).
 *
 * <pre>{@code
 * int[] out = Streaming.greedy(gpt, prompt, 20, -1, id -> { System.out.print(tok.token(id)); return true; });
 * }</pre>
 */
public final class Streaming {
    private Streaming() {
    }

    /**
     * Greedy continuation of a prompt as {@link Decoding#greedy(DecoderOnly, int[], int, int)}: at most maxNew
     * new ids, stopping before eos (eos -1: never stop early). Returns the new ids.
     */
    public static int[] greedy(DecoderOnly model, int[] prompt, int maxNew, int eos, IntPredicate onToken) {
        int vocab = model.config().vocabSize();
        if (prompt.length == 0) {
            throw new IllegalArgumentException("greedy: the prompt is empty; it needs at least one id");
        }
        if (maxNew < 0) {
            throw new IllegalArgumentException("greedy: maxNew must be >= 0, got " + maxNew);
        }
        if (eos < -1 || eos >= vocab) {
            throw new IllegalArgumentException("greedy: eos " + eos + " is outside the vocabulary of " + vocab + " (or -1)");
        }
        int[] out = new int[maxNew];
        int n = 0;
        try (Grad.Scope ignored = Grad.off()) {
            List<DecoderLayer.Cache> cache = model.newCache();
            Tokens feed = Tokens.of(prompt);
            while (n < maxNew) {
                Tensor logits = model.forward(feed, cache).value();                               // (1, T, V)
                int next = Math.round(logits.select(1, logits.dim(1) - 1).argmax(-1, false).item()); // (1,)
                if (next == eos) {
                    break;
                }
                out[n++] = next;
                if (!onToken.test(next)) {
                    break;
                }
                feed = Tokens.of(next);
            }
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * Greedy translation of one source as {@link Decoding#greedy(EncoderDecoder, Tokens, int, int, int)}: at
     * most maxLength steps, the eos step included; returns the ids without bos and eos.
     */
    public static int[] greedy(EncoderDecoder model, int[] source, int bos, int eos, int maxLength, IntPredicate onToken) {
        int vocab = model.config().vocabSize();
        if (source.length == 0) {
            throw new IllegalArgumentException("greedy: the source is empty; it needs at least one id");
        }
        if (bos < 0 || bos >= vocab || eos < 0 || eos >= vocab) {
            throw new IllegalArgumentException("greedy: bos " + bos + " and eos " + eos + " must be ids of the vocabulary of "
                    + vocab);
        }
        if (maxLength < 1) {
            throw new IllegalArgumentException("greedy: maxLength must be >= 1, got " + maxLength);
        }
        int[] out = new int[maxLength];
        int n = 0;
        try (Grad.Scope ignored = Grad.off()) {
            Tokens src = Tokens.of(source);
            var memory = model.encode(src);                                                    // (1, S, d)
            List<DecoderLayer.Cache> cache = model.newCache();
            int next = bos;
            for (int step = 0; step < maxLength; step++) {
                Tensor logits = model.decode(Tokens.of(next), memory, src, cache).value();      // (1, 1, V)
                next = logits.argmax(-1, false).toIntArray()[0];                                 // (1, 1)
                if (next == eos) {
                    break;
                }
                out[n++] = next;
                if (!onToken.test(next)) {
                    break;
                }
            }
        }
        return Arrays.copyOf(out, n);
    }
}
