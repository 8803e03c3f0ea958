package org.transformer4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.transformer4j.model.ConfigJson;
import org.transformer4j.model.TransformerConfig;
import org.transformer4j.train.TranslationRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code t4j train}: train an encoder-decoder on the number words or the Ding dictionary. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a translation model (any encoder-decoder preset or config) into a run folder.")
public final class TrainCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "A config JSON file (default: the demo's model).")
    Path config;

    @Option(names = "--preset", paramLabel = "NAME", description = "A preset instead of --config.")
    String preset;

    @Option(names = "--data", defaultValue = "numbers", description = "numbers (built in) or ding (default: ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The run folder.")
    Path out;

    @Option(names = "--resume", description = "Continue the run in --out from its latest checkpoint.")
    boolean resume;

    @Option(names = "--minutes", defaultValue = "0", description = "Training time limit, 0 for none (default: ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--steps", defaultValue = "2000", description = "Optimizer steps at most (default: ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--warmup", defaultValue = "200", description = "Warmup steps (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (config != null && preset != null) {
            throw new IllegalArgumentException("give --config or --preset, not both");
        }
        if (steps < 1 || minutes < 0 || warmup < 0 || !(lr > 0)) {
            throw new IllegalArgumentException("need --steps >= 1, --minutes >= 0, --warmup >= 0 and --lr > 0; got " + steps
                    + ", " + minutes + ", " + warmup + ", " + lr);
        }
        TransformerConfig c = config != null ? ConfigJson.read(config) : preset != null ? TransformerConfig.preset(preset)
                : DemoCommand.config();
        TranslationRun.Summary s = TranslationRun.run(new TranslationRun.Options(data, c, out, resume, minutes, steps, lr, warmup,
                seed), System.out, System.console() != null);
        RunPictures.write(s, out, "the trained model");
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "exact match: %.1f%%  BLEU: %.1f  (%d test sources, %d steps, %s)%n", 100 * s.exactMatch(), s.bleu(),
                s.testSize(), s.training().steps(), s.training().stoppedBecause());
        w.flush();
        return 0;
    }
}
