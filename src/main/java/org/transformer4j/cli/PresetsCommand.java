package org.transformer4j.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.transformer4j.io.Json;
import org.transformer4j.model.ConfigJson;
import org.transformer4j.model.Models;
import org.transformer4j.model.TransformerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code t4j presets [NAME]}: the named model configurations with their sizes, or one as JSON. */
@Command(name = "presets", mixinStandardHelpOptions = true,
        description = {"List the model presets with their shapes and parameter counts.",
            "With NAME, print that preset's full config as JSON (a starting point for --config files)."})
public final class PresetsCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "Print this preset's config as JSON.")
    String name;

    @Option(names = "--json", description = "Machine-readable list: [{\"name\", \"architecture\", ..., \"parameters\"}].")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (name != null) {
            out.print(ConfigJson.write(TransformerConfig.preset(name)));
        } else if (json) {
            StringBuilder sb = new StringBuilder("[");
            for (String n : TransformerConfig.presetNames()) {
                TransformerConfig c = TransformerConfig.preset(n);
                sb.append(sb.length() > 1 ? ",\n " : "").append("{\"name\": ").append(Json.quote(n))
                        .append(", \"architecture\": ").append(Json.quote(lower(c.architecture())))
                        .append(", \"d_model\": ").append(c.dModel()).append(", \"heads\": ").append(c.heads())
                        .append(", \"encoder_layers\": ").append(c.encoderLayers())
                        .append(", \"decoder_layers\": ").append(c.decoderLayers()).append(", \"d_ff\": ").append(c.dFF())
                        .append(", \"norm_placement\": ").append(Json.quote(lower(c.normPlacement())))
                        .append(", \"positions\": ").append(Json.quote(lower(c.positions())))
                        .append(", \"parameters\": ").append(Models.parameterCount(c)).append('}');
            }
            out.println(sb.append(']'));
        } else {
            out.printf("%-17s %-16s %7s %5s %7s %6s %-5s %-11s %12s%n", "preset", "architecture", "d_model", "heads",
                    "layers", "d_ff", "norm", "positions", "parameters");
            for (String n : TransformerConfig.presetNames()) {
                TransformerConfig c = TransformerConfig.preset(n);
                String layers = c.encoderLayers() > 0 && c.decoderLayers() > 0 ? c.encoderLayers() + "+" + c.decoderLayers()
                        : Integer.toString(c.encoderLayers() + c.decoderLayers());
                out.printf("%-17s %-16s %7d %5d %7s %6d %-5s %-11s %12s%n", n, lower(c.architecture()), c.dModel(), c.heads(),
                        layers, c.dFF(), lower(c.normPlacement()), lower(c.positions()), millions(Models.parameterCount(c)));
            }
        }
        out.flush();
        return 0;
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static String millions(long n) {
        return n >= 1_000_000 ? String.format(Locale.ROOT, "%.1fM", n / 1e6) : String.format(Locale.ROOT, "%.1fk", n / 1e3);
    }
}
