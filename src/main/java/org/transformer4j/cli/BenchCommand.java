package org.transformer4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.transformer4j.bench.BenchResult;
import org.transformer4j.bench.EngineBenchmarks;
import org.transformer4j.bench.GemmBenchmark;
import org.transformer4j.bench.ModelBenchmarks;
import org.transformer4j.model.DecodeEngine;
import org.transformer4j.model.HfGpt2;
import org.transformer4j.tensor.Kernels;
import org.transformer4j.tensor.WeightMatrix;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code t4j bench gemm|train|forward|decode}: quick whole-operation benchmarks (median of timed repetitions
 * after warm-up) for side-by-side comparison with other libraries (bench/peers.py). JMH kernel benchmarks
 * run through the launcher: {@code ./t4j bench jmh ARGS}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure speed: matrix multiply, training steps, forward pass, KV-cached decoding.",
            "Results are medians of timed repetitions after warm-up; --json prints one JSON object.",
            "JMH kernel benchmarks: ./t4j bench jmh [JMH args]. See docs/PERFORMANCE.md."},
        subcommands = {BenchCommand.Gemm.class, BenchCommand.Train.class, BenchCommand.Forward.class,
            BenchCommand.Decode.class})
public final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options every benchmark has. */
    static final class Common {
        @Option(names = "--json", description = "Print one JSON object instead of text.")
        boolean json;

        @Option(names = "--warmup", paramLabel = "N", description = "Untimed repetitions first (default: ${DEFAULT-VALUE}).")
        int warmup = 2;

        @Option(names = "--reps", paramLabel = "N", description = "Timed repetitions, median reported (default: ${DEFAULT-VALUE}).")
        int reps = 5;

        void print(CommandSpec spec, BenchResult r) {
            PrintWriter out = spec.commandLine().getOut();
            out.print(json ? r.toJson() + System.lineSeparator() : r.toText());
            out.flush();
        }

        void check() {
            if (warmup < 0 || reps < 1) {
                throw new IllegalArgumentException("--warmup must be >= 0 and --reps >= 1, got " + warmup + " and " + reps);
            }
        }
    }

    /** {@code t4j bench gemm}. */
    @Command(name = "gemm", mixinStandardHelpOptions = true,
            description = "C = A B with A (m, k) and B (k, n), fp32 row-major; prints GFLOP/s.")
    static final class Gemm implements Callable<Integer> {
        @Option(names = "--m", required = true, description = "Rows of A and C.")
        int m;
        @Option(names = "--n", required = true, description = "Columns of B and C.")
        int n;
        @Option(names = "--k", required = true, description = "Columns of A, rows of B.")
        int k;
        @Mixin
        Common common;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            common.check();
            common.print(spec, GemmBenchmark.run(Kernels.defaults(), m, n, k, Math.max(common.warmup, 3), common.reps));
            return 0;
        }
    }

    /** {@code t4j bench train}. */
    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Training steps with AdamW on a random-weight decoder-only model; prints tokens/s.")
    static final class Train implements Callable<Integer> {
        @Option(names = "--preset", description = "Decoder-only preset (default: ${DEFAULT-VALUE}).")
        String preset = "gpt2-124m";
        @Option(names = "--batch", description = "Sequences per step (default: ${DEFAULT-VALUE}).")
        int batch = 4;
        @Option(names = "--seq", description = "Tokens per sequence (default: ${DEFAULT-VALUE}).")
        int seq = 256;
        @Option(names = "--steps", description = "Timed steps, median reported (default: ${DEFAULT-VALUE}).")
        int steps = 5;
        @Mixin
        Common common;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            common.check();
            if (batch < 1 || steps < 1) {
                throw new IllegalArgumentException("--batch and --steps must be >= 1, got " + batch + " and " + steps);
            }
            common.print(spec, ModelBenchmarks.train(preset, batch, seq, common.warmup, steps));
            return 0;
        }
    }

    /** {@code t4j bench forward}. */
    @Command(name = "forward", mixinStandardHelpOptions = true,
            description = "Forward passes (logits, no gradients) of a random-weight decoder-only model; prints tokens/s.")
    static final class Forward implements Callable<Integer> {
        @Option(names = "--preset", description = "Decoder-only preset (default: ${DEFAULT-VALUE}).")
        String preset = "gpt2-124m";
        @Option(names = "--batch", description = "Sequences per pass (default: ${DEFAULT-VALUE}).")
        int batch = 1;
        @Option(names = "--seq", description = "Tokens per sequence (default: ${DEFAULT-VALUE}).")
        int seq = 1024;
        @Option(names = "--engine", paramLabel = "fast|module",
                description = "fast: the decode engine's multi-position pass (matrix products over blocks of positions, "
                        + "what a prompt's prefill runs); module: the model's own forward (default: ${DEFAULT-VALUE}).")
        String engine = "fast";
        @Option(names = "--weights", paramLabel = "FORMAT",
                description = "Weight format of the fast engine: f32, bf16 or q8_0 (default: ${DEFAULT-VALUE}).")
        String weights = "f32";
        @Mixin
        Common common;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            common.check();
            if (batch < 1) {
                throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
            }
            WeightMatrix.Format format = WeightMatrix.Format.parse(weights);
            switch (engine) {
                case "module" -> {
                    if (format != WeightMatrix.Format.F32) {
                        throw new IllegalArgumentException("--weights needs --engine fast");
                    }
                    common.print(spec, ModelBenchmarks.forward(preset, batch, seq, common.warmup, common.reps));
                }
                case "fast" -> common.print(spec, EngineBenchmarks.forward(preset, format, batch, seq, common.warmup,
                        common.reps));
                default -> throw new IllegalArgumentException("--engine must be fast or module, got '" + engine + "'");
            }
            return 0;
        }
    }

    /** {@code t4j bench decode}. */
    @Command(name = "decode", mixinStandardHelpOptions = true,
            description = "KV-cached decoding at batch 1 of a random-weight decoder-only model; prints tokens/s.")
    static final class Decode implements Callable<Integer> {
        @Option(names = "--preset", description = "Decoder-only preset (default: ${DEFAULT-VALUE}).")
        String preset = "gpt2-124m";
        @Option(names = "--positions", split = ",", paramLabel = "P",
                description = "Cache lengths to measure at (default: 0,1000).")
        int[] positions = {0, 1000};
        @Option(names = "--model", paramLabel = "DIR",
                description = "A Hugging Face GPT-2 folder to load instead of a random preset model (fast engine: memory-mapped).")
        Path model;
        @Option(names = "--engine", paramLabel = "fast|module",
                description = "fast: the allocation-free decode engine (DecodeEngine); module: the model's own "
                        + "forward with its KV cache (default: ${DEFAULT-VALUE}).")
        String engine = "fast";
        @Option(names = "--weights", paramLabel = "FORMAT",
                description = "Weight format of the fast engine: f32, bf16 or q8_0 (default: ${DEFAULT-VALUE}).")
        String weights = "f32";
        @Option(names = "--check-allocation",
                description = "Also count the bytes 100 decode steps allocate (thread counters and a JFR recording).")
        boolean checkAllocation;
        @Mixin
        Common common;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            common.check();
            if (!spec.commandLine().getParseResult().hasMatchedOption("--reps")) {
                common.reps = 16;
            }
            if (!spec.commandLine().getParseResult().hasMatchedOption("--warmup")) {
                common.warmup = 4;
            }
            WeightMatrix.Format format = WeightMatrix.Format.parse(weights);
            switch (engine) {
                case "module" -> {
                    if (format != WeightMatrix.Format.F32 || checkAllocation) {
                        throw new IllegalArgumentException("--weights and --check-allocation need --engine fast");
                    }
                    common.print(spec, model == null ? ModelBenchmarks.decode(preset, positions, common.warmup, common.reps)
                            : ModelBenchmarks.decode(HfGpt2.load(model), model.toString(), positions, common.warmup, common.reps));
                }
                case "fast" -> {
                    long t0 = System.nanoTime();
                    DecodeEngine e = model == null ? DecodeEngine.of(ModelBenchmarks.model(preset), format)
                            : HfGpt2.decodeEngine(model, format);
                    double load = (System.nanoTime() - t0) / 1e9;
                    try (e) {
                        common.print(spec, EngineBenchmarks.decode(e, model == null ? preset : model.toString(), load, positions,
                                common.warmup, common.reps, checkAllocation));
                    }
                }
                default -> throw new IllegalArgumentException("--engine must be fast or module, got '" + engine + "'");
            }
            return 0;
        }
    }
}
