package org.transformer4j.experiments;

import org.transformer4j.data.TextPair;
import org.transformer4j.tensor.Rng;

/** Package-private pieces of {@link PositionsExperiment} for tests in other packages. */
public final class PositionsExperimentAccess {
    private PositionsExperimentAccess() {
    }

    /** A seeded digit-reversal pair of n digits. */
    public static TextPair reversalPair(int n) {
        return PositionsExperiment.reversalPair(new Rng(1), n);
    }
}
