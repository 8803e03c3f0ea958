package org.transformer4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** In-place accumulation for the backward pass: values, layouts, and the refusals. */
class GradientSumsTest {
    @Test
    void addsIntoASliceAlongAnyAxisAndLeavesTheRestAlone() {
        for (Kernels k : new Kernels[] {Kernels.scalar(), Kernels.vector()}) {
            Tensor acc = Tensor.of(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 2, 5).withKernels(k).contiguous();
            // g arrives transposed (a strided view), as the heads' gradients do.
            Tensor g = Tensor.of(new float[] {10, 30, 20, 40}, 2, 2).withKernels(k).transpose(0, 1);
            GradientSums.addIntoSlice(acc, 1, 2, g);
            assertArrayEquals(new float[] {1, 1, 11, 21, 1, 1, 1, 31, 41, 1}, acc.toArray(), k.name());
            Tensor rows = Tensor.zeros(k, 3, 2, 2);
            GradientSums.addIntoSlice(rows, 0, 1, Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 2).withKernels(k));
            GradientSums.addIntoSlice(rows, -3, 1, Tensor.of(new float[] {1, 1, 1, 1}, 1, 2, 2).withKernels(k));
            assertArrayEquals(new float[] {0, 0, 0, 0, 2, 3, 4, 5, 5, 6, 7, 8}, rows.toArray(), k.name());
        }
    }

    @Test
    void addsInPlaceAndCopiesStridedValues() {
        Tensor acc = GradientSums.ownedCopy(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).transpose(0, 1));
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, acc.toArray());
        GradientSums.addInto(acc, Tensor.of(new float[] {1, 1, 1, 1, 1, 1}, 3, 2));
        assertArrayEquals(new float[] {2, 5, 3, 6, 4, 7}, acc.toArray());
    }

    @Test
    void refusesStridedAccumulatorsAndMismatchedShapes() {
        Tensor acc = Tensor.zeros(2, 3);
        assertThrows(IllegalArgumentException.class, () -> GradientSums.addInto(acc, Tensor.zeros(3, 2)));
        assertThrows(IllegalArgumentException.class, () -> GradientSums.addInto(acc.transpose(0, 1), Tensor.zeros(3, 2)));
        assertThrows(IllegalArgumentException.class, () -> GradientSums.addIntoSlice(acc, 1, 2, Tensor.zeros(2, 2)));
        assertThrows(IllegalArgumentException.class, () -> GradientSums.addIntoSlice(acc, 1, 0, Tensor.zeros(3, 1)));
    }
}
