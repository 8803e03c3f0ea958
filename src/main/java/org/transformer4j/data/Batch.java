package org.transformer4j.data;

/**
 * One batch for an encoder-decoder: the padded source, the decoder input (bos + target) and the decoder
 * target (target + eos), which is the input shifted left by one; both decoder arrays have the same shape.
 *
 * @param position where this batch is in the data (resume from {@code batcher.next(position)})
 * @param examples the indices of the examples in the batcher's list, one per row
 */
public record Batch(DataPosition position, int[] examples, PaddedIds source, PaddedIds decoderInput,
        PaddedIds decoderTarget) {

    /** The number of examples. */
    public int size() {
        return examples.length;
    }

    /** The padded size that the token budget counts: rows x max(source length, decoder length). */
    public int paddedTokens() {
        return size() * Math.max(source.length(), decoderInput.length());
    }
}
