package org.transformer4j.experiments;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.transformer4j.io.Json;

/**
 * Finished training runs of a long experiment, kept so that an interrupted experiment resumes where it
 * stopped ({@code ./t4j experiment warmup --resume}). Runs live in one folder per plan: the folder's name is a
 * hash of the plan's description, so a changed plan (other steps, sizes, rates) never takes an old run. One
 * JSON file per run, written atomically (temporary file, then rename), so a kill leaves either the whole
 * run or none of it.
 */
final class RunStore {
    private final Path dir;

    private RunStore(Path dir) {
        this.dir = dir;
    }

    /** The store for an experiment's plan under options.resume(), or one that keeps nothing when that is null. */
    static RunStore of(ExperimentOptions options, String experiment, String plan) {
        return new RunStore(options.resume() == null ? null : options.resume().resolve(experiment + "-" + hash(plan)));
    }

    /** The run stored under key, if there is one and it parses. */
    Optional<TranslationSetup.Run> get(String key) {
        if (dir == null) {
            return Optional.empty();
        }
        Path file = file(key);
        try {
            return Files.isRegularFile(file) ? Optional.of(parse(Files.readString(file, StandardCharsets.UTF_8)))
                    : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();   // an unreadable or foreign file: train again and overwrite it
        }
    }

    /** Stores a finished run under key (nothing when the store keeps nothing). */
    void put(String key, TranslationSetup.Run run) throws IOException {
        if (dir == null) {
            return;
        }
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".run-", ".tmp");
        try {
            Files.writeString(tmp, format(run), StandardCharsets.UTF_8);
            Files.move(tmp, file(key), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private Path file(String key) {
        return dir.resolve(key.replaceAll("[^A-Za-z0-9.-]+", "_") + ".json");
    }

    static String format(TranslationSetup.Run run) {
        TrainingCurve c = run.curve();
        return "{\"losses\": " + array(c.losses()) + ", \"diverged\": " + (c.diverged() == null ? "null" : Json.quote(c.diverged()))
                + ", \"seconds\": " + number(c.seconds()) + ", \"eval_steps\": " + array(run.evalSteps())
                + ", \"exact\": " + array(run.exact()) + ", \"bleu\": " + array(run.bleu())
                + ", \"final_exact\": " + number(run.finalExact()) + ", \"final_bleu\": " + number(run.finalBleu()) + "}\n";
    }

    static TranslationSetup.Run parse(String text) {
        Map<?, ?> m = (Map<?, ?>) Json.parse(text);
        Object diverged = m.get("diverged");
        TrainingCurve curve = new TrainingCurve(doubles(m.get("losses")), diverged == null ? null : (String) diverged,
                value(m.get("seconds")));
        return new TranslationSetup.Run(curve, doubles(m.get("eval_steps")), doubles(m.get("exact")), doubles(m.get("bleu")),
                value(m.get("final_exact")), value(m.get("final_bleu")));
    }

    /** Non-finite values (a diverged run's NaN loss) are written as strings, which JSON numbers cannot be. */
    private static String number(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "\"" + v + "\"";
    }

    private static String array(double[] values) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            b.append(i == 0 ? "" : ", ").append(number(values[i]));
        }
        return b.append(']').toString();
    }

    private static double value(Object o) {
        if (o instanceof Number n) {
            return n.doubleValue();
        }
        if (o instanceof String s) {
            return Double.parseDouble(s);   // NaN, Infinity, -Infinity
        }
        throw new IllegalArgumentException("not a number: " + o);
    }

    private static double[] doubles(Object o) {
        List<?> list = (List<?>) o;
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = value(list.get(i));
        }
        return out;
    }

    private static String hash(String plan) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(plan.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
