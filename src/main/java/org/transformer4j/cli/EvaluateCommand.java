package org.transformer4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.transformer4j.io.Json;
import org.transformer4j.train.Bleu;
import org.transformer4j.train.TranslationEvaluation;
import org.transformer4j.train.TranslationRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code t4j evaluate}: exact match and BLEU of a trained run (or one of its checkpoints) on its test split. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Score a translation run on its held-out split with greedy decoding: exact match (equal to any",
            "reference) and sacreBLEU-style corpus BLEU, with all translations of a source as its references."})
public final class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "RUN", description = "A run folder from ./t4j demo or ./t4j train.")
    Path run;

    @Option(names = "--checkpoint", paramLabel = "DIR", description = "A checkpoint directory to score instead of the run's latest.")
    Path checkpoint;

    @Option(names = "--data", description = "numbers or ding (default: the run's run.json).")
    String data;

    @Option(names = "--seed", description = "The run's data seed (default: the run's run.json, else 1).")
    Long seed;

    @Option(names = "--split", defaultValue = "test", description = "test or dev (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--limit", defaultValue = "0", description = "Score only the first N pairs, 0 for all (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--write", paramLabel = "FILE", description = "Also write every source, output and its references as JSON.")
    Path write;

    @Option(names = "--json", description = "Print the scores as one JSON object.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (limit < 0) {
            throw new IllegalArgumentException("--limit must be >= 0, got " + limit);
        }
        if (checkpoint != null && !Files.isDirectory(checkpoint)) {
            throw new IllegalArgumentException("--checkpoint " + checkpoint + ": no such directory");
        }
        String dataName = data;
        long dataSeed = seed != null ? seed : 1;
        if (dataName == null) {
            TranslationRun.RunInfo info = TranslationRun.readRunInfo(run);
            dataName = info.data();
            dataSeed = seed != null ? seed : info.seed();
        }
        TranslationEvaluation e = TranslationRun.evaluateRun(run, checkpoint, dataName, dataSeed, split, limit,
                json ? s -> { } : System.err::println);
        if (write != null) {
            e.writeJson(write);
        }
        Bleu.Result bleu = e.bleu();
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            w.printf(Locale.ROOT, "{\"exact_match\": %.6f, \"bleu\": %.6f, \"sources\": %d, \"pairs\": %d, \"split\": %s, "
                    + "\"data\": %s}%n", e.exactMatch(), bleu.score(), e.size(), e.pairs(), Json.quote(split), Json.quote(dataName));
        } else {
            w.printf(Locale.ROOT, "exact match: %.1f%%  BLEU: %.1f  (%d %s sources, %d pairs)%n", 100 * e.exactMatch(),
                    bleu.score(), e.size(), split, e.pairs());
            w.println(bleu);
        }
        w.flush();
        return 0;
    }
}
