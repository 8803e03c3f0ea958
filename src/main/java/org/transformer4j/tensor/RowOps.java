package org.transformer4j.tensor;

import java.util.Arrays;

/** Row-wise ops and their backward passes: softmax, log-softmax, layer norm, RMS norm. */
public final class RowOps {
    private RowOps() {
    }

    /** What a normalisation's forward pass keeps for its backward pass: the output and per-row statistics. */
    public record NormOutput(Tensor y, float[] mean, float[] rstd) {
    }

    /** Softmax or log-softmax along an axis. */
    public static Tensor softmax(Tensor x, int axis, boolean log) {
        int a = Shapes.axis(axis, Math.max(x.rank(), 1), x.shape);
        if (x.rank() == 0) {
            return softmax(x.reshape(1), 0, log).reshape();
        }
        Tensor moved = x.transpose(a, -1).contiguous();
        int cols = moved.dim(-1);
        int rows = cols == 0 ? 0 : moved.size() / cols;
        Tensor out = Tensor.zeros(x.kernels, moved.shape);
        x.kernels.softmaxRows(moved.data, moved.offset, rows, cols, log, out.data, 0);
        return out.transpose(a, -1).contiguous();
    }

    /** Backward of {@link #softmax}: the gradient wrt x given the forward output y and its gradient gy. */
    public static Tensor softmaxBackward(Tensor y, Tensor gy, int axis, boolean log) {
        Elementwise.requireSameShape("softmaxBackward", y, gy);
        if (y.rank() == 0) {
            return softmaxBackward(y.reshape(1), gy.reshape(1), 0, log).reshape();
        }
        int a = Shapes.axis(axis, y.rank(), y.shape);
        Tensor ym = y.transpose(a, -1).contiguous();
        Tensor gm = gy.transpose(a, -1).contiguous();
        int cols = ym.dim(-1);
        int rows = cols == 0 ? 0 : ym.size() / cols;
        Tensor out = Tensor.zeros(y.kernels, ym.shape);
        y.kernels.softmaxBackwardRows(ym.data, ym.offset, gm.data, gm.offset, rows, cols, log, out.data, 0);
        return out.transpose(a, -1).contiguous();
    }

    /**
     * Layer normalisation over the last {@code normalizedDims} dimensions (torch.nn.functional.layer_norm);
     * weight and bias, each optional, have exactly those dimensions.
     */
    public static NormOutput layerNorm(Tensor x, int normalizedDims, Tensor weight, Tensor bias, float eps) {
        int cols = normalizedSize(x, normalizedDims, weight, bias, "layerNorm");
        Tensor xc = x.contiguous();
        int rows = cols == 0 ? 0 : x.size() / cols;
        Tensor y = Tensor.zeros(x.kernels, x.shape);
        float[] mean = new float[rows];
        float[] rstd = new float[rows];
        Tensor w = weight == null ? null : weight.contiguous();
        Tensor b = bias == null ? null : bias.contiguous();
        x.kernels.layerNormRows(xc.data, xc.offset, rows, cols, w == null ? null : w.data, w == null ? 0 : w.offset,
                b == null ? null : b.data, b == null ? 0 : b.offset, eps, y.data, 0, mean, rstd);
        return new NormOutput(y, mean, rstd);
    }

    /** Backward of {@link #layerNorm}: {gx, gweight (or null), gbias (or null)}. */
    public static Tensor[] layerNormBackward(Tensor x, int normalizedDims, Tensor weight, boolean hasBias,
                                             NormOutput fwd, Tensor gy) {
        Elementwise.requireSameShape("layerNormBackward", x, gy);
        int cols = normalizedSize(x, normalizedDims, weight, null, "layerNormBackward");
        int rows = cols == 0 ? 0 : x.size() / cols;
        Tensor xc = x.contiguous();
        Tensor gc = gy.contiguous();
        Tensor w = weight == null ? null : weight.contiguous();
        Tensor gx = Tensor.zeros(x.kernels, x.shape);
        int[] paramShape = Arrays.copyOfRange(x.shape, x.rank() - normalizedDims, x.rank());
        Tensor gw = weight == null ? null : Tensor.zeros(x.kernels, paramShape);
        Tensor gb = hasBias ? Tensor.zeros(x.kernels, paramShape) : null;
        x.kernels.layerNormBackwardRows(xc.data, xc.offset, rows, cols, w == null ? null : w.data,
                w == null ? 0 : w.offset, fwd.mean(), fwd.rstd(), gc.data, gc.offset, gx.data, 0,
                gw == null ? null : gw.data, gb == null ? null : gb.data);
        return new Tensor[] {gx, gw, gb};
    }

    /** RMS normalisation over the last {@code normalizedDims} dimensions (Zhang and Sennrich 2019). */
    public static NormOutput rmsNorm(Tensor x, int normalizedDims, Tensor weight, float eps) {
        int cols = normalizedSize(x, normalizedDims, weight, null, "rmsNorm");
        Tensor xc = x.contiguous();
        int rows = cols == 0 ? 0 : x.size() / cols;
        Tensor y = Tensor.zeros(x.kernels, x.shape);
        float[] rstd = new float[rows];
        Tensor w = weight == null ? null : weight.contiguous();
        x.kernels.rmsNormRows(xc.data, xc.offset, rows, cols, w == null ? null : w.data, w == null ? 0 : w.offset,
                eps, y.data, 0, rstd);
        return new NormOutput(y, null, rstd);
    }

    /** Backward of {@link #rmsNorm}: {gx, gweight (or null)}. */
    public static Tensor[] rmsNormBackward(Tensor x, int normalizedDims, Tensor weight, NormOutput fwd, Tensor gy) {
        Elementwise.requireSameShape("rmsNormBackward", x, gy);
        int cols = normalizedSize(x, normalizedDims, weight, null, "rmsNormBackward");
        int rows = cols == 0 ? 0 : x.size() / cols;
        Tensor xc = x.contiguous();
        Tensor gc = gy.contiguous();
        Tensor w = weight == null ? null : weight.contiguous();
        Tensor gx = Tensor.zeros(x.kernels, x.shape);
        Tensor gw = weight == null ? null
                : Tensor.zeros(x.kernels, Arrays.copyOfRange(x.shape, x.rank() - normalizedDims, x.rank()));
        x.kernels.rmsNormBackwardRows(xc.data, xc.offset, rows, cols, w == null ? null : w.data,
                w == null ? 0 : w.offset, fwd.rstd(), gc.data, gc.offset, gx.data, 0, gw == null ? null : gw.data);
        return new Tensor[] {gx, gw};
    }

    private static int normalizedSize(Tensor x, int dims, Tensor weight, Tensor bias, String what) {
        if (dims < 1 || dims > x.rank()) {
            throw new IllegalArgumentException(what + ": normalized dimensions must be 1.." + x.rank()
                    + " for shape " + Shapes.str(x.shape) + ", got " + dims);
        }
        int[] normShape = Arrays.copyOfRange(x.shape, x.rank() - dims, x.rank());
        for (Tensor p : new Tensor[] {weight, bias}) {
            if (p != null && !Arrays.equals(p.shape, normShape)) {
                throw new IllegalArgumentException(what + ": parameter shape " + Shapes.str(p.shape)
                        + " must equal the normalized shape " + Shapes.str(normShape) + " of input "
                        + Shapes.str(x.shape));
            }
        }
        return Shapes.size(normShape);
    }
}
