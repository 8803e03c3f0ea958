package org.transformer4j.data;

import java.util.List;

/** Disjoint train, dev and test lists of examples (unmodifiable). */
public record Splits(List<TextPair> train, List<TextPair> dev, List<TextPair> test) {

    public Splits {
        train = List.copyOf(train);
        dev = List.copyOf(dev);
        test = List.copyOf(test);
    }

    /** The total number of examples. */
    public int size() {
        return train.size() + dev.size() + test.size();
    }
}
