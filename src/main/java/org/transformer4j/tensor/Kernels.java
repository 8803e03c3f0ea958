package org.transformer4j.tensor;

/**
 * Every numeric loop of transformer4j sits behind this interface, so that a fast path (Vector API) and
 * later a GPU backend can replace the scalar reference without touching the layers above.
 *
 * <p>Kernels see flat {@code float[]} storage with offsets and get whole rows or blocks, never one
 * element at a time. Unless a method says otherwise, blocks are row-major with the given row stride and
 * unit column stride; a column stride of 0 broadcasts one value along the row. Implementations run
 * independent rows in parallel, and every output element is computed by one thread in a fixed order,
 * so results are bit-identical from run to run.
 */
public interface Kernels {

    /**
     * The kernels used when none are given: the Vector API path, or the scalar reference when the
     * system property {@code t4j.simd} is {@code false}. Threads: property {@code t4j.threads}, else all
     * available processors.
     */
    static Kernels defaults() {
        return KernelDefaults.DEFAULT;
    }

    /** A shared scalar reference instance (with the default thread count). */
    static Kernels scalar() {
        return KernelDefaults.SCALAR;
    }

    /** A shared Vector API instance (with the default thread count). */
    static Kernels vector() {
        return KernelDefaults.VECTOR;
    }

    /** Short name, e.g. {@code scalar} or {@code vector}. */
    String name();

    /** How many threads the kernels use. */
    int threads();

    /** out[off .. off+n) = value. */
    void fill(float[] out, int off, int n, float value);

    /**
     * Copies a (rows, cols) block between arbitrary strides. This is how views become contiguous and how
     * concat writes its parts.
     */
    void copy2d(int rows, int cols, float[] src, int srcOff, int srcRowStride, int srcColStride,
                float[] dst, int dstOff, int dstRowStride, int dstColStride);

    /** y = op(x) on n contiguous elements. */
    void unary(UnaryOp op, float[] x, int xOff, float[] y, int yOff, int n);

    /** gx = gy * op'(x) on n contiguous elements (the backward of {@link #unary}). */
    void unaryBackward(UnaryOp op, float[] x, int xOff, float[] gy, int gyOff, float[] gx, int gxOff, int n);

    /**
     * out = op(a, b) on a (rows, cols) block; column strides of a and b are 0 or 1, the output is dense
     * with row stride {@code cols}.
     */
    void binary(BinaryOp op, int rows, int cols,
                float[] a, int aOff, int aRowStride, int aColStride,
                float[] b, int bOff, int bRowStride, int bColStride,
                float[] out, int outOff);

    /** out = cond != 0 ? a : b on a (rows, cols) block; strides as in {@link #binary}. */
    void where(int rows, int cols,
               float[] cond, int cOff, int cRowStride, int cColStride,
               float[] a, int aOff, int aRowStride, int aColStride,
               float[] b, int bOff, int bRowStride, int bColStride,
               float[] out, int outOff);

    /** out[r] = reduce(x[r, :]) for a dense (rows, cols) block. */
    void reduceRows(ReduceOp op, float[] x, int xOff, int rows, int cols, float[] out, int outOff);

    /** out[r] = variance of x[r, :] with the given correction (0 = population, 1 = Bessel). */
    void varianceRows(float[] x, int xOff, int rows, int cols, int correction, float[] out, int outOff);

    /** y = softmax(x) (or log_softmax when {@code log}) along each row of a dense block. */
    void softmaxRows(float[] x, int xOff, int rows, int cols, boolean log, float[] y, int yOff);

    /** Backward of {@link #softmaxRows} given its output y and the upstream gradient gy. */
    void softmaxBackwardRows(float[] y, int yOff, float[] gy, int gyOff, int rows, int cols, boolean log,
                             float[] gx, int gxOff);

