package org.transformer4j.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Training metrics: one JSON object per line in {@code metrics.jsonl}, a progress bar on a terminal
 * (step, loss, tokens/s, ETA; plain lines every few seconds when output is not a terminal), and the loss
 * curve as {@code loss.svg} and {@code loss.png} in the run folder.
 */
public final class MetricsLog implements AutoCloseable {
    private final Path dir;
    private final BufferedWriter jsonl;
    private final PrintStream out;
    private final boolean terminal;
    private final List<double[]> losses = new ArrayList<>();  // (step, loss)
    private final List<double[]> evals = new ArrayList<>();   // (step, score)
    private double lastPrint = -1e9;
    private long tokenCount;

    /** Appends to dir/metrics.jsonl; prints progress to out (a bar when terminal is true). */
    public MetricsLog(Path dir, PrintStream out, boolean terminal) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        this.jsonl = Files.newBufferedWriter(dir.resolve("metrics.jsonl"), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        this.out = out;
        this.terminal = terminal;
    }

    /** Records one optimizer step. */
    public void step(long step, long maxSteps, double loss, double lr, double gradNorm, long tokens, double elapsed,
                     double maxSeconds) {
        losses.add(new double[] {step, loss});
        tokenCount += tokens;
        double tps = elapsed > 0 ? tokenCount / elapsed : 0;
        write(String.format(Locale.ROOT, "{\"step\": %d, \"loss\": %.6f, \"lr\": %.6g, \"grad_norm\": %.4f, "
                + "\"tokens\": %d, \"elapsed_s\": %.3f}", step, loss, lr, gradNorm, tokens, elapsed));
        double fraction = Math.max((double) step / maxSteps, maxSeconds > 0 ? elapsed / maxSeconds : 0);
        double eta = fraction > 0 ? elapsed / fraction - elapsed : 0;
        String text = String.format(Locale.ROOT, "step %d  loss %.4f  lr %.2e  %,.0f tok/s  ETA %s", step, loss, lr, tps,
                clock(eta));
        if (terminal) {
            int width = 24;
            int filled = (int) Math.min(width, Math.round(fraction * width));
            out.print("\r[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + text + "   ");
            out.flush();
        } else if (elapsed - lastPrint >= 10) {
            out.println(text);
            lastPrint = elapsed;
        }
    }

    /** Records a dev-set evaluation. */
    public void eval(long step, double score) {
        evals.add(new double[] {step, score});
        write(String.format(Locale.ROOT, "{\"step\": %d, \"eval\": %.6f}", step, score));
        if (terminal) {
            out.println();
        }
        out.printf(Locale.ROOT, "step %d  dev score %.4f%n", step, score);
    }

    /** A line for the reader (resumed, data loaded, ...), also kept in the log. */
    public void note(String message) {
        write("{\"note\": \"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
        out.println(message);
    }

    /** Ends the progress line and writes the loss curve. */
    public void finish() throws IOException {
        if (terminal) {
            out.println();
        }
        jsonl.flush();
        LossPlot.write(losses, dir.resolve("loss.svg"), dir.resolve("loss.png"));
    }

    private void write(String line) {
        try {
            jsonl.write(line);
            jsonl.newLine();
            jsonl.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String clock(double seconds) {
        long s = Math.max(0, Math.round(seconds));
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    @Override
    public void close() throws IOException {
        jsonl.close();
    }
}
