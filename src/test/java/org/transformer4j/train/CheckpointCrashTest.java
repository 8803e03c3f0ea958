package org.transformer4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;

/**
 * Kills a checkpoint-writing JVM with SIGKILL at random moments, several times; after every kill the latest
 * checkpoint must load and hold exactly what an uninterrupted run computes for its step (parameters, Adam
 * moments, step counts, RNG state), and be no older than the last save the writer reported as finished. Each
 * restart resumes from that checkpoint, so resuming is checked to be exact too.
 */
class CheckpointCrashTest {
    private static final int KILLS = 6;

    @TempDir
    Path run;

    @Test
    void latestCheckpointSurvivesSigkillAtRandomMoments() throws Exception {
        Random random = new Random(20240611);
        long lastVerified = 0;
        for (int round = 0; round < KILLS; round++) {
            Process p = start();
            AtomicLong lastSaved = new AtomicLong(-1);
            BlockingQueue<String> lines = new ArrayBlockingQueue<>(1 << 16);
            List<String> log = new ArrayList<>();
            Thread reader = Thread.ofPlatform().daemon().start(() -> pump(p, lines, lastSaved));
            // Wait until it has resumed and saved at least once, then kill at a random moment.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (lastSaved.get() < 0) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null) {
                    log.add(line);
                    if (line.startsWith("resumed ")) {
                        assertEquals(lastVerified, Long.parseLong(line.substring(8)), "round " + round + " resumed from");
                    }
                }
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    fail("writer stopped or hung before its first save in round " + round + ": " + log);
                }
            }
            Thread.sleep(random.nextInt(30, 400));
            long reportedBeforeKill = lastSaved.get();
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            reader.join(5000);

            Path latest = Checkpoint.latest(run).orElseThrow(() -> new AssertionError("no checkpoint after a kill"));
            long step = Checkpoint.readState(latest).step();
            assertTrue(step >= reportedBeforeKill, "latest " + step + " is older than the save reported done, "
                    + reportedBeforeKill);
            assertTrue(step > lastVerified, "no progress in round " + round);
            verify(latest, step);
            lastVerified = step;
        }
    }

    private Process start() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "--add-modules=jdk.incubator.vector", "-Xmx256m",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                CheckpointWriterMain.class.getName(), run.toString());
        pb.redirectErrorStream(true);
        return pb.start();
    }

    private static void pump(Process p, BlockingQueue<String> lines, AtomicLong lastSaved) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("saved ")) {
                    lastSaved.set(Long.parseLong(line.substring(6)));
                }
                lines.offer(line);
            }
        } catch (IOException | NumberFormatException e) {
            // The process was killed mid-line; what was read is enough.
        }
    }

    /** Loads the checkpoint and compares it with an uninterrupted run of {@code step} steps, bit for bit. */
    private static void verify(Path checkpoint, long step) throws IOException {
        ToyModel loaded = new ToyModel(99); // other initial values: everything must come from the checkpoint
        AdamW loadedOpt = ToyModel.optimizer(loaded);
        TrainingState state = Checkpoint.load(checkpoint, loaded, loadedOpt);

        ToyModel expected = new ToyModel(1);
        AdamW expectedOpt = ToyModel.optimizer(expected);
        Rng data = new Rng(42);
        for (long s = 1; s <= step; s++) {
            ToyModel.trainStep(expected, expectedOpt, data, s);
        }
        assertEquals(ToyModel.state(step, data), state, "state.json of " + checkpoint);
        Map<String, Tensor> want = expected.stateDict();
        loaded.stateDict().forEach((k, t) -> assertArrayEquals(want.get(k).toArray(), t.toArray(), k + " at " + step));
        OptimizerState wantOpt = expectedOpt.state();
        OptimizerState gotOpt = loadedOpt.state();
        assertEquals(wantOpt.metadata(), gotOpt.metadata());
        assertEquals(wantOpt.tensors().keySet(), gotOpt.tensors().keySet());
        wantOpt.tensors().forEach((k, t) -> assertArrayEquals(t.toArray(), gotOpt.tensors().get(k).toArray(), k));
    }
}
