package org.transformer4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transformer4j.model.EncoderDecoder;
import org.transformer4j.model.TransformerConfig;
import org.transformer4j.tensor.Rng;

/**
 * The whole {@link Trainer} killed with SIGKILL, again and again, in a child JVM that checkpoints after
 * every step: some kills land while it trains, some while it writes a checkpoint (a temporary checkpoint
 * directory is left behind; the child pauses inside each save, t4j.checkpoint.savePauseMs, so that this
 * happens often). Each restart resumes from the latest checkpoint. Every loss the child ever
 * computed for a step must equal, bit for bit, the loss of that step in an uninterrupted run, and the
 * final weights must be the uninterrupted run's.
 */
class TrainerKillTest {
    private static final int STEPS = 40;
    private static final int SAVE_PAUSE_MS = 150;
    private static final int MIN_KILLS = 6;
    private static final int MAX_KILLS = 24;

    @TempDir
    Path dir;

    @Test
    void killedAndResumedTrainingFollowsTheUninterruptedLossCurve() throws Exception {
        List<Integer> reference = new ArrayList<>();
        EncoderDecoder straight = ReverseTaskRun.run(dir.resolve("straight"), STEPS, false, 0,
                l -> reference.add(Float.floatToRawIntBits(l)), new PrintStream(new ByteArrayOutputStream()));
        assertEquals(STEPS, reference.size());

        Path run = dir.resolve("killed");
        Random random = new Random(7);
        int midSave = 0;
        int midTraining = 0;
        int kills = 0;
        List<String> history = new ArrayList<>();
        boolean finished = false;
        while (!finished) {
            boolean kill = kills < MIN_KILLS || ((midSave == 0 || midTraining == 0) && kills < MAX_KILLS);
            Process p = start(run, kill);
            BlockingQueue<String> lines = new ArrayBlockingQueue<>(1 << 16);
            Thread reader = Thread.ofPlatform().daemon().start(() -> pump(p, lines));
            long step = -1;   // the step whose loss the next "loss" line reports, once "resumed"/first line seen
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            int lossesThisRound = 0;
            // Kill at a random moment of a random step (the loss line comes before backward, step and save).
            int killAfterLosses = 1 + random.nextInt(4);
            while (true) {
                String line = lines.poll(50, TimeUnit.MILLISECONDS);
                if (line == null) {
                    if (!p.isAlive() && lines.isEmpty()) {
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        p.destroyForcibly();
                        fail("the child hung: " + history);
                    }
                    continue;
                }
                if (line.startsWith("resumed from step ")) {
                    step = Long.parseLong(line.substring("resumed from step ".length()).strip()) + 1;
                } else if (line.startsWith("loss ")) {
                    if (step < 0) {
                        step = 1;   // a fresh start prints no "resumed" line
                    }
                    int bits = Integer.parseInt(line.substring(5));
                    assertEquals(Float.intBitsToFloat(reference.get((int) step - 1)), Float.intBitsToFloat(bits),
                            "loss of step " + step + " after " + kills + " kills");
                    step++;
                    lossesThisRound++;
                    if (kill && lossesThisRound == killAfterLosses) {
                        Thread.sleep(random.nextInt(0, 2 * SAVE_PAUSE_MS));
                        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                        kills++;
                        boolean partial;
                        try (Stream<Path> s = Files.list(run)) {
                            partial = s.anyMatch(f -> f.getFileName().toString().contains(".tmp-"));
                        }
                        history.add("kill " + kills + " near step " + (step - 1) + (partial ? " (mid-save)" : ""));
                        if (partial) {
                            midSave++;
                        } else {
                            midTraining++;
                        }
                        break;
                    }
                } else if (line.equals("done")) {
                    finished = true;
                }
            }
            reader.join(5000);
            if (!kill && !finished) {
                fail("the child stopped without finishing: " + history);
            }
        }
        assertTrue(midSave > 0 && midTraining > 0, "kills mid-save and mid-training: " + history);
        System.out.println("TrainerKillTest: " + history);
        // The resumed run's final weights equal the uninterrupted run's.
        TransformerConfig c = straight.config();
        EncoderDecoder loaded = new EncoderDecoder(c, new Rng(99));
        Checkpoint.load(Checkpoint.latest(run).orElseThrow(), loaded, null);
        straight.namedParameters().forEach((k, v) ->
                assertArrayEquals(v.value().toArray(), loaded.namedParameters().get(k).value().toArray(), k));
        assertEquals(STEPS, Checkpoint.readState(Checkpoint.latest(run).orElseThrow()).step());
    }

    /** The child; while it is to be killed, each save pauses mid-way so that kills land mid-save often. */
    private static Process start(Path run, boolean slowSaves) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "--add-modules=jdk.incubator.vector", "-Xmx256m",
                "-XX:+UseSerialGC", "-Dt4j.threads=1", "-Dt4j.checkpoint.savePauseMs=" + (slowSaves ? SAVE_PAUSE_MS : 0), "-cp", System.getProperty("java.class.path"),
                ReverseTaskRun.class.getName(), run.toString(), Integer.toString(STEPS));
        pb.redirectErrorStream(true);
        return pb.start();
    }

    private static void pump(Process p, BlockingQueue<String> lines) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.offer(line);
            }
        } catch (IOException e) {
            // killed mid-line
        }
    }
}
