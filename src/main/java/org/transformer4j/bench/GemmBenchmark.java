package org.transformer4j.bench;

import org.transformer4j.tensor.Kernels;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;

/**
 * C = A B for A (m, k) and B (k, n), row-major fp32, as numpy's {@code a @ b}. Times the kernel writing
 * into a reused C ({@code gflops}, what a BLAS benchmark measures) and the public {@code Tensor.matmul},
 * which allocates a zeroed output per call ({@code gflops_api}).
 */
public final class GemmBenchmark {
    private GemmBenchmark() {
    }

    /** Runs the benchmark: warmup calls, then reps timed repetitions of enough calls to last about 0.2 s. */
    public static BenchResult run(Kernels kernels, int m, int n, int k, int warmup, int reps) throws Exception {
        if (m < 1 || n < 1 || k < 1) {
            throw new IllegalArgumentException("gemm needs m, n, k >= 1, got " + m + ", " + n + ", " + k);
        }
        Rng rng = new Rng(1);
        float[] a = random(rng, (long) m * k);
        float[] b = random(rng, (long) k * n);
        float[] c = new float[Math.toIntExact((long) m * n)];
        int[] zero = {0};
        double flop = 2.0 * m * n * k;
        // Calls per repetition so that one repetition lasts about 0.2 s at 300 GFLOP/s.
        int calls = (int) Math.max(1, Math.min(10_000, 0.2 * 300e9 / flop));
        Timing.Work kernel = () -> {
            for (int i = 0; i < calls; i++) {
                kernels.gemm(false, false, m, n, k, a, zero, k, b, zero, n, 0f, c, zero, n);
            }
        };
        double[] s = Timing.time(warmup, reps, kernel);
        Tensor ta = Tensor.wrap(kernels, a, m, k);
        Tensor tb = Tensor.wrap(kernels, b, k, n);
        double[] sApi = Timing.time(Math.max(1, warmup / 2), reps, () -> {
            for (int i = 0; i < calls; i++) {
                ta.matmul(tb);
            }
        });
        double med = Timing.median(s) / calls;
        double medApi = Timing.median(sApi) / calls;
        return new BenchResult("gemm").put("gflops", flop / med / 1e9).put("gflops_api", flop / medApi / 1e9)
                .put("ms_per_call", med * 1e3).put("m", m).put("n", n).put("k", k).put("repetitions", reps)
                .put("calls_per_repetition", calls).put("kernels", kernels.name()).put("threads", kernels.threads());
    }

    private static float[] random(Rng rng, long n) {
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = 2 * rng.nextFloat() - 1;
        }
        return v;
    }
}
