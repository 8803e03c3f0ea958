package org.transformer4j.tensor;

import java.lang.foreign.MemorySegment;
import java.util.Locale;

/**
 * A read-only weight matrix for inference, in one of the storage formats of {@link Format}, multiplied by
 * vectors: y = W x (+ b), the work of every linear layer when one token is decoded. Logically W has
 * {@link #rows()} outputs and {@link #cols()} inputs, as torch's Linear weight; how it is stored is the
 * format's business (an fp32 matrix may be stored transposed, as GPT-2's Conv1D weights are on disk, so a
 * memory-mapped file is used as it is).
 *
 * <p>Each product is computed by one kernel over a range of outputs, so a caller splits the outputs among
 * threads at {@link #rowAlign()} boundaries without changing any result. {@link #multiplyReference} is the
 * plain-Java reference every kernel is tested against.
 */
public sealed interface WeightMatrix permits StoredMatrix {

    /** Storage formats. */
    enum Format {
        /** 32-bit floats, 4 bytes a weight; may be a view of a memory-mapped file. */
        F32,
        /** bfloat16 (the top half of an fp32), 2 bytes a weight; rounded to nearest even. */
        BF16,
        /**
         * Blocks of 32 weights along the input as int8 q with one fp32 scale s per block (w = s q, s = max|w| / 127):
         * 1.125 bytes a weight. The layout of GGML's Q8_0 except that the scale is fp32, not fp16.
         */
        Q8_0;

        /** The format of a name as the CLI spells it: f32, bf16, q8_0 (any case). */
        public static Format parse(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "f32", "fp32", "float32" -> F32;
                case "bf16", "bfloat16" -> BF16;
                case "q8_0", "q8" -> Q8_0;
                default -> throw new IllegalArgumentException("weight format '" + name + "' is not one of f32, bf16, q8_0");
            };
        }

        /** The CLI's name. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Outputs. */
    int rows();

    /** Inputs. */
    int cols();

    Format format();

    /** Bytes of storage. */
    long bytes();

    /** Output ranges handed to threads should start at multiples of this. */
    int rowAlign();

    /** y[yOff + r] = W[r, :] . x[xOff ...] + (bias == null ? 0 : bias[r]) for the outputs r in [from, to). */
    void multiply(float[] x, int xOff, float[] bias, float[] y, int yOff, int from, int to);

    /**
     * The same product for n rows of inputs at once: y[yOff + i * ldy + r] = W[r, :] . x[xOff + i * ldx ...] + bias[r]
     * for i < n and the outputs r in [from, to). A packed matrix-matrix product: each weight is read (and
     * dequantized) once per block of rows instead of once per row, which is what makes a prompt of many tokens
     * fast. Results agree with {@link #multiply} to rounding (the sums run in another order), and do not depend on
     * how the outputs are split.
     */
    void multiplyRows(float[] x, int xOff, int ldx, int n, float[] bias, float[] y, int yOff, int ldy, int from, int to);

    /** Row r (the weights of output r) as floats into out[off ...], dequantized. */
    void row(int r, float[] out, int off);

    /** {@link #multiply} in plain Java with double sums over the dequantized rows: the reference for tests. */
    default void multiplyReference(float[] x, int xOff, float[] bias, float[] y, int yOff, int from, int to) {
        float[] w = new float[cols()];
        for (int r = from; r < to; r++) {
            row(r, w, 0);
            double s = bias == null ? 0 : bias[r];
            for (int c = 0; c < w.length; c++) {
                s += (double) w[c] * x[xOff + c];
            }
            y[yOff + r] = (float) s;
        }
    }

    /**
     * An fp32 matrix over little-endian floats in data (heap or mapped memory, used as is): (rows, cols) row-major,
     * or when transposed, stored as (cols, rows) row-major, i.e. input-major, as GPT-2's Conv1D weights.
     */
    static WeightMatrix f32(MemorySegment data, int rows, int cols, boolean transposed) {
        return new F32Matrix(data, rows, cols, transposed);
    }

    /** An fp32 matrix over a float array, (rows, cols) row-major (no copy). */
    static WeightMatrix f32(float[] data, int rows, int cols) {
        return new F32Matrix(MemorySegment.ofArray(data), rows, cols, false);
    }

    /** The matrix in another format: converted (a new copy) unless it is already in that format. */
    static WeightMatrix convert(WeightMatrix m, Format format) {
        if (m.format() == format) {
            return m;
        }
        return switch (format) {
            case F32 -> {
                float[] out = new float[Math.multiplyExact(m.rows(), m.cols())];
                for (int r = 0; r < m.rows(); r++) {
                    m.row(r, out, r * m.cols());
                }
                yield f32(out, m.rows(), m.cols());
            }
            case BF16 -> Bf16Matrix.of(m);
            case Q8_0 -> Q8Matrix.of(m);
        };
    }
}
