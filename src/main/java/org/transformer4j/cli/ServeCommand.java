package org.transformer4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.transformer4j.web.ServerLimits;
import org.transformer4j.web.WebServer;
import org.transformer4j.web.Workbench;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code t4j serve}: the web workbench (figure, attention, playground, training) for one model. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the web workbench for a model: the traced figure (pan, zoom, open and close modules), "
                + "attention maps, a playground (translate or generate, tokens streamed) and a training run's loss "
                + "curve, with the JSON API under /api/ (docs/API.md).",
            "",
            "A preset has random weights and no tokenizer: text is read character by character (code point c is "
                + "id c mod vocab)."},
        footer = {"", "Example: ./t4j serve --model runs/demo    (then open http://127.0.0.1:8080)"})
public final class ServeCommand implements Callable<Integer> {

    /** Where the model comes from: exactly one of these. */
    static final class Source {
        @Option(names = "--model", paramLabel = "DIR", description = "A run folder from ./t4j demo or ./t4j train, a model "
                + "folder, or a Hugging Face GPT-2 or Marian folder.")
        Path model;

        @Option(names = "--preset", paramLabel = "NAME", description = "A preset (./t4j presets lists them).")
        String preset;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDR",
            description = "The address to bind (default: ${DEFAULT-VALUE}, this machine only).")
    String host;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "N", description = "The port; 0 picks a free one "
            + "(default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--run", paramLabel = "DIR", description = "The training run whose metrics.jsonl the Training page "
            + "follows (default: the --model folder's, when it has one).")
    Path run;

    @Option(names = "--max-input-tokens", paramLabel = "N", description = "Longest input in tokens (default: ${DEFAULT-VALUE}).")
    int maxInputTokens = ServerLimits.defaults().maxInputTokens();

    @Option(names = "--max-new-tokens", paramLabel = "N", description = "Most tokens one generate or translate produces "
            + "(default: ${DEFAULT-VALUE}).")
    int maxNewTokens = ServerLimits.defaults().maxNewTokens();

    @Option(names = "--max-concurrent", paramLabel = "N", description = "Model computations at once; more requests get 429 "
            + "(default: ${DEFAULT-VALUE}).")
    int maxConcurrent = ServerLimits.defaults().maxConcurrent();

    @Option(names = "--max-body", paramLabel = "BYTES", description = "Largest request body; larger gets 413 "
            + "(default: ${DEFAULT-VALUE}).")
    int maxBody = ServerLimits.defaults().maxBodyBytes();

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Time limit of one request; longer gets 503 "
            + "(default: ${DEFAULT-VALUE}).")
    double timeout = ServerLimits.defaults().timeout().toMillis() / 1000.0;

    @Option(names = "--max-beam", paramLabel = "N", description = "Widest beam a translate may ask for (default: ${DEFAULT-VALUE}).")
    int maxBeam = ServerLimits.defaults().maxBeam();

    @Option(names = "--threads", paramLabel = "N", description = "HTTP handler threads (default: ${DEFAULT-VALUE}).")
    int threads = ServerLimits.defaults().handlerThreads();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (WebServer server = start()) {
            PrintWriter out = spec.commandLine().getOut();
            out.println("listening on " + server.url());
            out.flush();
            CountDownLatch forever = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(forever::countDown));
            forever.await();
        }
        return 0;
    }

    /** Loads the model and starts the server (the command then waits until the JVM is stopped). */
    WebServer start() throws Exception {
        if (!(timeout > 0 && timeout <= 86400)) {
            throw new IllegalArgumentException("--timeout must be in (0, 86400] seconds, got " + timeout);
        }
        range("--max-input-tokens", maxInputTokens, 1 << 20);
        range("--max-new-tokens", maxNewTokens, 1 << 20);
        range("--max-concurrent", maxConcurrent, 1024);
        range("--max-body", maxBody, 1 << 30);
        range("--max-beam", maxBeam, 64);
        range("--threads", threads, 1024);
        ServerLimits limits = new ServerLimits(maxInputTokens, maxNewTokens, maxConcurrent, maxBody,
                Duration.ofMillis(Math.round(timeout * 1000)), maxBeam, threads);
        ModelSource.Loaded m = ModelSource.load(source.preset, null, source.model);
        Workbench wb = source.preset != null ? Workbench.preset(m.name(), m.model(), m.config())
                : Workbench.folder(m.name(), m.model(), m.config(), source.model);
        if (run != null) {
            if (!Files.isDirectory(run) && !Files.isRegularFile(run)) {
                throw new IllegalArgumentException("--run " + run + ": no such folder or file");
            }
            wb = wb.withTrainingLog(run);
        }
        try {
            return WebServer.start(wb, host, port, limits, System.err);
        } catch (java.net.BindException e) {
            throw new IllegalArgumentException("cannot listen on " + host + ":" + port + ": " + e.getMessage()
                    + " (another server there? try --port)");
        }
    }

    private static void range(String option, int value, int max) {
        if (value < 1 || value > max) {
            throw new IllegalArgumentException(option + " must be in 1.." + max + ", got " + value);
        }
    }
}
