package org.transformer4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.transformer4j.data.DataCache;
import org.transformer4j.experiments.Experiment;
import org.transformer4j.experiments.ExperimentOptions;
import org.transformer4j.experiments.Experiments;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code t4j experiment NAME}: run a reproduction and write its report. */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = {"Reproduce a published claim and write a Markdown report with plots and tables",
            "(docs/experiments/NAME.md and docs/experiments/NAME/). Without NAME, list the experiments."})
public final class ExperimentCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "warmup, fastweights, positions or ulmfit.")
    String name;

    @Option(names = "--quick", description = "Tiny models and few steps: proves the pipeline, not the claim; writes to a "
            + "temporary folder unless --out is given.")
    boolean quick;

    @Option(names = "--seeds", paramLabel = "N", description = "Seeds per configuration (default: the experiment's own; 1 with --quick).")
    Integer seeds;

    @Option(names = "--out", paramLabel = "DIR", description = "Folder for NAME.md and NAME/ (default: docs/experiments).")
    Path out;

    @Option(names = "--data", paramLabel = "DIR", description = "A corpus folder instead of the data cache's (fastweights, "
            + "ulmfit: the Brown corpus as ./t4j data fetch brown unpacks it).")
    Path data;

    @Option(names = "--resume", description = "Keep each finished training run in the data cache and take those of an "
            + "earlier, interrupted run of the same plan instead of training them again (warmup).")
    boolean resume;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter w = spec.commandLine().getOut();
        if (name == null) {
            for (Experiment e : Experiments.all()) {
                w.printf("%-12s %s%n", e.name(), e.description());
            }
            w.flush();
            return 0;
        }
        Experiment e = Experiments.byName(name);
        Path dir = out != null ? out : quick ? Files.createTempDirectory("t4j-experiment-") : Path.of("docs", "experiments");
        int n = seeds != null ? seeds : quick ? 1 : e.defaultSeeds();
        Path report = e.run(new ExperimentOptions(quick, n, dir, line -> {
            w.println(line);
            w.flush();
        }, data, resume ? DataCache.standard(line -> { }).dir().resolve("experiment-runs") : null));
        w.println("Wrote " + report + " (images in " + report.resolveSibling(e.name()) + ")");
        w.flush();
        return 0;
    }
}
