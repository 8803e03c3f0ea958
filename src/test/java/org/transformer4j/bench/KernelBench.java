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
import org.transformer4j.tensor.Elementwise;
import org.transformer4j.tensor.FusedAttention;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.RowOps;
import org.transformer4j.tensor.Tensor;
import org.transformer4j.tensor.UnaryOp;

/**
 * The non-GEMM kernels of a GPT-2 small layer at 1024 tokens, through the public API on the default kernels:
 * GELU-tanh forward and backward, softmax and LayerNorm rows, fused causal attention (12 heads), and the
 * one-token matrix-vector products of decoding. Run with {@code ./t4j bench jmh KernelBench}; add
 * {@code -jvmArgsAppend -Dt4j.simd=false} for the scalar reference.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
public class KernelBench {
    private Tensor hidden;     // (1024, 3072)
    private Tensor grad;       // (1024, 3072)
    private Tensor scores;     // (12, 1024, 1024)
    private Tensor x;          // (1024, 768)
    private Tensor gamma;
    private Tensor beta;
    private Tensor q;          // (1, 12, 1024, 64)
    private Tensor k;
    private Tensor v;
    private Tensor token;      // (1, 768)
    private Tensor wQkv;       // (2304, 768)

    @Setup
    public void setup() {
        Rng rng = new Rng(3);
        hidden = Tensor.rand(rng, -3f, 3f, 1024, 3072);
        grad = Tensor.rand(rng, -1f, 1f, 1024, 3072);
        scores = Tensor.rand(rng, -5f, 5f, 12, 1024, 1024);
        x = Tensor.rand(rng, -1f, 1f, 1024, 768);
        gamma = Tensor.rand(rng, 0.5f, 1.5f, 768);
        beta = Tensor.rand(rng, -0.1f, 0.1f, 768);
        q = Tensor.rand(rng, -1f, 1f, 1, 1024, 12, 64).transpose(1, 2);
        k = Tensor.rand(rng, -1f, 1f, 1, 1024, 12, 64).transpose(1, 2);
        v = Tensor.rand(rng, -1f, 1f, 1, 1024, 12, 64).transpose(1, 2);
        token = Tensor.rand(rng, -1f, 1f, 1, 768);
        wQkv = Tensor.rand(rng, -0.1f, 0.1f, 2304, 768);
    }

    @Benchmark
    public Tensor geluTanh() {
        return hidden.geluTanh();
    }

    /** A trivial elementwise op of the same size: what allocation and memory traffic alone cost. */
    @Benchmark
    public Tensor negate() {
        return hidden.apply(UnaryOp.NEG);
    }

    @Benchmark
    public Tensor geluTanhBackward() {
        return Elementwise.unaryBackward(UnaryOp.GELU_TANH, hidden, grad);
    }

    @Benchmark
    public Tensor softmaxRows() {
        return scores.softmax(-1);
    }

    @Benchmark
    public RowOps.NormOutput layerNorm() {
        return RowOps.layerNorm(x, 1, gamma, beta, 1e-5f);
    }

    @Benchmark
    public Tensor causalAttention() {
        return FusedAttention.apply(q, k, v, 0.125f, true, 0);
    }

    @Benchmark
    public Tensor decodeQkvProjection() {
        return token.matmul(wQkv.transpose(0, 1));
    }
}
