package org.transformer4j.tensor;

/** What every stored weight matrix has: its shape and format; output ranges split anywhere unless a format says. */
abstract sealed class StoredMatrix implements WeightMatrix permits F32Matrix, Bf16Matrix, Q8Matrix {
    final int rows;
    final int cols;
    private final Format format;

    StoredMatrix(int rows, int cols, Format format) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("a weight matrix needs rows and cols >= 1, got " + rows + " x " + cols);
        }
        this.rows = rows;
        this.cols = cols;
        this.format = format;
    }

    @Override
    public final int rows() {
        return rows;
    }

    @Override
    public final int cols() {
        return cols;
    }

    @Override
    public final Format format() {
        return format;
    }

    @Override
    public int rowAlign() {
        return 1;
    }
}
