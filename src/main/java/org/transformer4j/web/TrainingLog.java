package org.transformer4j.web;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.transformer4j.io.Json;

/**
 * GET /api/training: the new lines of a run's metrics.jsonl (written by {@code ./t4j train} through
 * MetricsLog) from a byte offset on, so a page can poll a running training and draw its loss curve. Only
 * complete lines are read, at most {@link #MAX_CHUNK} bytes a call; the reply's "next" is the offset to ask
 * from next time. A file that became shorter than the offset (a new run) is read again from the start.
 */
final class TrainingLog {
    /** The most bytes read in one call. */
    static final int MAX_CHUNK = 1 << 20;

    private final Path file;

    TrainingLog(Path file) {
        this.file = file;
    }

    String read(String fromText) throws IOException {
        long from = 0;
        if (fromText != null) {
            try {
                from = Long.parseLong(fromText);
            } catch (NumberFormatException e) {
                throw ApiError.badRequest("query parameter \"from\" must be a byte offset (an integer >= 0), got \""
                        + RequestJson.abbreviate(fromText) + "\"");
            }
            if (from < 0) {
                throw ApiError.badRequest("query parameter \"from\" must be >= 0, got " + from);
            }
        }
        if (file == null) {
            throw new ApiError(404, "no training log: this model folder has no metrics.jsonl; start serve with --run DIR "
                    + "(a run folder of ./t4j train) to follow one");
        }
        JsonOut j = new JsonOut().beginObject().name("file").value(file.toString());
        long size;
        byte[] chunk;
        boolean reset = false;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            size = raf.length();
            if (from > size) {
                from = 0;
                reset = true;
            }
            int n = (int) Math.min(MAX_CHUNK, size - from);
            chunk = new byte[n];
            raf.seek(from);
            raf.readFully(chunk);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            j.name("exists").value(false).name("next").value(0).name("points").beginArray().endArray()
                    .name("evals").beginArray().endArray().name("notes").beginArray().endArray();
            return j.endObject().toString();
        }
        int end = chunk.length;
        while (end > 0 && chunk[end - 1] != '\n') {
            end--;                                         // a line still being written waits for the next call
        }
        if (end == 0 && chunk.length == MAX_CHUNK) {
            end = chunk.length;                            // no line break in a whole chunk: not a metrics log; skip it
        }
        j.name("exists").value(true).name("reset").value(reset).name("size").value(size)
                .name("modified_ms").value(Files.getLastModifiedTime(file).toMillis())
                .name("next").value(from + end);
        StringBuilder points = new StringBuilder();
        JsonOut p = new JsonOut().beginArray();
        JsonOut ev = new JsonOut().beginArray();
        JsonOut notes = new JsonOut().beginArray();
        String text = new String(chunk, 0, end, StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            Map<?, ?> m;
            try {
                m = Json.parse(line) instanceof Map<?, ?> map ? map : null;
            } catch (IllegalArgumentException e) {
                m = null;                                    // not ours, or damaged: skipped
            }
            if (m == null) {
                continue;
            }
            if (m.get("step") instanceof Number step && m.get("loss") instanceof Number loss) {
                p.beginArray().value(step.longValue()).value(loss.doubleValue());
                if (m.get("lr") instanceof Number lr) {
                    p.value(lr.doubleValue());
                }
                p.endArray();
            } else if (m.get("step") instanceof Number step && m.get("eval") instanceof Number score) {
                ev.beginArray().value(step.longValue()).value(score.doubleValue()).endArray();
            } else if (m.get("note") instanceof String note) {
                notes.value(note);
            }
        }
        points.append(p.endArray());
        j.name("points").raw(points.toString()).name("evals").raw(ev.endArray().toString())
                .name("notes").raw(notes.endArray().toString());
        return j.endObject().toString();
    }
}
