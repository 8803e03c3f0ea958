package org.transformer4j.experiments;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How to run an experiment.
 *
 * @param quick    tiny models and few steps: proves the pipeline, not the claim
 * @param seeds    how many seeds (1, 2, ...) to repeat each configuration with, where the experiment repeats
 * @param out      the folder that receives NAME.md and NAME/ (images)
 * @param progress where progress lines go
 * @param data     a corpus folder to use instead of the data cache's (the Brown corpus for fastweights), or null
 * @param resume   a folder where finished training runs are kept and from which a rerun of the same plan takes
 *                 them instead of training again (experiments that support it: warmup), or null for none
 */
public record ExperimentOptions(boolean quick, int seeds, Path out, Consumer<String> progress, Path data, Path resume) {
    public ExperimentOptions {
        if (seeds < 1 || seeds > 100) {
            throw new IllegalArgumentException("--seeds must be in 1..100, got " + seeds);
        }
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(progress, "progress");
    }

    /** The full run with the given seeds. */
    public static ExperimentOptions full(Path out, int seeds, Consumer<String> progress) {
        return new ExperimentOptions(false, seeds, out, progress, null, null);
    }

    /** The quick run with one seed. */
    public static ExperimentOptions quick(Path out, Consumer<String> progress) {
        return new ExperimentOptions(true, 1, out, progress, null, null);
    }

    /** The same options with another number of seeds. */
    public ExperimentOptions withSeeds(int n) {
        return new ExperimentOptions(quick, n, out, progress, data, resume);
    }

    /** The same options with another corpus folder. */
    public ExperimentOptions withData(Path folder) {
        return new ExperimentOptions(quick, seeds, out, progress, folder, resume);
    }

    /** The same options keeping finished runs in (and taking them from) folder. */
    public ExperimentOptions withResume(Path folder) {
        return new ExperimentOptions(quick, seeds, out, progress, data, folder);
    }

    /** The seeds 1..seeds. */
    public long[] seedList() {
        long[] s = new long[seeds];
        for (int i = 0; i < seeds; i++) {
            s[i] = i + 1;
        }
        return s;
    }

    /** Sends a progress line. */
    public void log(String line) {
        progress.accept(line);
    }
}
