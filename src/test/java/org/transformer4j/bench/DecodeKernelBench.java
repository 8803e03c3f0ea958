package org.transformer4j.bench;

import java.util.concurrent.TimeUnit;
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
import org.transformer4j.tensor.WeightMatrix;

/**
 * The decode engine's matrix-vector kernels on one thread, per weight format: a GPT-2 small layer's four
 * matrices (c_attn, attn c_proj, c_fc, mlp c_proj; 7.1M weights, 28 MB at fp32, more than the caches hold)
 * times one token's vector. Run with {@code ./t4j bench jmh DecodeKernelBench}; weights/s = 7,077,888 / the time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
public class DecodeKernelBench {
    @Param({"f32", "bf16", "q8_0"})
    public String format;

    private WeightMatrix[] layer;
    private float[] x;
    private float[] y;

    @Setup
    public void setup() {
        Rng rng = new Rng(5);
        int[][] shapes = {{2304, 768}, {768, 768}, {3072, 768}, {768, 3072}};
        layer = new WeightMatrix[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            float[] w = Tensor.randn(rng, 0f, 0.02f, shapes[i][0], shapes[i][1]).toArray();
            layer[i] = WeightMatrix.convert(WeightMatrix.f32(w, shapes[i][0], shapes[i][1]), WeightMatrix.Format.parse(format));
        }
        x = Tensor.rand(rng, -1f, 1f, 3072).toArray();
        y = new float[3072];
    }

    @Benchmark
    public float layerProducts() {
        for (WeightMatrix m : layer) {
            m.multiply(x, 0, null, y, 0, 0, m.rows());
        }
        return y[0];
    }
}
