package org.transformer4j.data;

/**
 * Where training stands in the data: the epoch and the index of the next batch in that epoch's order;
 * batches are a pure function of (examples, options, seed, epoch), so saving this resumes exactly.
 */
public record DataPosition(int epoch, int batch) {

    /** The first batch of the first epoch. */
    public static final DataPosition START = new DataPosition(0, 0);

    public DataPosition {
        if (epoch < 0 || batch < 0) {
            throw new IllegalArgumentException("data position must be non-negative, got epoch " + epoch + ", batch "
                    + batch);
        }
    }
}
