package org.transformer4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.transformer4j.io.Json;
import org.transformer4j.io.SafeTensorsFile;
import org.transformer4j.io.TensorEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code t4j weights FILE}: lists the tensors and metadata of a safetensors file. */
@Command(name = "weights", mixinStandardHelpOptions = true,
        description = "List the tensors (name, dtype, shape) and metadata of a safetensors file.")
public final class WeightsCommand implements Callable<Integer> {
    /** Metadata values longer than this are cut in the human listing (--json prints them whole). */
    private static final int MAX_SHOWN_VALUE = 120;

    @Parameters(index = "0", paramLabel = "FILE", description = "The .safetensors file.")
    Path file;

    @Option(names = "--json", description = "Print JSON: {\"file\", \"tensors\": [{\"name\", \"dtype\", \"shape\", "
            + "\"bytes\"}], \"metadata\"}.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        try (SafeTensorsFile f = open(file)) {
            if (json) {
                printJson(out, f);
            } else {
                printTable(out, f);
            }
        }
        out.flush();
        return 0;
    }

    /** Opens the file, turning the JDK's bare-path exceptions into one line that says what is wrong. */
    private static SafeTensorsFile open(Path file) throws IOException {
        try {
            return SafeTensorsFile.open(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException(file + ": permission denied", e);
        }
    }

    private static void printTable(PrintWriter out, SafeTensorsFile f) {
        List<TensorEntry> entries = f.entries();
        int nameWidth = 4;
        int dtypeWidth = 5;
        for (TensorEntry e : entries) {
            nameWidth = Math.max(nameWidth, printable(e.name()).length());
            dtypeWidth = Math.max(dtypeWidth, e.dtype().name().length());
        }
        long params = 0;
        long bytes = 0;
        for (TensorEntry e : entries) {
            out.println(pad(printable(e.name()), nameWidth) + "  " + pad(e.dtype().name(), dtypeWidth) + "  "
                    + e.shapeString());
            params += e.elementCount();
            bytes += e.byteSize();
        }
        // Locale.ROOT: the same digits for every user, so scripts and tests can read the line.
        out.println(String.format(Locale.ROOT, "%d tensor%s, %,d parameters, %,d bytes", entries.size(),
                entries.size() == 1 ? "" : "s", params, bytes));
        if (!f.metadata().isEmpty()) {
            out.println("metadata:");
            for (Map.Entry<String, String> m : f.metadata().entrySet()) {
                String v = printable(m.getValue());
                if (v.length() > MAX_SHOWN_VALUE) {
                    v = v.substring(0, MAX_SHOWN_VALUE) + "... (" + m.getValue().length() + " chars, see --json)";
                }
                out.println("  " + printable(m.getKey()) + " = " + v);
            }
        }
    }

    private static void printJson(PrintWriter out, SafeTensorsFile f) {
        List<String> tensors = new ArrayList<>();
        for (TensorEntry e : f.entries()) {
            List<String> dims = new ArrayList<>();
            for (long d : e.shape()) {
                dims.add(Long.toString(d));
            }
            tensors.add("    {\"name\": " + Json.quote(e.name()) + ", \"dtype\": " + Json.quote(e.dtype().name())
                    + ", \"shape\": [" + String.join(", ", dims) + "], \"bytes\": " + e.byteSize() + "}");
        }
        List<String> metadata = new ArrayList<>();
        f.metadata().forEach((k, v) -> metadata.add("    " + Json.quote(k) + ": " + Json.quote(v)));
        out.println("{");
        out.println("  \"file\": " + Json.quote(f.path().toString()) + ",");
        out.println("  \"tensors\": [" + (tensors.isEmpty() ? "]," : ""));
        if (!tensors.isEmpty()) {
            out.println(String.join(",\n", tensors));
            out.println("  ],");
        }
        out.println("  \"metadata\": {" + (metadata.isEmpty() ? "}" : ""));
        if (!metadata.isEmpty()) {
            out.println(String.join(",\n", metadata));
            out.println("  }");
        }
        out.println("}");
    }

    /** Names and values may hold newlines or control characters; the listing stays one line per tensor. */
    private static String printable(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
