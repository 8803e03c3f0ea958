package org.transformer4j.web;

import java.util.List;
import org.transformer4j.model.TextGeneration;
import org.transformer4j.model.TextGenerationConfig;

/**
 * The sampling fields of /api/generate, checked for type and range. Greedy settings (none of them, or
 * temperature 0, top_k 1, top_p 1) decode greedily; others sample with {@link TextGeneration}'s processors
 * (temperature 1 when only top_k or top_p is given; a seed from the clock when none is).
 *
 * @param temperature softmax temperature, 0 or absent for greedy
 * @param topK        keep the k most likely ids; 0 or absent for all
 * @param topP        keep the smallest set of ids whose probability reaches p; 1 or absent for all
 * @param seed        the random seed of sampling; ignored by greedy decoding
 */
record Sampling(Double temperature, Integer topK, Double topP, Long seed) {
    /** The largest temperature accepted. */
    static final double MAX_TEMPERATURE = 100;

    /** Reads and checks the fields. */
    static Sampling parse(RequestJson req, int vocab) {
        Double t = req.number("temperature");
        if (t != null && !(t >= 0 && t <= MAX_TEMPERATURE)) {
            throw ApiError.badRequest("field \"temperature\" must be in 0.." + (int) MAX_TEMPERATURE + " (0 is greedy), got " + t);
        }
        Integer k = req.integer("top_k", null, 0, vocab, "the vocabulary size; 0 keeps all");
        Double p = req.number("top_p");
        if (p != null && !(p > 0 && p <= 1)) {
            throw ApiError.badRequest("field \"top_p\" must be in (0, 1], got " + p);
        }
        Double s = req.number("seed");
        if (s != null && (s != Math.rint(s) || Math.abs(s) > 9.007199254740991E15)) {
            throw ApiError.badRequest("field \"seed\" must be an integer (at most 2^53 in magnitude), got " + s);
        }
        return new Sampling(t, k, p, s == null ? null : s.longValue());
    }

    /** Whether these settings mean greedy decoding. */
    boolean greedy() {
        return (temperature == null || temperature == 0) && (topK == null || topK <= 1) && (topP == null || topP == 1);
    }

    /** The generation settings of a sampling request (see {@link #greedy()} for when there is none). */
    TextGenerationConfig config(int maxNew, int eos) {
        double t = temperature == null || temperature == 0 ? 1.0 : temperature;
        return TextGenerationConfig.greedy(maxNew).withTemperature(t).withTopK(topK == null ? 0 : topK)
                .withTopP(topP == null ? 1.0 : topP).withSeed(seed == null ? System.nanoTime() : seed)
                .withEosTokenIds(eos >= 0 ? List.of(eos) : List.of());
    }
}
