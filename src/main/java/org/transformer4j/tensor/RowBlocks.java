package org.transformer4j.tensor;

/** Visits a weight matrix's rows in blocks of 16, read efficiently from either fp32 layout, for conversions. */
final class RowBlocks {
    private RowBlocks() {
    }

    /** Sees row r of the matrix as w[off .. off + cols). */
    interface RowVisitor {
        void visit(int r, float[] w, int off);
    }

    static final int BLOCK = 16;

    static void forEach(WeightMatrix m, RowVisitor visitor) {
        int cols = m.cols();
        float[] block = new float[BLOCK * cols];
        for (int r0 = 0; r0 < m.rows(); r0 += BLOCK) {
            int n = Math.min(BLOCK, m.rows() - r0);
            if (m instanceof F32Matrix f) {
                f.rows(r0, n, block);
            } else {
                for (int k = 0; k < n; k++) {
                    m.row(r0 + k, block, k * cols);
                }
            }
            for (int k = 0; k < n; k++) {
                visitor.visit(r0 + k, block, k * cols);
            }
        }
    }
}
