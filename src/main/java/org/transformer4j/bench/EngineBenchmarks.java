package org.transformer4j.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.transformer4j.model.DecodeEngine;
import org.transformer4j.model.DecoderOnly;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.WeightMatrix;
import org.transformer4j.tensor.WorkerTeam;

/**
 * Decoding speed of the {@link DecodeEngine} (fast KV-cached inference for decoder-only models), with what the issue asks
 * to check beside the speed: the resident memory after loading (peak RSS against the bytes of the weights),
 * and that a decode step allocates nothing, measured exactly (per-thread allocation counters) and by a
 * JFR recording of allocation events.
 */
public final class EngineBenchmarks {
    private EngineBenchmarks() {
    }

    /**
     * The logits of batch x seq random tokens on the decode engine's multi-position pass ({@code Session.forward}:
     * every position's logits, as {@link ModelBenchmarks#forward} computes them on the module, written into one reused
     * buffer); tokens_per_s from the median pass. Each sequence is one session.
     */
    public static BenchResult forward(String preset, WeightMatrix.Format format, int batch, int seq, int warmup, int reps)
            throws Exception {
        DecoderOnly model = ModelBenchmarks.model(preset);
        if (seq < 1 || seq > model.config().maxPositions()) {
            throw new IllegalArgumentException("--seq " + seq + " must be in 1.." + model.config().maxPositions()
                    + " for preset " + preset);
        }
        Rng rng = new Rng(7);
        int vocab = model.config().vocabSize();
        int[][] ids = new int[batch][seq];
        for (int[] row : ids) {
            for (int i = 0; i < seq; i++) {
                row[i] = rng.nextInt(vocab);
            }
        }
        double[] s;
        try (DecodeEngine engine = DecodeEngine.of(model, format)) {
            DecodeEngine.Session[] sessions = new DecodeEngine.Session[batch];
            for (int b = 0; b < batch; b++) {
                sessions[b] = engine.newSession(seq);
            }
            float[] logits = new float[Math.multiplyExact(seq, vocab)];       // one buffer, reused by every pass
            s = Timing.time(warmup, reps, () -> {
                for (int b = 0; b < batch; b++) {
                    sessions[b].reset();
                    sessions[b].forward(ids[b], logits);
                }
            });
        }
        double med = Timing.median(s);
        return new BenchResult("forward").put("tokens_per_s", batch * seq / med).put("s_per_pass", med)
                .put("passes_s", s).put("preset", preset).put("batch", batch).put("seq", seq).put("engine", "fast")
                .put("weights", format.label()).put("threads", WorkerTeam.shared().size());
    }

    /** Decode steps run before timing, for the JIT compiler. */
    static final int JIT_WARMUP = 64;

    /**
     * Like {@link ModelBenchmarks#decode}: at each start position p the cache is filled with p random ids, then
     * warmup + reps single steps are timed; {@code tokens_per_s} is 1 / the median step at the first position.
     * With checkAllocation, 200 more steps warm up and 100 are recorded.
     */
    public static BenchResult decode(DecodeEngine engine, String label, double loadSeconds, int[] positions, int warmup,
                                     int reps, boolean checkAllocation) throws Exception {
        long afterLoadRss = Memory.residentBytes();
        long afterLoadPeak = Memory.peakResidentBytes();
        int vocab = engine.config().vocabSize();
        int context = engine.config().maxPositions();
        Rng rng = new Rng(7);
        // Untimed steps first, so that C2 has compiled the kernels before any position is timed (a few warm-up
        // steps of the first position would not be enough; the prefill of a later one would).
        DecodeEngine.Session jit = engine.newSession(Math.min(context, JIT_WARMUP));
        for (int i = 0; i < jit.capacity(); i++) {
            jit.step(rng.nextInt(vocab));
        }
        double[] speeds = new double[positions.length];
        for (int i = 0; i < positions.length; i++) {
            int p = positions[i];
            if (p < 0 || p + warmup + reps > context) {
                throw new IllegalArgumentException("decode position " + p + " plus " + (warmup + reps)
                        + " steps does not fit the model's " + context + " positions");
            }
            DecodeEngine.Session s = engine.newSession(p + warmup + reps);
            if (p > 0) {
                int[] ids = new int[p];
                for (int k = 0; k < p; k++) {
                    ids[k] = rng.nextInt(vocab);
                }
                s.prefill(ids);
            }
            int[] next = {rng.nextInt(vocab)};
            double[] times = Timing.time(warmup, reps, () -> s.step(next[0]));
            speeds[i] = 1 / Timing.median(times);
        }
        BenchResult r = new BenchResult("decode").put("tokens_per_s", speeds[0]);
        for (int i = 0; i < positions.length; i++) {
            r.put("tokens_per_s_at_" + positions[i], speeds[i]);
        }
        r.put("ms_per_token_at_" + positions[0], 1e3 / speeds[0]).put("preset", label).put("batch", 1).put("repetitions", reps)
                .put("engine", "fast").put("weights", engine.format().label()).put("weight_bytes", engine.weightBytes())
                .put("load_seconds", loadSeconds)
                .put("rss_after_load_bytes", afterLoadRss).put("peak_rss_after_load_bytes", afterLoadPeak)
                .put("peak_rss_bytes", Memory.peakResidentBytes())
                .put("peak_rss_over_weights", (double) Memory.peakResidentBytes() / engine.weightBytes());
        // (measured before the allocation check, whose JFR recording has buffers of its own)
        if (checkAllocation) {
            allocation(engine, r);
        }
        return r;
    }

