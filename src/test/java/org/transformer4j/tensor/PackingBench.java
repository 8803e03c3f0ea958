package org.transformer4j.tensor;

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

/**
 * GEMM operand packing ({@link GemmPacking}) on GPT-2 shapes, one thread: a 768 x 1024 panel of B row-major
 * (the backward pass's products) and transposed (a Linear's W^T), and 1024 x 768 of A in both layouts, in MC-row
 * blocks. Time per whole matrix; floats per ns = 786,432 / time. Run with {@code ./t4j bench jmh PackingBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
public class PackingBench {
    private static final int M = 1024;
    private static final int K = 768;
    private float[] src;
    private float[] dst;
    private final int[] map = new int[64];

    @Setup
    public void setup() {
        Rng rng = new Rng(9);
        src = new float[M * K];
        for (int i = 0; i < src.length; i++) {
            src[i] = rng.nextFloat();
        }
        dst = new float[(M + VectorGemm.NR) * K];
    }

    @Benchmark
    public float[] packBRowMajor() {          // op(B) = src as (K, M), rows of M floats
        GemmPacking.packB(dst, map, false, src, 0, M, 0, K, 0, M);
        return dst;
    }

    @Benchmark
    public float[] packBTransposed() {        // op(B) = (M, K)^T: W^T
        GemmPacking.packB(dst, map, true, src, 0, K, 0, K, 0, M);
        return dst;
    }

    @Benchmark
    public float[] packARowMajor() {          // op(A) = src as (M, K)
        for (int ic = 0; ic < M; ic += VectorGemm.MC) {
            GemmPacking.packA(dst, map, false, src, 0, K, ic, Math.min(VectorGemm.MC, M - ic), 0, K);
        }
        return dst;
    }

    @Benchmark
    public float[] packATransposed() {        // op(A) = (K, M)^T
        for (int ic = 0; ic < M; ic += VectorGemm.MC) {
            GemmPacking.packA(dst, map, true, src, 0, M, ic, Math.min(VectorGemm.MC, M - ic), 0, K);
        }
        return dst;
    }
}
