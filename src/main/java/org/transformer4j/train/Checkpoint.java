package org.transformer4j.train;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.transformer4j.autograd.Variable;
import org.transformer4j.io.SafeTensorsFile;
import org.transformer4j.io.SafeTensorsWriter;
import org.transformer4j.io.TensorEntry;
import org.transformer4j.nn.Module;
import org.transformer4j.tensor.Shapes;
import org.transformer4j.tensor.Tensor;

/**
 * Crash-safe training checkpoints: a run folder holds complete {@code checkpoint-<step>} folders and a
 * {@code latest} file naming the newest; a crash at any moment leaves the previous checkpoint loadable.
 *
 * <pre>{@code
 * Checkpoint.save(runDir, model, optimizer, TrainingState.at(step, schedule.name()), 3); // keep the last 3
 * Optional<TrainingState> resumed = Checkpoint.resume(runDir, model, optimizer);
 * }</pre>
 *
 * A checkpoint folder holds {@code model.safetensors} (the state dict; a tied parameter is written once, under
 * its first name, with metadata {@code tied:<alias>} = first name), {@code optimizer.safetensors}
 * ({@link OptimizerState}) and {@code state.json} ({@link TrainingState}, format version). Saving writes all of
 * it into {@code checkpoint-<step>.tmp-<nonce>}, forces every file and the folder to disk, renames it to
 * {@code checkpoint-<step>}, forces the run folder, then replaces {@code latest} the same way. Readers only ever
 * look at {@code checkpoint-<digits>} folders, so temporary and half-deleted ones ({@code .trash-}) are ignored.
 * One process writes a run folder at a time (a lock file, {@code .lock}, enforces it).
 */
