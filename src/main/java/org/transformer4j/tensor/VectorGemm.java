package org.transformer4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/** Placeholder vector GEMM (row by row); replaced by the blocked, packed kernel. */
final class VectorGemm {
    private VectorGemm() {
    }

    static void gemm(Parallel parallel, boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int[] aOffs, int lda, float[] b, int[] bOffs, int ldb,
                     float beta, float[] c, int[] cOffs, int ldc) {
        int batch = aOffs.length;
        parallel.forRange(batch * m, 1, (t0, t1) -> {
            float[] bRow = new float[n];
            for (int t = t0; t < t1; t++) {
                int bi = t / m;
                int i = t % m;
                int co = cOffs[bi] + i * ldc;
                if (beta == 0f) {
                    java.util.Arrays.fill(c, co, co + n, 0f);
                }
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOffs[bi] + p * lda + i] : a[aOffs[bi] + i * lda + p];
                    for (int j = 0; j < n; j++) {
                        bRow[j] = transB ? b[bOffs[bi] + j * ldb + p] : b[bOffs[bi] + p * ldb + j];
                    }
                    for (int j = 0; j < n; j += VectorLanes.L) {
                        VectorMask<Float> msk = VectorLanes.tail(j, n);
                        FloatVector.fromArray(VectorLanes.S, bRow, j, msk)
                                .fma(FloatVector.broadcast(VectorLanes.S, av), FloatVector.fromArray(VectorLanes.S, c, co + j, msk))
                                .intoArray(c, co + j, msk);
                    }
                }
            }
        });
    }
}
