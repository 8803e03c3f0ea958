package org.transformer4j.model;

import java.util.Arrays;
import java.util.List;
import org.transformer4j.autograd.Grad;
import org.transformer4j.nn.DecoderLayer;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;

/**
 * Continues a prompt with a decoder-only model (GPT-2), one token at a time, as Hugging Face generate does
 * for decoder-only models: greedy or sampled with repetition penalty, temperature, top-k and top-p
 * ({@link TextGenerationConfig}, {@link LogitsProcessors}).
 *
 * <p>The prompt goes through the model once, filling the KV cache; after that each step feeds only the
 * newest token. Generation stops at an eos token (which is part of the output), when the listener asks
 * to (the CLI's stop strings), after {@code maxNewTokens} tokens, or when prompt and output fill the
 * model's context ({@code max_positions}, GPT-2's n_positions). Sampling draws one uniform number per token
 * from an {@link Rng} seeded with the config's seed, and the logits do not depend on the thread count, so
 * the same seed gives the same tokens on any machine of this project.
 *
 * <pre>{@code
 * DecoderOnly gpt2 = HfGpt2.load(dir);
 * TextGeneration.Result r = TextGeneration.generate(gpt2, promptIds,
 *         TextGenerationConfig.greedy(20).withTemperature(0.8).withSeed(1), token -> true);
 * }</pre>
 */
public final class TextGeneration {
    private TextGeneration() {
    }

    /** Why generation stopped. */
    public enum StopReason {
        /** An eos token was generated (it is the last output token). */
        EOS,
        /** The listener returned false (a stop string, or the caller's own reason). */
        LISTENER,
        /** maxNewTokens tokens were generated. */
        MAX_NEW_TOKENS,
        /** Prompt and output fill the model's positions. */
        CONTEXT
    }

    /** The generated tokens (the prompt not included) and why generation stopped. */
    public record Result(int[] ids, StopReason stopReason) {
    }

    /** Sees each new token as soon as it is chosen, e.g. to print it; returns false to stop after it. */
    @FunctionalInterface
    public interface TokenListener {
        /** Called once per generated token, eos included; false stops generation after this token. */
        boolean accept(int token);
    }

    /** The model seen as a source of next-token logits; package-private so tests can compare implementations. */
    interface Steps {
        /** Appends ids to the sequence and returns the next-token logits (vocab) after the last of them. */
        float[] next(int[] ids);
    }

    /**
     * Generates a continuation of the prompt (token ids, at least one, fewer than the model's positions).
     * Runs without recording gradients; the model should be in evaluation mode (loaders leave it there).
     */
    public static Result generate(DecoderOnly model, int[] prompt, TextGenerationConfig config, TokenListener listener) {
        try (Grad.Scope ignored = Grad.off()) {
            TransformerConfig c = model.config();
            return generate(cached(model), prompt, c.vocabSize(), c.maxPositions(), config, listener);
        }
    }

    /**
     * As {@link #generate(DecoderOnly, int[], TextGenerationConfig, TokenListener)} on the fast decoder (its own
     * weight format; fp32 gives the module's logits within float rounding). The session holds exactly the prompt
     * and the new tokens.
     */
    public static Result generate(DecodeEngine engine, int[] prompt, TextGenerationConfig config, TokenListener listener) {
        TransformerConfig c = engine.config();
        check(prompt, c.vocabSize(), c.maxPositions(), config);
        DecodeEngine.Session session = engine.newSession(Math.min(c.maxPositions(),
                prompt.length + Math.min(config.maxNewTokens(), c.maxPositions())));
        return generate(session::prefill, prompt, c.vocabSize(), c.maxPositions(), config, listener);
    }

    static Result generate(Steps steps, int[] prompt, int vocab, int context, TextGenerationConfig g,
                           TokenListener listener) {
        check(prompt, vocab, context, g);
        int limit = Math.min(g.maxNewTokens(), context - prompt.length);
        int[] seq = Arrays.copyOf(prompt, prompt.length + limit);   // prompt, then the output
        int length = prompt.length;
        Rng rng = new Rng(g.seed());
        float penalty = (float) g.repetitionPenalty();
        float[] logits = steps.next(prompt);
        while (true) {
            float[] scores = logits.clone();
            if (penalty != 1f) {
                LogitsProcessors.repetitionPenalty(scores, Arrays.copyOf(seq, length), penalty);
            }
            int token;
            if (g.sampling()) {
                if (g.temperature() != 1) {
                    LogitsProcessors.temperature(scores, (float) g.temperature());
                }
                if (g.topK() > 0) {
                    LogitsProcessors.topK(scores, g.topK());
                }
                if (g.topP() < 1) {
                    LogitsProcessors.topP(scores, g.topP());
                }
                token = LogitsProcessors.sample(scores, rng);
            } else {
                token = LogitsProcessors.argmax(scores);
            }
            seq[length++] = token;
            boolean go = listener.accept(token);
            StopReason stop = g.eosTokenIds().contains(token) ? StopReason.EOS
                    : !go ? StopReason.LISTENER
                    : length - prompt.length == g.maxNewTokens() ? StopReason.MAX_NEW_TOKENS
                    : length == context ? StopReason.CONTEXT : null;
            if (stop != null) {
                return new Result(Arrays.copyOfRange(seq, prompt.length, length), stop);
            }
            logits = steps.next(new int[] {token});
        }
    }

    private static void check(int[] prompt, int vocab, int context, TextGenerationConfig g) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt is empty: give at least one token");
        }
        for (int id : prompt) {
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("prompt token id " + id + " is outside the model's vocabulary (0.."
                        + (vocab - 1) + ")");
            }
        }
        if (prompt.length >= context) {
            throw new IllegalArgumentException("the prompt of " + prompt.length + " tokens leaves no room in the model's "
                    + "context of " + context + " positions (at most " + (context - 1) + " prompt tokens)");
        }
        for (int id : g.eosTokenIds()) {
            if (id >= vocab) {
                throw new IllegalArgumentException("eos token id " + id + " is outside the model's vocabulary (0.."
                        + (vocab - 1) + ")");
            }
        }
    }

    /** Incremental decoding: the KV cache holds every position fed so far, so each call runs only the new ids. */
    static Steps cached(DecoderOnly model) {
        List<DecoderLayer.Cache> cache = model.newCache();
        return ids -> lastRow(model.forward(Tokens.of(ids), cache).value());     // (1, new, vocab)
    }

    /** The reference the cache is tested against: every call runs the whole sequence again. */
    static Steps uncached(DecoderOnly model) {
        int[][] seq = {new int[0]};
        return ids -> {
            int[] all = Arrays.copyOf(seq[0], seq[0].length + ids.length);
            System.arraycopy(ids, 0, all, seq[0].length, ids.length);
            seq[0] = all;
            return lastRow(model.forward(Tokens.of(all)).value());               // (1, all, vocab)
        };
    }

    /** The last position's row of (1, T, vocab) logits. */
    private static float[] lastRow(Tensor logits) {
        return logits.select(1, logits.dim(1) - 1).toArray();                   // (1, vocab)
    }
}