    /** Bytes allocated by the decoding threads over 100 steps, exactly and as JFR allocation events. */
    private static void allocation(DecodeEngine engine, BenchResult r) throws IOException {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        DecodeEngine.Session s = engine.newSession(Math.min(engine.config().maxPositions(), 300));
        for (int i = 0; i < 200; i++) {
            s.step(i % engine.config().vocabSize());
        }
        long[] workers = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("t4j-decode-"))
                .mapToLong(Thread::threadId).toArray();
        Path file = Files.createTempFile("t4j-decode-", ".jfr");
        try (Recording rec = new Recording()) {
            rec.enable("jdk.ObjectAllocationInNewTLAB").withStackTrace();
            rec.enable("jdk.ObjectAllocationOutsideTLAB").withStackTrace();
            rec.enable("jdk.ObjectAllocationSample").with("throttle", "off").withStackTrace();
            long[] start = new long[workers.length];
            for (int w = 0; w < workers.length; w++) {
                start[w] = threads.getThreadAllocatedBytes(workers[w]);
            }
            rec.start();
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 100; i++) {
                s.step(i % engine.config().vocabSize());
            }
            long self = threads.getCurrentThreadAllocatedBytes() - before;
            rec.stop();
            long others = 0;
            for (int w = 0; w < workers.length; w++) {
                others += threads.getThreadAllocatedBytes(workers[w]) - start[w];
            }
            rec.dump(file);
            String caller = Thread.currentThread().getName();
            List<String> where = new ArrayList<>();
            for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
                String t = e.getThread() == null ? "" : e.getThread().getJavaName();
                if (t.equals(caller) || t.startsWith("t4j-decode-")) {
                    where.add(site(e));
                }
            }
            r.put("allocated_bytes_per_token", (self + others) / 100.0).put("jfr_allocation_events", where.size());
            if (!where.isEmpty()) {
                r.put("jfr_first_allocation_site", where.get(0));
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The innermost frame of this project in an event's stack (the Vector API's own frames say little), else the top. */
    private static String site(RecordedEvent e) {
        if (e.getStackTrace() == null || e.getStackTrace().getFrames().isEmpty()) {
            return "?";
        }
        var frames = e.getStackTrace().getFrames();
        var f = frames.stream().filter(x -> x.getMethod().getType().getName().startsWith("org.transformer4j.")).findFirst()
                .orElse(frames.get(0));
        return f.getMethod().getType().getName() + "." + f.getMethod().getName() + ":" + f.getLineNumber();
    }

    /** This process's resident memory from /proc/self/status (Linux), -1 elsewhere. */
    static final class Memory {
        private Memory() {
        }

        static long residentBytes() {
            return field("VmRSS:");
        }

        static long peakResidentBytes() {
            return field("VmHWM:");
        }

        private static long field(String name) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith(name)) {
                        String[] parts = line.substring(name.length()).trim().split("\\s+");
                        return Long.parseLong(parts[0]) * (parts.length > 1 && parts[1].toLowerCase(Locale.ROOT).equals("kb") ? 1024 : 1);
                    }
                }
            } catch (IOException | RuntimeException e) {
                return -1;
            }
            return -1;
        }
    }
}
