package org.transformer4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.transformer4j.model.TransformerConfig;
import org.transformer4j.nn.NormPlacement;
import org.transformer4j.train.TranslationRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code t4j demo}: train a small Transformer to translate German number words, and show how well it learned. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"The main job: train a small paper-style Transformer (Pre-LN, sinusoidal positions) to translate",
            "German number words into English ones (\"zweiundvierzig\" -> \"forty-two\"), with no download, then",
            "evaluate on held-out numbers and write the run folder (checkpoint, metrics, loss curve, figure)."})
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--minutes", defaultValue = "4", paramLabel = "M", description = "Training time (default: ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default: runs/demo, runs/demo-2, ... whichever is free).")
    Path out;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for data, initialisation and batches (default: ${DEFAULT-VALUE}).")
    long seed;

    @Spec
    CommandSpec spec;

    /** The demo's model: the paper's architecture, small. */
    static TransformerConfig config() {
        return TransformerConfig.tinyPaper().withDModel(128).withHeads(4).withDFF(512).withNormPlacement(NormPlacement.PRE)
                .withDropout(0.1f).withMaxPositions(64);
    }

    @Override
    public Integer call() throws Exception {
        if (!(minutes > 0 && minutes <= 600)) {
            throw new IllegalArgumentException("--minutes must be in (0, 600], got " + minutes);
        }
        PrintWriter w = spec.commandLine().getOut();
        Path dir = out != null ? out : freeRunFolder();
        w.printf(Locale.ROOT, "Training a %s Transformer to translate German number words to English for %.1f minutes.%n",
                "Pre-LN", minutes);
        w.println("Run folder: " + dir);
        w.flush();
        TranslationRun.Summary s = TranslationRun.run(new TranslationRun.Options("numbers", config(), dir, false, minutes,
                Long.MAX_VALUE, 1e-3, 200, seed), System.out, System.console() != null);
        String attentionExample = RunPictures.write(s, dir, "the demo's model");
        w.println();
        w.printf(Locale.ROOT, "exact match: %.1f%% of %d held-out numbers%n", 100 * s.exactMatch(), s.testSize());
        w.printf(Locale.ROOT, "BLEU: %.1f%n", s.bleu());
        w.printf(Locale.ROOT, "trained %d steps in %.0f s (%s)%n", s.training().steps(), s.training().seconds(),
                s.training().stoppedBecause());
        w.println();
        for (String[] sample : s.samples()) {
            w.printf("  %s%n    -> %s%s%n", sample[0], sample[1], sample[1].equals(sample[2]) ? "" : "   (expected: " + sample[2] + ")");
        }
        w.println();
        w.println("Wrote " + dir + ": checkpoint, metrics.jsonl, loss.svg/png, figure.png, test.json"
                + (attentionExample == null ? "." : ", attention.svg/png (cross-attention for \"" + attentionExample + "\")."));
        w.println("Translate more: ./t4j translate --model " + dir + " dreihundertzwölf");
        w.flush();
        return 0;
    }

    private static Path freeRunFolder() {
        Path base = Path.of("runs", "demo");
        for (int i = 2; Files.exists(base); i++) {
            base = Path.of("runs", "demo-" + i);
        }
        return base;
    }
}
