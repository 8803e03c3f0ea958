package org.transformer4j.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;

/**
 * Costs behind the training step's non-GEMM time (docs/PERFORMANCE.md), through the public API on the default
 * kernels: adding the tied embedding's gradient to the LM head's as a transposed view or as a contiguous matrix
 * (768 x 50257 floats, 154 MB), and allocating one 12 MB tensor (the JVM zeroes it on the allocating thread). Run with
 * {@code ./t4j bench jmh TrainingOpsBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseG1GC", "-XX:G1HeapRegionSize=1m", "-Xmx8g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
public class TrainingOpsBench {
    private Tensor embeddingGrad;   // (50257, 768), contiguous
    private Tensor headGradT;       // (768, 50257): its transpose is the LM head's gradient as a view
    private Tensor headGrad;        // (50257, 768), contiguous

    @Setup
    public void setup() {
        Rng rng = new Rng(5);
        embeddingGrad = Tensor.rand(rng, -1f, 1f, 50257, 768);
        headGradT = Tensor.rand(rng, -1f, 1f, 768, 50257);
        headGrad = headGradT.transpose(0, 1).contiguous();
    }

    @Benchmark
    public Tensor addTransposedView() {
        return embeddingGrad.add(headGradT.transpose(0, 1));
    }

    @Benchmark
    public Tensor addContiguous() {
        return embeddingGrad.add(headGrad);
    }

    @Benchmark
    public Tensor allocate12MiB() {
        return Tensor.zeros(1024, 3072);
    }
}