    /**
     * Layer normalisation of each row: y = (x - mean) * rstd * gamma + beta. gamma and beta may be null
     * (no affine transform). mean and rstd receive one value per row for the backward pass.
     */
    void layerNormRows(float[] x, int xOff, int rows, int cols, float[] gamma, int gammaOff, float[] beta,
                       int betaOff, float eps, float[] y, int yOff, float[] mean, float[] rstd);

    /**
     * Backward of {@link #layerNormRows}: writes gx; accumulates into ggamma and gbeta when non-null.
     */
    void layerNormBackwardRows(float[] x, int xOff, int rows, int cols, float[] gamma, int gammaOff,
                               float[] mean, float[] rstd, float[] gy, int gyOff, float[] gx, int gxOff,
                               float[] ggamma, float[] gbeta);

    /** RMS normalisation of each row: y = x * rstd * gamma with rstd = 1/sqrt(mean(x^2) + eps). */
    void rmsNormRows(float[] x, int xOff, int rows, int cols, float[] gamma, int gammaOff, float eps,
                     float[] y, int yOff, float[] rstd);

    /** Backward of {@link #rmsNormRows}: writes gx; accumulates into ggamma when non-null. */
    void rmsNormBackwardRows(float[] x, int xOff, int rows, int cols, float[] gamma, int gammaOff,
                             float[] rstd, float[] gy, int gyOff, float[] gx, int gxOff, float[] ggamma);

    /**
     * Batched matrix multiply: for each i, C_i = op(A_i) op(B_i) + beta C_i, where op transposes when the
     * flag is set. A_i starts at aOffs[i] with leading dimension lda (row-major), likewise B and C.
     * op(A) is (m, k), op(B) is (k, n), C is (m, n). beta is 0 (overwrite) or 1 (accumulate).
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float[] a, int[] aOffs, int lda, float[] b, int[] bOffs, int ldb,
              float beta, float[] c, int[] cOffs, int ldc);

    /** out[i, :] = table[ids[i], :] for rows of length rowLen. */
    void gatherRows(float[] table, int tableOff, int rowLen, int[] ids, float[] out, int outOff);

    /** table[ids[i], :] += src[i, :]; rows with the same id are added in index order. */
    void scatterAddRows(float[] src, int srcOff, int rowLen, int[] ids, float[] table, int tableOff);

    /**
     * Dropout multipliers: out[i] = 0 with probability p, else 1/(1-p). Drawn from a counter-based hash
     * of (seed, i), so the mask does not depend on how the work is split between threads.
     */
    void dropoutMask(long seed, float p, float[] out, int off, int n);

    /**
     * Cross-entropy of each row of logits against an integer target, with label smoothing as PyTorch:
     * loss = (1 - s) * (-log p[t]) + s * mean_j(-log p[j]). Rows whose target equals ignoreIndex get 0.
     */
    void crossEntropyRows(float[] logits, int off, int rows, int cols, int[] targets, int ignoreIndex,
                          float smoothing, float[] loss);

    /**
     * Backward of {@link #crossEntropyRows}: gx[r, :] = scale[r] * (softmax(x_r) - (1-s) onehot(t_r) - s/cols),
     * and 0 for ignored rows.
     */
    void crossEntropyBackwardRows(float[] logits, int off, int rows, int cols, int[] targets, int ignoreIndex,
                                  float smoothing, float[] scale, float[] gx, int gxOff);

    /**
     * Fused scaled dot-product attention for inference: for each batch entry i (batch x heads),
     * out_i = softmax(scale q_i k_i^T) v_i, where q_i is (tq, d) at qOffs[i] with row stride ldq, k_i and
     * v_i are (tk, d), out_i is (tq, d), all with unit column stride. When causal, query row r sits at
     * position offset + r and sees keys 0 .. offset + r only (offset + tq must not exceed tk). No gradients:
     * training composes matmul, mask and softmax instead.
     */
    void attention(int batch, int tq, int tk, int d, float scale, boolean causal, int offset,
                   float[] q, int[] qOffs, int ldq, float[] k, int[] kOffs, int ldk, float[] v, int[] vOffs, int ldv,
                   float[] out, int[] oOffs, int ldo);
}
