package org.transformer4j.web;

/**
 * The sampling fields of /api/generate, checked for type and range. This build decodes greedily only:
 * a request that asks for sampling (temperature above 0, top_k above 1, top_p below 1) gets 501 from
 * {@link #requireGreedy()}. When a sampler exists, {@link Generations#decoderOnly} is the one place to use it.
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

    /** Throws 501 unless the settings mean greedy decoding, the only kind this build has. */
    void requireGreedy() {
        if (!greedy()) {
            throw new ApiError(501, "sampling (temperature > 0, top_k > 1 or top_p < 1) is not implemented in this build "
                    + "yet; leave those fields out (or set temperature 0) for greedy decoding");
        }
    }
}
