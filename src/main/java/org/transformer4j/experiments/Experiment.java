package org.transformer4j.experiments;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A reproduction of a published claim: it trains what it needs and writes a Markdown report with plots and
 * tables ({@link Report}) that says what reproduced and what did not. {@code quick} runs the same pipeline
 * with tiny models and few steps, to prove it works end to end, not to test the claim.
 *
 * <pre>{@code
 * Path md = Experiments.byName("warmup").run(ExperimentOptions.full(Path.of("docs/experiments"), System.err::println));
 * }</pre>
 */
public interface Experiment {

    /** The command name, e.g. "warmup". */
    String name();

    /** One line: the claim and where it comes from. */
    String description();

    /** How many seeds a full run uses unless told otherwise. */
    default int defaultSeeds() {
        return 1;
    }

    /** Runs the experiment and writes its report to options.out(); returns the Markdown file. */
    Path run(ExperimentOptions options) throws IOException;
}
