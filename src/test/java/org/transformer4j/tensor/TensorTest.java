package org.transformer4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Shapes, strides and views: what is a view, what copies, and the errors for bad shapes and axes. */
class TensorTest {

    private static Tensor iota(int... shape) {
        return Tensor.arange(Shapes.size(shape)).reshape(shape);
    }

    @Test
    void viewsShareStorageAndReadTheRightElements() {
        Tensor x = iota(2, 3, 4);
        Tensor t = x.transpose(0, 2); // (4, 3, 2)
        assertArrayEquals(new int[] {4, 3, 2}, t.shape());
        assertArrayEquals(new int[] {1, 4, 12}, t.strides());
        assertFalse(t.isContiguous());
        assertEquals(x.get(1, 2, 3), t.get(3, 2, 1));
        Tensor n = x.narrow(2, 1, 2);
        assertEquals(x.get(1, 0, 2), n.get(1, 0, 1));
        assertSame(x.data, n.data, "narrow is a view");
        Tensor s = x.select(1, 2); // (2, 4)
        assertArrayEquals(new float[] {8, 9, 10, 11, 20, 21, 22, 23}, s.toArray());
        Tensor e = Tensor.of(new float[] {1, 2, 3}, 3, 1).expand(2, 3, 4);
        assertArrayEquals(new int[] {0, 1, 0}, e.strides());
        assertEquals(3f, e.get(1, 2, 3));
        assertArrayEquals(new float[] {0, 12, 4, 16, 8, 20}, x.permute(2, 1, 0).select(0, 0).toArray());
    }

    @Test
    void reshapeIsAViewWhenContiguousAndCopiesOtherwise() {
        Tensor x = iota(2, 6);
        assertSame(x.data, x.reshape(3, -1).data);
        Tensor t = x.transpose(0, 1).reshape(12);
        assertArrayEquals(new float[] {0, 6, 1, 7, 2, 8, 3, 9, 4, 10, 5, 11}, t.toArray());
        assertSame(x, x.contiguous());
    }

    @Test
    void unsqueezeAndSqueezeRoundTrip() {
        Tensor x = iota(3, 4);
        Tensor u = x.unsqueeze(1);
        assertArrayEquals(new int[] {3, 1, 4}, u.shape());
        assertArrayEquals(x.toArray(), u.squeeze(1).toArray());
        assertArrayEquals(new int[] {3, 4, 1}, x.unsqueeze(-1).shape());
    }

    @Test
    void badShapesAndAxesNameTheValues() {
        Tensor x = iota(2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.reshape(4, 2));
        assertTrue(e.getMessage().contains("(2, 3)") && e.getMessage().contains("(4, 2)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> x.transpose(0, 2));
        assertTrue(e.getMessage().contains("axis 2") && e.getMessage().contains("(2, 3)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> x.add(iota(4)));
        assertTrue(e.getMessage().contains("(2, 3)") && e.getMessage().contains("(4,)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> x.matmul(iota(2, 3)));
        assertTrue(e.getMessage().contains("inner dimensions"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> x.narrow(1, 2, 2));
        assertTrue(e.getMessage().contains("out of range"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> x.squeeze(0));
        assertTrue(e.getMessage().contains("size is 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> x.expand(3, 3));
        assertTrue(e.getMessage().contains("cannot expand"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> x.sum(false, 1, -1));
        assertTrue(e.getMessage().contains("given twice"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(100000, 100000));
        assertTrue(e.getMessage().contains("more than"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Indexing.embedding(iota(4, 2), new int[] {1, 4}, 2));
        assertTrue(e.getMessage().contains("id 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(iota(2, 3), new int[] {0, 3}, -100, 0f));
        assertTrue(e.getMessage().contains("target 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RowOps.layerNorm(iota(2, 3), 1, iota(2), null, 1e-5f));
        assertTrue(e.getMessage().contains("(2,)") && e.getMessage().contains("(3,)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Indexing.concat(0, iota(2, 3), iota(2, 4)));
        assertTrue(e.getMessage().contains("dimension 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Losses.dropoutMask(Kernels.defaults(), 1L, 1f, 3));
        assertTrue(e.getMessage().contains("[0, 1)"), e.getMessage());
    }

    @Test
    void matmulUsesTransposedViewsAndBroadcastsBatches() {
        Tensor a = Tensor.rand(new Rng(3), -1f, 1f, 4, 3);
        Tensor b = Tensor.rand(new Rng(4), -1f, 1f, 2, 5, 4);
        Tensor viaView = a.transpose(0, 1).matmul(b.transpose(1, 2));         // (2, 3, 5)
        Tensor viaCopy = a.transpose(0, 1).contiguous().matmul(b.transpose(1, 2).contiguous());
        assertArrayEquals(new int[] {2, 3, 5}, viaView.shape());
        ScalarVsVectorTest.assertClose("transposed views", viaCopy.toArray(), viaView.toArray(), 1e-6);
        // Hand-computed 1-D cases.
        Tensor v = Tensor.of(new float[] {1, 2, 3}, 3);
        assertEquals(14f, v.matmul(v).item());
        assertArrayEquals(new float[] {14, 32}, iota(2, 3).add(1f).matmul(v).toArray());
    }

    @Test
    void reductionsAndRowOpsOnSmallHandValues() {
        Tensor x = Tensor.of(new float[] {1, 5, 3, 2, 2, 8}, 2, 3);
        assertArrayEquals(new float[] {9, 12}, x.sum(false, 1).toArray());
        assertArrayEquals(new float[] {3, 7, 11}, x.sum(false, 0).toArray());
        assertArrayEquals(new float[] {1, 2}, x.argmax(1, false).toArray());
        assertArrayEquals(new float[] {5, 8}, x.max(false, 1).toArray());
        assertEquals(4f, x.var(1, false, 1).toArray()[0], 1e-6f);
        float[] sm = Tensor.of(new float[] {0, (float) Math.log(3)}, 2).softmax(0).toArray();
        assertArrayEquals(new float[] {0.25f, 0.75f}, sm, 1e-6f);
        Tensor[] parts = Indexing.split(iota(5, 2), 0, 2, 3);
        assertArrayEquals(new float[] {4, 5, 6, 7, 8, 9}, parts[1].toArray());
        assertArrayEquals(new int[] {2, 3, 2}, Indexing.stack(1, iota(2, 2), iota(2, 2), iota(2, 2)).shape());
        Tensor w = Tensor.where(Tensor.of(new float[] {1, 0}, 2, 1), iota(2, 2), Tensor.scalar(-1f));
        assertArrayEquals(new float[] {0, 1, -1, -1}, w.toArray());
    }
}
