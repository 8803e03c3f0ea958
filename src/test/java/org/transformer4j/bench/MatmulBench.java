package org.transformer4j.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;

/**
 * Matrix multiply through the public API, {@code a.matmul(b)} with a (m, k) and b (k, n), on the default
 * kernels (the Vector API path; {@code -jvmArgsAppend -Dt4j.simd=false} for the scalar reference).
 * JMH prints GFLOP/s itself as the secondary result "matmul:gflop" (a 2mnk/1e9 counter per second);
 * see docs/PERFORMANCE.md. One benchmark thread: the library itself
 * uses every core. Run with {@code ./t4j bench MatmulBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
public class MatmulBench {

    /** m x k x n: square; GPT-2 small's QKV projection, MLP up and MLP down for 1024 tokens; one-token decode. */
    @Param({"1024x1024x1024", "1024x768x2304", "1024x768x3072", "1024x3072x768", "1x768x2304", "1x3072x768"})
    public String shape;

    private Tensor a;
    private Tensor b;

    @Setup
    public void setup() {
        String[] dims = shape.split("x");
        int m = Integer.parseInt(dims[0]);
        int k = Integer.parseInt(dims[1]);
        int n = Integer.parseInt(dims[2]);
        a = Tensor.rand(new Rng(1), -1f, 1f, m, k);
        b = Tensor.rand(new Rng(2), -1f, 1f, k, n);
        gflopPerCall = 2.0 * m * n * k / 1e9;
    }

    private double gflopPerCall;

    /** JMH reports this counter per second: the benchmark's GFLOP/s, printed as "matmul:gflop". */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flops {
        public double gflop;
    }

    @Benchmark
    public Tensor matmul(Flops flops) {
        flops.gflop += gflopPerCall;
        return a.matmul(b);
    }
}
