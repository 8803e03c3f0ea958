package org.transformer4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import org.transformer4j.testing.Approx;

/** Sums over leading axes (bias gradients) take the column-sum path: same values as the row path, any thread count. */
class ColumnSumsTest {

    @Test
    void leadingAxisSumsMatchTheRowPath() {
        Tensor x = Tensor.rand(new Rng(4), -1f, 1f, 3, 37, 70);
        for (Kernels k : new Kernels[] {Kernels.scalar(), Kernels.vector()}) {
            Tensor xs = x.withKernels(k);
            // The row path: move the kept axis first and reduce the last ones (a permuted copy is not a prefix sum).
            Tensor rows = xs.permute(2, 0, 1).contiguous().sum(false, 1, 2);               // (70)
            Approx.assertClose(k.name() + " (0, 1)", rows.toArray(), xs.sum(false, 0, 1).toArray(), 1e-5, 1);
            Approx.assertClose(k.name() + " keepDim", rows.toArray(), xs.sum(true, 0, 1).toArray(), 1e-5, 1);
            Tensor rows0 = xs.permute(1, 2, 0).contiguous().sum(false, 2);                 // (37, 70)
            Approx.assertClose(k.name() + " (0)", rows0.toArray(), xs.sum(false, 0).toArray(), 1e-5, 1);
        }
        float[] one = x.withKernels(new VectorKernels(new Parallel(1))).sum(false, 0, 1).toArray();
        float[] two = x.withKernels(new VectorKernels(new Parallel(2))).sum(false, 0, 1).toArray();
        assertArrayEquals(one, two);
        assertArrayEquals(new int[] {1, 1, 70}, x.sum(true, 0, 1).shape());
    }
}
