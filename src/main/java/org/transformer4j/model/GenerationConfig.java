package org.transformer4j.model;

import java.util.List;

/**
 * How {@link Generation} decodes, with Hugging Face generate's meaning of each setting (HfMarian reads it
 * from generation_config.json, or from config.json for checkpoints saved before that file existed).
 *
 * @param decoderStartTokenId the first decoder input (Marian: the pad token)
 * @param eosTokenId          the token that ends a sequence
 * @param maxLength           the longest output sequence, the decoder start token included (HF's max_length)
 * @param numBeams            1 for greedy decoding, more for beam search
 * @param lengthPenalty       finished beams score sum(log p) / length^lengthPenalty, length counting the
 *                            generated tokens with eos and without the start token
 * @param earlyStopping       when beam search stops (HF's early_stopping: true, false or "never")
 * @param badTokenIds         tokens never generated (HF's single-token bad_words_ids; Opus-MT bans pad)
 * @param forcedEosTokenId    the token forced at the last position (max_length - 1), or -1 for none
 * @param renormalizeLogits   log-softmax again after the bans (HF's renormalize_logits)
 */
public record GenerationConfig(int decoderStartTokenId, int eosTokenId, int maxLength, int numBeams, double lengthPenalty,
                               EarlyStopping earlyStopping, List<Integer> badTokenIds, int forcedEosTokenId,
                               boolean renormalizeLogits) {
    /** The most beams a configuration may ask for (each beam holds its own cache). */
    public static final int MAX_BEAMS = 256;
    /** The longest output a configuration may ask for. */
    public static final int MAX_LENGTH = 1 << 16;

    /** When beam search stops, as HF's early_stopping. */
    public enum EarlyStopping {
        /** true: as soon as numBeams sequences have finished. */
        ON,
        /**
         * false (HF's default): when the best running beam, scored at its current length, cannot beat the
         * worst of numBeams finished ones.
         */
        HEURISTIC,
        /** "never": as HEURISTIC, but scoring the running beam at max_length when lengthPenalty > 0. */
        NEVER
    }

    public GenerationConfig {
        require(decoderStartTokenId >= 0, "decoder_start_token_id", decoderStartTokenId);
        require(eosTokenId >= 0, "eos_token_id", eosTokenId);
        require(maxLength >= 2, "max_length", maxLength + " (the start token and at least one generated token)");
        require(numBeams >= 1 && numBeams <= MAX_BEAMS, "num_beams", numBeams + " (1.." + MAX_BEAMS + ")");
        require(maxLength <= MAX_LENGTH, "max_length", maxLength + " (at most " + MAX_LENGTH + ")");
        require(Double.isFinite(lengthPenalty), "length_penalty", lengthPenalty);
        require(earlyStopping != null, "early_stopping", null);
        require(badTokenIds != null && badTokenIds.stream().allMatch(t -> t != null && t >= 0), "bad_words_ids", badTokenIds);
        require(forcedEosTokenId >= -1, "forced_eos_token_id", forcedEosTokenId);
        badTokenIds = List.copyOf(badTokenIds);
    }

    private static void require(boolean ok, String field, Object value) {
        if (!ok) {
            throw new IllegalArgumentException("generation setting " + field + ": invalid value " + value);
        }
    }

    /** HF's defaults for a model's special tokens: greedy, max_length 20, length penalty 1, no bans. */
    public static GenerationConfig defaults(int decoderStartTokenId, int eosTokenId) {
        return new GenerationConfig(decoderStartTokenId, eosTokenId, 20, 1, 1.0, EarlyStopping.HEURISTIC, List.of(), -1,
                false);
    }

    /** A copy with maxLength replaced. */
    public GenerationConfig withMaxLength(int maxLength) {
        return new GenerationConfig(decoderStartTokenId, eosTokenId, maxLength, numBeams, lengthPenalty, earlyStopping,
                badTokenIds, forcedEosTokenId, renormalizeLogits);
    }

    /** A copy with numBeams replaced. */
    public GenerationConfig withNumBeams(int numBeams) {
        return new GenerationConfig(decoderStartTokenId, eosTokenId, maxLength, numBeams, lengthPenalty, earlyStopping,
                badTokenIds, forcedEosTokenId, renormalizeLogits);
    }

    /** A copy with lengthPenalty replaced. */
    public GenerationConfig withLengthPenalty(double lengthPenalty) {
        return new GenerationConfig(decoderStartTokenId, eosTokenId, maxLength, numBeams, lengthPenalty, earlyStopping,
                badTokenIds, forcedEosTokenId, renormalizeLogits);
    }

    /** A copy with earlyStopping replaced. */
    public GenerationConfig withEarlyStopping(EarlyStopping earlyStopping) {
        return new GenerationConfig(decoderStartTokenId, eosTokenId, maxLength, numBeams, lengthPenalty, earlyStopping,
                badTokenIds, forcedEosTokenId, renormalizeLogits);
    }

    /** A copy with badTokenIds replaced. */
    public GenerationConfig withBadTokenIds(List<Integer> badTokenIds) {
        return new GenerationConfig(decoderStartTokenId, eosTokenId, maxLength, numBeams, lengthPenalty, earlyStopping,
                badTokenIds, forcedEosTokenId, renormalizeLogits);
    }

    /** A copy with forcedEosTokenId replaced. */
    public GenerationConfig withForcedEosTokenId(int forcedEosTokenId) {
        return new GenerationConfig(decoderStartTokenId, eosTokenId, maxLength, numBeams, lengthPenalty, earlyStopping,
                badTokenIds, forcedEosTokenId, renormalizeLogits);
    }

    /** A copy with renormalizeLogits replaced. */
    public GenerationConfig withRenormalizeLogits(boolean renormalizeLogits) {
        return new GenerationConfig(decoderStartTokenId, eosTokenId, maxLength, numBeams, lengthPenalty, earlyStopping,
                badTokenIds, forcedEosTokenId, renormalizeLogits);
    }
}
