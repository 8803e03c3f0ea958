package org.transformer4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Results are bit-identical from run to run: before and after the JIT has compiled the kernels, and
 * (for work that splits by rows) whatever the number of threads.
 */
class DeterminismTest {

    private static float[] workload(Kernels k) {
        Tensor a = Tensor.rand(new Rng(1), -1f, 1f, 3, 67, 129).withKernels(k);
        Tensor b = Tensor.rand(new Rng(2), -1f, 1f, 3, 129, 45).withKernels(k);
        Tensor h = a.matmul(b);                                          // (3, 67, 45)
        Tensor n = RowOps.layerNorm(h, 1, null, null, 1e-5f).y();
        Tensor s = n.geluTanh().softmax(-1).add(n.exp().log());
        Tensor r = Indexing.concat(0, s.sum(false, 1).reshape(-1), s.var(1, false, 0, 1), s.max(false, -1).reshape(-1),
                Losses.crossEntropyRows(h.reshape(-1, 45), new int[201], -100, 0.1f),
                Losses.dropoutMask(k, 3L, 0.1f, 999));
        return r.toArray();
    }

    private static void assertStable(Supplier<float[]> run) {
        float[] cold = run.get();
        for (int i = 0; i < 60; i++) {
            run.get(); // let C2 compile the kernels
        }
        assertArrayEquals(cold, run.get(), "interpreted and compiled runs must agree bit for bit");
    }

    @Test
    void vectorKernelsAreBitIdenticalAcrossRuns() {
        assertStable(() -> workload(Kernels.vector()));
    }

    @Test
    void scalarKernelsAreBitIdenticalAcrossRuns() {
        assertStable(() -> workload(Kernels.scalar()));
    }

    @Test
    void threadCountDoesNotChangeResults() {
        Kernels one = new VectorKernels(new Parallel(1));
        Kernels two = new VectorKernels(new Parallel(2));
        Kernels three = new VectorKernels(new Parallel(3));
        float[] expected = workload(one);
        assertArrayEquals(expected, workload(two));
        assertArrayEquals(expected, workload(three));
    }
}
