package org.transformer4j.model;

import java.util.List;

/**
 * How {@link TextGeneration} continues a prompt with a decoder-only model. The settings mean what Hugging Face
 * generate's settings of the same name mean, and act in its order (see {@link LogitsProcessors}):
 * repetition penalty, then temperature, top-k and top-p, then a seeded draw.
 *
 * <pre>{@code
 * TextGenerationConfig greedy = TextGenerationConfig.greedy(32).withEosTokenIds(List.of(50256));
 * TextGenerationConfig sampled = greedy.withTemperature(0.8).withTopK(40).withTopP(0.95).withSeed(7);
 * }</pre>
 *
 * @param maxNewTokens      generate at most this many tokens (>= 1); the model's context may stop it earlier
 * @param temperature       0 for greedy decoding (the argmax, ties to the lowest id); above 0 the scores are
 *                          divided by it and the token is drawn from their softmax (1 leaves them as they are)
 * @param topK              when sampling, keep only the k most probable tokens; 0 for off
 * @param topP              when sampling, keep the smallest set of most probable tokens whose probability sums
 *                          to at least p, in [0, 1]; 1 for off
 * @param repetitionPenalty CTRL's penalty on tokens already in the prompt or the output, > 0; 1 for off. It
 *                          applies to greedy decoding too, as in HF
 * @param seed              the seed of the sampler's {@link org.transformer4j.tensor.Rng}: the same seed gives
 *                          the same tokens
 * @param eosTokenIds       tokens that end generation (they are part of the output); may be empty
 */
public record TextGenerationConfig(int maxNewTokens, double temperature, int topK, double topP, double repetitionPenalty,
                                   long seed, List<Integer> eosTokenIds) {

    public TextGenerationConfig {
        require(maxNewTokens >= 1, "max_new_tokens", maxNewTokens + " (must be >= 1)");
        require(temperature >= 0 && Double.isFinite(temperature), "temperature", temperature + " (must be >= 0; 0 is greedy)");
        require(topK >= 0, "top_k", topK + " (must be >= 0; 0 is off)");
        require(topP >= 0 && topP <= 1, "top_p", topP + " (must be in [0, 1]; 1 is off)");
        require(repetitionPenalty > 0 && Double.isFinite(repetitionPenalty), "repetition_penalty",
                repetitionPenalty + " (must be > 0; 1 is off)");
        require(eosTokenIds != null && eosTokenIds.stream().allMatch(t -> t != null && t >= 0), "eos_token_id", eosTokenIds);
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    private static void require(boolean ok, String field, Object value) {
        if (!ok) {
            throw new IllegalArgumentException("generation setting " + field + ": invalid value " + value);
        }
    }

    /** Greedy decoding of at most maxNewTokens tokens, no penalty, no eos, seed 0. */
    public static TextGenerationConfig greedy(int maxNewTokens) {
        return new TextGenerationConfig(maxNewTokens, 0, 0, 1, 1, 0, List.of());
    }

    /** Whether tokens are drawn (temperature > 0) rather than chosen by argmax. */
    public boolean sampling() {
        return temperature > 0;
    }

    /** A copy with maxNewTokens replaced. */
    public TextGenerationConfig withMaxNewTokens(int maxNewTokens) {
        return new TextGenerationConfig(maxNewTokens, temperature, topK, topP, repetitionPenalty, seed, eosTokenIds);
    }

    /** A copy with temperature replaced (0: greedy). */
    public TextGenerationConfig withTemperature(double temperature) {
        return new TextGenerationConfig(maxNewTokens, temperature, topK, topP, repetitionPenalty, seed, eosTokenIds);
    }

    /** A copy with topK replaced (0: off). */
    public TextGenerationConfig withTopK(int topK) {
        return new TextGenerationConfig(maxNewTokens, temperature, topK, topP, repetitionPenalty, seed, eosTokenIds);
    }

    /** A copy with topP replaced (1: off). */
    public TextGenerationConfig withTopP(double topP) {
        return new TextGenerationConfig(maxNewTokens, temperature, topK, topP, repetitionPenalty, seed, eosTokenIds);
    }

    /** A copy with repetitionPenalty replaced (1: off). */
    public TextGenerationConfig withRepetitionPenalty(double repetitionPenalty) {
        return new TextGenerationConfig(maxNewTokens, temperature, topK, topP, repetitionPenalty, seed, eosTokenIds);
    }

    /** A copy with seed replaced. */
    public TextGenerationConfig withSeed(long seed) {
        return new TextGenerationConfig(maxNewTokens, temperature, topK, topP, repetitionPenalty, seed, eosTokenIds);
    }

    /** A copy with eosTokenIds replaced. */
    public TextGenerationConfig withEosTokenIds(List<Integer> eosTokenIds) {
        return new TextGenerationConfig(maxNewTokens, temperature, topK, topP, repetitionPenalty, seed, eosTokenIds);
    }
}
