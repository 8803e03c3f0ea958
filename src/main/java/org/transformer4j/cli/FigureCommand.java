package org.transformer4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.transformer4j.figure.DotWriter;
import org.transformer4j.figure.Drawing;
import org.transformer4j.figure.Figure;
import org.transformer4j.figure.FigureDiff;
import org.transformer4j.figure.FigureJson;
import org.transformer4j.figure.FigureLayout;
import org.transformer4j.figure.Figures;
import org.transformer4j.figure.GraphMlWriter;
import org.transformer4j.figure.PngWriter;
import org.transformer4j.figure.SvgWriter;
import org.transformer4j.model.ExampleInputs;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code t4j figure}: the architecture figure traced from a real forward pass of the model. */
@Command(name = "figure", mixinStandardHelpOptions = true,
        description = {"Draw a model's architecture from what it actually executes on a small example input.",
            "Levels: paper (Figure 1 style), blocks (modules), ops (every operation), neurons (tiny models).",
            "Example: ./t4j figure --preset paper-base --diff paper-base-preln -o post-vs-pre.png"})
public final class FigureCommand implements Callable<Integer> {

    /** Where the model comes from: exactly one of these. */
    static final class Source {
        @Option(names = "--preset", paramLabel = "NAME", description = "A preset (./t4j presets lists them).")
        String preset;

        @Option(names = "--config", paramLabel = "FILE", description = "A config JSON file.")
        Path config;

        @Option(names = "--model", paramLabel = "DIR", description = "A model folder (config.json + model.safetensors), "
                + "a training run folder, or a Hugging Face GPT-2 or Marian folder.")
        Path model;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--level", defaultValue = "paper", paramLabel = "LEVEL",
            description = "paper, blocks, ops or neurons (default: ${DEFAULT-VALUE}).")
    String level;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "svg, png, dot, json or graphml (default: from the -o file's extension).")
    String format;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "The file to write.")
    Path output;

    @Option(names = "--direction", defaultValue = "up", paramLabel = "DIR",
            description = "up (inputs at the bottom, as the paper), down or right (default: ${DEFAULT-VALUE}).")
    String direction;

    @Option(names = "--diff", paramLabel = "OTHER", description = "Draw this preset (or config file) beside the model, "
            + "differences highlighted.")
    String diff;

    @Option(names = "--expand", paramLabel = "PATH", description = "Draw this module open (repeatable).")
    List<String> expand = List.of();

    @Option(names = "--collapse", paramLabel = "PATH", description = "Draw this module as one box (repeatable).")
    List<String> collapse = List.of();

    @Option(names = "--only", paramLabel = "PATH", description = "Draw only this module, e.g. decoder.layers.0.self_attn.")
    String only;

    @Option(names = "--hide-params", description = "Leave the parameters out (the ops level draws them as inputs).")
    boolean hideParams;

    @Option(names = "--no-shapes", description = "Leave tensor shapes off the arrows.")
    boolean noShapes;

    @Option(names = "--no-labels", description = "Leave labels (Q/K/V, weights) off the arrows.")
    boolean noLabels;

    @Option(names = "--scale", defaultValue = "2", paramLabel = "X", description = "PNG pixels per unit (default: ${DEFAULT-VALUE}).")
    double scale;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Figure.Level lvl = parseEnum(Figure.Level.class, level, "--level");
        FigureLayout.Direction dir = parseEnum(FigureLayout.Direction.class, direction, "--direction");
        String fmt = format != null ? format.toLowerCase(Locale.ROOT) : extension(output);
        if (!List.of("svg", "png", "dot", "json", "graphml").contains(fmt)) {
            throw new IllegalArgumentException("--format: unknown format '" + fmt + "'; use svg, png, dot, json or graphml");
        }
        Figures.Options opts = new Figures.Options(new LinkedHashSet<>(expand), new LinkedHashSet<>(collapse), !hideParams, "");
        ModelSource.Loaded main = ModelSource.load(source.preset, source.config, source.model);
        Figure figure = trace(main, lvl, opts.withTitle(main.name()));
        if (only != null) {
            figure = Figures.only(figure, only);
        }
        if (diff != null) {
            ModelSource.Loaded other = ModelSource.byNameOrFile(diff);
            Figure second = trace(other, lvl, opts.withTitle(other.name()));
            figure = FigureDiff.sideBySide(figure, main.name(), second, other.name());
        }
        byte[] bytes = switch (fmt) {
            case "json" -> FigureJson.write(figure).getBytes(StandardCharsets.UTF_8);
            case "dot" -> DotWriter.write(figure).getBytes(StandardCharsets.UTF_8);
            case "graphml" -> GraphMlWriter.write(figure).getBytes(StandardCharsets.UTF_8);
            default -> {
                if (!(scale > 0 && scale <= 8)) {
                    throw new IllegalArgumentException("--scale must be in (0, 8], got " + scale);
                }
                Drawing d = FigureLayout.layout(figure, FigureLayout.Options.defaults().withDirection(dir)
                        .withEdgeShapes(!noShapes && lvl != Figure.Level.PAPER).withEdgeLabels(!noLabels));
                yield fmt.equals("svg") ? SvgWriter.write(d).getBytes(StandardCharsets.UTF_8) : PngWriter.write(d, scale);
            }
        };
        writeAtomically(output, bytes);
        spec.commandLine().getOut().println("wrote " + output + " (" + figure.nodes().size() + " nodes, "
                + figure.edges().size() + " arrows, level " + lvl.name().toLowerCase(Locale.ROOT) + ")");
        return 0;
    }

    private static Figure trace(ModelSource.Loaded m, Figure.Level level, Figures.Options options) {
        return Figures.of(m.model(), ExampleInputs.forward(m.model()), level, options);
    }

    /** Writes to a temporary file beside the target and renames it, so no half-written file is ever left. */
    static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(target + ": the folder " + dir + " does not exist");
        }
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String extension(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    static <E extends Enum<E>> E parseEnum(Class<E> type, String value, String option) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value)) {
                return e;
            }
        }
        throw new IllegalArgumentException(option + ": unknown value '" + value + "'; use one of "
                + String.join(", ", java.util.Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT)).toList()));
    }
}
