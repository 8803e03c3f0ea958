package org.transformer4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.transformer4j.autograd.Grad;
import org.transformer4j.inspect.AttentionMaps;
import org.transformer4j.inspect.AttentionReport;
import org.transformer4j.inspect.HeadSummaries;
import org.transformer4j.inspect.LayerNorms;
import org.transformer4j.inspect.QueryKeyForms;
import org.transformer4j.io.Json;
import org.transformer4j.tensor.Rng;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code t4j inspect}: attention maps, head statistics and layer norms of a model. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Look inside a model: attention maps, what each head does, per-layer activation and gradient norms.",
        subcommands = {InspectCommand.Attention.class, InspectCommand.Heads.class, InspectCommand.Norms.class})
public final class InspectCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ErrorHandler.UserException("inspect: name a subcommand: attention, heads or norms (see ./t4j inspect --help)");
    }

    /** --model or --preset. */
    static final class Source {
        @Option(names = "--model", paramLabel = "DIR", description = "A run folder, or a Hugging Face folder (GPT-2, Marian).")
        Path model;

        @Option(names = "--preset", paramLabel = "NAME", description = "A preset (random weights; one id per character).")
        String preset;
    }

    /** The text options shared by attention and heads. */
    static final class TextOptions {
        @Mixin
        Source source = new Source();

        @Parameters(arity = "1..*", paramLabel = "TEXT", description = "The input (an encoder-decoder's source).")
        List<String> text;

        @Option(names = "--target", paramLabel = "TEXT",
                description = "An encoder-decoder's target (default: a trained run's own translation, else the source).")
        String target;

        @Option(names = "--max-tokens", defaultValue = "128", description = "Longest input in tokens (default: ${DEFAULT-VALUE}).")
        int maxTokens;

        InspectInput resolve() throws java.io.IOException {
            return InspectInput.resolve(source.preset, source.model, String.join(" ", text), target, maxTokens);
        }
    }

    static List<AttentionMaps.Map> capture(InspectInput in) {
        try (Grad.Scope ignored = Grad.off()) {
            return AttentionMaps.capture(in.forward());
        }
    }

    @Command(name = "attention", mixinStandardHelpOptions = true,
            description = {"Every attention map of one input: a grid of heatmaps (a row per attention module, a panel",
                "per head) and a lines view of one head; -o FILE.html (both), FILE.png (heatmaps) or FILE.svg (lines)."})
    static final class Attention implements Callable<Integer> {
        @Mixin
        TextOptions input = new TextOptions();

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "FILE.html, FILE.png or FILE.svg.")
        Path output;

        @Option(names = "--layer", defaultValue = "-1",
                description = "The attention module (in execution order, 0-based) of the lines view (default: the last).")
        int layer;

        @Option(names = "--head", defaultValue = "0", description = "The head of the lines view, 0-based (default: ${DEFAULT-VALUE}).")
        int head;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            String name = output.getFileName().toString().toLowerCase(Locale.ROOT);
            if (!name.endsWith(".html") && !name.endsWith(".htm") && !name.endsWith(".png") && !name.endsWith(".svg")) {
                throw new IllegalArgumentException(output + ": unknown output format; use .html, .png or .svg");
            }
            InspectInput in = input.resolve();
            List<AttentionMaps.Map> maps = capture(in);
            if (maps.isEmpty()) {
                throw new IllegalArgumentException(in.model().name() + " has no softmax attention to draw");
            }
            int module = layer < 0 ? maps.size() - 1 : layer;
            if (module >= maps.size()) {
                throw new IllegalArgumentException("--layer must be in 0.." + (maps.size() - 1) + ", got " + layer);
            }
            AttentionReport report = AttentionReport.of("Attention of " + in.model().name() + ": \"" + String.join(" ", input.text)
                    + "\"", maps, in.sourceLabels(), in.decoderRowLabels());
            report.write(output, module, head);
            PrintWriter w = spec.commandLine().getOut();
            w.printf("wrote %s: %d attention modules x %d heads, %d source and %d target tokens%n", output, maps.size(),
                    maps.get(0).heads(), in.source().length, in.target().length);
            w.flush();
            return 0;
        }
    }

    @Command(name = "heads", mixinStandardHelpOptions = true,
            description = {"What each head does on one input (entropy, mean distance, previous/first/diagonal weight) and",
                "its query-key bilinear form W_Q^T W_K (rank, symmetric and antisymmetric shares)."})
    static final class Heads implements Callable<Integer> {
        @Mixin
        TextOptions input = new TextOptions();

        @Option(names = "--json", description = "One JSON object per head, one per line.")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            InspectInput in = input.resolve();
            List<HeadSummaries.HeadSummary> heads = HeadSummaries.of(capture(in));
            Map<String, QueryKeyForms.HeadForm> forms = new HashMap<>();
            QueryKeyForms.of(in.model().model()).forEach(f -> forms.put(f.module() + "/" + f.head(), f));
            PrintWriter w = spec.commandLine().getOut();
            if (!json) {
                w.printf("%-34s %4s %8s %8s %8s %8s %8s %5s %6s%n", "module", "head", "entropy", "distance", "previous",
                        "first", "diagonal", "rank", "sym");
            }
            for (HeadSummaries.HeadSummary h : heads) {
                QueryKeyForms.HeadForm f = forms.get(h.module() + "/" + h.head());
                if (json) {
                    w.printf(Locale.ROOT, "{\"module\": %s, \"kind\": %s, \"head\": %d, \"entropy\": %.6f, \"mean_distance\": %.6f, "
                            + "\"previous_token\": %.6f, \"first_token\": %.6f, \"diagonal\": %.6f, \"qk_rank\": %d, "
                            + "\"qk_symmetric_share\": %.6f, \"qk_antisymmetric_share\": %.6f}%n", Json.quote(h.module()),
                            Json.quote(h.kind().name().toLowerCase(Locale.ROOT)), h.head(), h.entropy(), h.meanDistance(),
                            h.previousToken(), h.firstToken(), h.diagonal(), f == null ? -1 : f.rank(),
                            f == null ? Double.NaN : f.symmetricShare(), f == null ? Double.NaN : f.antisymmetricShare());
                } else {
                    w.printf(Locale.ROOT, "%-34s %4d %8.3f %8.3f %8.3f %8.3f %8.3f %5s %6s%n", h.module(), h.head(), h.entropy(),
                            h.meanDistance(), h.previousToken(), h.firstToken(), h.diagonal(),
                            f == null ? "-" : Integer.toString(f.rank()),
                            f == null ? "-" : String.format(Locale.ROOT, "%.3f", f.symmetricShare()));
                }
            }
            w.flush();
            return 0;
        }
    }

    @Command(name = "norms", mixinStandardHelpOptions = true,
            description = {"Per-layer activation RMS and parameter-gradient norms for one random batch (Xiong et al.",
                "2020): at initialization Post-LN's gradients grow towards the output, Pre-LN's stay level."})
    static final class Norms implements Callable<Integer> {
        @Mixin
        Source source = new Source();

        @Option(names = "--batch", defaultValue = "4", description = "Batch rows (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--tokens", defaultValue = "32", description = "Tokens per row (default: ${DEFAULT-VALUE}).")
        int tokens;

        @Option(names = "--seed", defaultValue = "1", description = "Seed of the random batch (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--json", description = "One JSON object per layer, one per line.")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if ((source.preset == null) == (source.model == null)) {
                throw new IllegalArgumentException("give --model DIR or --preset NAME");
            }
            if (batch < 1 || batch > 256 || tokens < 1) {
                throw new IllegalArgumentException("need --batch in 1..256 and --tokens >= 1; got " + batch + " and " + tokens);
            }
            ModelSource.Loaded m = ModelSource.load(source.preset, null, source.model);
            if (tokens > m.config().maxPositions()) {
                throw new IllegalArgumentException("--tokens " + tokens + " is more than the model's " + m.config().maxPositions()
                        + " positions");
            }
            m.model().eval();   // dropout off: the numbers are those of the weights
            List<LayerNorms.LayerNorm> norms = LayerNorms.of(m.model(),
                    LayerNorms.randomBatchLoss(m.model(), batch, tokens, new Rng(seed)));
            PrintWriter w = spec.commandLine().getOut();
            if (!json) {
                w.printf("%-20s %14s %14s %14s %12s%n", "layer", "activation rms", "grad norm", "ffn grad norm", "parameters");
            }
            List<String> lines = new ArrayList<>();
            for (LayerNorms.LayerNorm n : norms) {
                lines.add(json
                        ? String.format(Locale.ROOT, "{\"layer\": %s, \"activation_rms\": %.6g, \"gradient_norm\": %.6g, "
                                + "\"feed_forward_gradient_norm\": %.6g, \"parameters\": %d}", Json.quote(n.layer()),
                                n.activationRms(), n.gradientNorm(), n.feedForwardGradientNorm(), n.parameters())
                        : String.format(Locale.ROOT, "%-20s %14.4f %14.4g %14.4g %,12d", n.layer(), n.activationRms(),
                                n.gradientNorm(), n.feedForwardGradientNorm(), n.parameters()));
            }
            lines.forEach(w::println);
            w.flush();
            return 0;
        }
    }
}
