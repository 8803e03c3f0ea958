package org.transformer4j.experiments;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A Markdown report being written: headings, paragraphs, lists, code blocks, tables and plots. The report
 * is {@code DIR/NAME.md}; each plot is written at once as {@code DIR/NAME/FILE.png} and {@code .svg} and
 * embedded by a relative link, so the folder can be moved as a whole. {@link #write()} replaces the
 * Markdown file atomically.
 *
 * <pre>{@code
 * Report r = new Report(Path.of("docs/experiments"), "warmup");
 * r.heading(1, "Warmup").paragraph("What we measured.");
 * r.table(List.of("cell", "BLEU"), List.of(List.of("Post-LN", "12.3")));
 * r.plot(plot, "loss", "Training loss");
 * r.write();
 * }</pre>
 */
public final class Report {
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private final Path dir;
    private final String name;
    private final StringBuilder md = new StringBuilder();

    /** A report named name (letters, digits, '.', '_', '-') in dir. */
    public Report(Path dir, String name) {
        if (!FILE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("report name must be letters, digits, '.', '_' or '-', got '" + name + "'");
        }
        this.dir = dir;
        this.name = name;
    }

    /** The Markdown file this report writes. */
    public Path file() {
        return dir.resolve(name + ".md");
    }

    /** The folder that holds the report's images. */
    public Path imageDir() {
        return dir.resolve(name);
    }

    /** A heading of level 1..6. */
    public Report heading(int level, String text) {
        if (level < 1 || level > 6) {
            throw new IllegalArgumentException("heading level must be 1..6, got " + level);
        }
        md.append("#".repeat(level)).append(' ').append(text.strip()).append("\n\n");
        return this;
    }

    /** A paragraph of Markdown text. */
    public Report paragraph(String text) {
        md.append(text.strip()).append("\n\n");
        return this;
    }

    /** A bulleted list. */
    public Report bullets(List<String> items) {
        for (String item : items) {
            md.append("- ").append(item.strip().replace("\n", "\n  ")).append('\n');
        }
        md.append('\n');
        return this;
    }

    /** A fenced code block. */
    public Report code(String language, String text) {
        md.append("```").append(language).append('\n').append(text.strip()).append("\n```\n\n");
        return this;
    }

    /** A table; every row must have as many cells as there are headers. '|' in a cell is escaped. */
    public Report table(List<String> headers, List<List<String>> rows) {
        if (headers.isEmpty()) {
            throw new IllegalArgumentException("a table needs at least one column");
        }
        md.append(row(headers)).append('|').append(" --- |".repeat(headers.size())).append('\n');
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).size() != headers.size()) {
                throw new IllegalArgumentException("table row " + i + " has " + rows.get(i).size() + " cells, the header "
                        + headers.size());
            }
            md.append(row(rows.get(i)));
        }
        md.append('\n');
        return this;
    }

    private static String row(List<String> cells) {
        StringBuilder sb = new StringBuilder("|");
        for (String c : cells) {
            sb.append(' ').append(c.replace("|", "\\|").replace("\n", " ")).append(" |");
        }
        return sb.append('\n').toString();
    }

    /** Writes the plot as imageDir/file.png and .svg now and embeds the PNG with the caption as alt text and a line below. */
    public Report plot(LinePlot plot, String file, String caption) throws IOException {
        if (!FILE_NAME.matcher(file).matches()) {
            throw new IllegalArgumentException("plot file name must be letters, digits, '.', '_' or '-', got '" + file + "'");
        }
        Files.createDirectories(imageDir());
        replace(imageDir().resolve(file + ".svg"), plot.svg());
        replace(imageDir().resolve(file + ".png"), plot.png());
        md.append("![").append(caption.replace("]", ")").replace("[", "(")).append("](").append(name).append('/').append(file)
                .append(".png)\n\n*").append(caption.strip()).append("* ([SVG](").append(name).append('/').append(file)
                .append(".svg))\n\n");
        return this;
    }

    /** The Markdown so far. */
    public String markdown() {
        return md.toString();
    }

    /** Writes the Markdown file (atomically) and returns its path. */
    public Path write() throws IOException {
        Files.createDirectories(dir);
        replace(file(), md.toString().getBytes(StandardCharsets.UTF_8));
        return file();
    }

    private static void replace(Path target, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName(), ".tmp");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    // ---------------------------------------------------------------- number formatting for cells

    /** x with the given decimals, or "NaN"/"inf" spelled out; Locale.ROOT. */
    public static String num(double x, int decimals) {
        if (Double.isNaN(x)) {
            return "NaN";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "inf" : "-inf";
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", x);
    }

    /** A fraction as a percentage with one decimal ("87.5%"). */
    public static String percent(double fraction) {
        return Double.isFinite(fraction) ? String.format(Locale.ROOT, "%.1f%%", 100 * fraction) : num(fraction, 1);
    }
}