public final class Checkpoint {
    public static final String MODEL_FILE = "model.safetensors";
    public static final String OPTIMIZER_FILE = "optimizer.safetensors";
    public static final String STATE_FILE = "state.json";
    public static final String LATEST_FILE = "latest";
    private static final String LOCK_FILE = ".lock";
    /**
     * Fault injection for crash tests: milliseconds to wait between writing a checkpoint's files and
     * renaming it into place, so that a kill lands mid-save often (system property, 0 = off).
     */
    private static final long SAVE_PAUSE_MS = Long.getLong("t4j.checkpoint.savePauseMs", 0L);
    private static final String TIED_PREFIX = "tied:";
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d{1,18})");
    private static final Pattern LEFTOVER = Pattern.compile("(checkpoint-\\d+|latest)\\.(tmp|trash)-[0-9a-f]+");

    private Checkpoint() {
    }

    /** Saves a checkpoint and keeps every earlier one; see {@link #save(Path, Module, Optimizer, TrainingState, int)}. */
    public static Path save(Path runDir, Module model, Optimizer optimizer, TrainingState state) throws IOException {
        return save(runDir, model, optimizer, state, 0);
    }

    /**
     * Saves {@code checkpoint-<step>} in {@code runDir} (created if needed), points {@code latest} at it and then
     * deletes all but the newest {@code keepLast} checkpoints ({@code 0} keeps all). The optimizer may be null
     * (no {@code optimizer.safetensors}). Saving a step that already exists replaces that checkpoint; between
     * the two renames a crash leaves the previous pointer target or, failing that, the newest other checkpoint.
     *
     * @return the checkpoint folder
     */
    public static Path save(Path runDir, Module model, Optimizer optimizer, TrainingState state, int keepLast)
            throws IOException {
        if (keepLast < 0) {
            throw new IllegalArgumentException("keepLast must be >= 0 (0 keeps all), got " + keepLast);
        }
        Files.createDirectories(runDir);
        try (FileChannel lockChannel = FileChannel.open(runDir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = tryLock(lockChannel, runDir)) {
            removeLeftovers(runDir);
            String name = "checkpoint-" + state.step();
            Path tmp = runDir.resolve(name + ".tmp-" + CheckpointFiles.nonce());
            Files.createDirectory(tmp);
            try {
                writeModel(tmp.resolve(MODEL_FILE), model);
                pauseForCrashTests();
                if (optimizer != null) {
                    OptimizerState os = optimizer.state();
                    SafeTensorsWriter.write(tmp.resolve(OPTIMIZER_FILE), os.tensors(), os.fileMetadata());
                }
                CheckpointFiles.writeDurably(tmp.resolve(STATE_FILE),
                        StateJson.write(state, optimizer != null).getBytes(StandardCharsets.UTF_8));
                CheckpointFiles.syncDirectory(tmp);
                Path target = runDir.resolve(name);
                if (Files.exists(target)) {
                    CheckpointFiles.discardDirectory(target);
                }
                CheckpointFiles.renameDirectory(tmp, target);
            } catch (IOException | RuntimeException e) {
                CheckpointFiles.deleteTree(tmp);
                throw e;
            }
            CheckpointFiles.replaceAtomically(runDir.resolve(LATEST_FILE), (name + "\n").getBytes(StandardCharsets.UTF_8));
            if (keepLast > 0) {
                List<Path> all = list(runDir);
                for (Path old : all.subList(0, Math.max(0, all.size() - keepLast))) {
                    if (!old.getFileName().toString().equals(name)) {
                        CheckpointFiles.discardDirectory(old);
                    }
                }
            }
            return runDir.resolve(name);
        }
    }

    private static FileLock tryLock(FileChannel channel, Path runDir) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw new IllegalStateException("another writer holds " + runDir.resolve(LOCK_FILE)
                    + "; one process saves checkpoints into a run folder at a time");
        }
        return lock;
    }

    /** Temporary and trash folders of a writer that died; safe to remove while we hold the lock. */
    private static void removeLeftovers(Path runDir) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(runDir)) {
            for (Path p : ds) {
                if (LEFTOVER.matcher(p.getFileName().toString()).matches()) {
                    CheckpointFiles.deleteTree(p);
                }
            }
        }
    }

    private static void writeModel(Path file, Module model) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>();
        Map<Variable, String> first = new IdentityHashMap<>();
        model.namedParameters().forEach((k, v) -> {
            String owner = first.putIfAbsent(v, k);
            if (owner == null) {
                tensors.put(k, v.value());
            } else {
                meta.put(TIED_PREFIX + k, owner);
            }
        });
        SafeTensorsWriter.write(file, tensors, meta);
    }

    /** The complete checkpoints in {@code runDir}, oldest step first (none when the folder does not exist). */
    public static List<Path> list(Path runDir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(runDir)) {
            for (Path p : ds) {
                if (NAME.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p)) {
                    out.add(p);
                }
            }
        } catch (NoSuchFileException e) {
            return out;
        }
        out.sort(Comparator.comparingLong(Checkpoint::stepOf));
        return out;
    }

    private static void pauseForCrashTests() {
        if (SAVE_PAUSE_MS > 0) {
            try {
                Thread.sleep(SAVE_PAUSE_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The checkpoint that {@code latest} names, or when that file is missing or names no checkpoint folder, the
     * one with the highest step; empty when there is none.
     */
    public static Optional<Path> latest(Path runDir) throws IOException {
        Path pointer = runDir.resolve(LATEST_FILE);
        if (Files.isRegularFile(pointer)) {
            String name = Files.readString(pointer, StandardCharsets.UTF_8).strip();
            Path dir = runDir.resolve(name);
            if (NAME.matcher(name).matches() && Files.isDirectory(dir)) {
                return Optional.of(dir);
            }
        }
        List<Path> all = list(runDir);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.getLast());
    }

    /** Loads the latest checkpoint of {@code runDir} into the model and optimizer; empty when there is none. */
    public static Optional<TrainingState> resume(Path runDir, Module model, Optimizer optimizer) throws IOException {
        Optional<Path> dir = latest(runDir);
        return dir.isEmpty() ? Optional.empty() : Optional.of(load(dir.get(), model, optimizer));
    }

    /** Reads only {@code state.json} of a checkpoint folder. */
    public static TrainingState readState(Path checkpointDir) throws IOException {
        return readParsed(checkpointDir).state();
    }

    private static StateJson.Parsed readParsed(Path checkpointDir) throws IOException {
        Path file = checkpointDir.resolve(STATE_FILE);
        StateJson.Parsed parsed = StateJson.read(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        Matcher m = NAME.matcher(checkpointDir.getFileName().toString());
        if (m.matches() && Long.parseLong(m.group(1)) != parsed.state().step()) {
            throw new IllegalArgumentException(file + " says step " + parsed.state().step() + " but the folder is "
                    + checkpointDir.getFileName());
        }
        return parsed;
    }

    /**
     * Loads a checkpoint folder into the model and (when not null) the optimizer, and returns its training
     * state. Everything is checked before anything is changed: a tensor whose shape differs (a model of another
     * config) fails with one line naming the tensor and both shapes, as do missing and unexpected tensors.
     */
    public static TrainingState load(Path checkpointDir, Module model, Optimizer optimizer) throws IOException {
        StateJson.Parsed parsed = readParsed(checkpointDir);
        String where = "checkpoint " + checkpointDir;
        OptimizerState optimizerState = null;
        if (optimizer != null) {
            if (!parsed.hasOptimizer()) {
                throw new IllegalArgumentException(where + " has no optimizer state (it was saved without one)");
            }
            Path file = checkpointDir.resolve(OPTIMIZER_FILE);
            try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
                Map<String, Tensor> tensors = new LinkedHashMap<>();
                for (TensorEntry e : f.entries()) {
                    tensors.put(e.name(), f.load(e.name()));
                }
                optimizerState = OptimizerState.fromFile(tensors, f.metadata());
            }
        }
        try (SafeTensorsFile f = SafeTensorsFile.open(checkpointDir.resolve(MODEL_FILE))) {
            Map<Variable, String> keys = matchModel(f, model, where);
            if (optimizerState != null) {
                try {
                    optimizer.loadState(optimizerState);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
                }
            }
            keys.forEach((v, key) -> v.value().assign(f.load(key)));
        }
        return parsed.state();
    }

    /** For each distinct parameter, the file key to load it from; fails on the first mismatch. */
    private static Map<Variable, String> matchModel(SafeTensorsFile f, Module model, String where) {
        Map<String, Variable> named = model.namedParameters();
        for (Map.Entry<String, Variable> e : named.entrySet()) {
            if (f.contains(e.getKey())) {
                TensorEntry t = f.entry(e.getKey());
                int[] own = e.getValue().value().shape();
                if (!shapeEquals(t, own)) {
                    throw new IllegalArgumentException(where + ": tensor '" + e.getKey() + "' has shape "
                            + t.shapeString() + " in the checkpoint but " + Shapes.str(own)
                            + " in the model (a different config?)");
                }
            }
        }
        for (TensorEntry t : f.entries()) {
            if (!named.containsKey(t.name())) {
                throw new IllegalArgumentException(where + ": the checkpoint has tensor '" + t.name() + "' "
                        + t.shapeString() + " that the model does not have (" + named.size() + " parameters)");
            }
        }
        Map<Variable, String> keys = new IdentityHashMap<>();
        named.forEach((k, v) -> {
            if (f.contains(k)) {
                keys.putIfAbsent(v, k);
            }
        });
        named.forEach((k, v) -> {
            if (!keys.containsKey(v)) {
                throw new IllegalArgumentException(where + ": the model's parameter '" + k + "' "
                        + Shapes.str(v.value().shape()) + " is missing from the checkpoint");
            }
        });
        return keys;
    }

    private static boolean shapeEquals(TensorEntry t, int[] shape) {
        long[] s = t.shape();
        if (s.length != shape.length) {
            return false;
        }
        for (int i = 0; i < s.length; i++) {
            if (s[i] != shape[i]) {
                return false;
            }
        }
        return true;
    }

    private static long stepOf(Path checkpointDir) {
        Matcher m = NAME.matcher(checkpointDir.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }
}
