package org.transformer4j.tensor;

/** Cross-entropy and dropout masks. */
public final class Losses {
    private Losses() {
    }

    /**
     * Per-row cross-entropy of (N, C) logits against N integer targets, label smoothing as in
     * torch.nn.functional.cross_entropy; rows whose target is ignoreIndex get 0.
     */
    public static Tensor crossEntropyRows(Tensor logits, int[] targets, int ignoreIndex, float smoothing) {
        check(logits, targets, ignoreIndex, smoothing);
        Tensor x = logits.contiguous();
        Tensor out = Tensor.zeros(logits.kernels, targets.length);
        logits.kernels.crossEntropyRows(x.data, x.offset, x.dim(0), x.dim(1), targets, ignoreIndex, smoothing, out.data);
        return out;
    }

    /** Mean cross-entropy over the rows whose target is not ignoreIndex (NaN when all are ignored, as PyTorch). */
    public static Tensor crossEntropy(Tensor logits, int[] targets, int ignoreIndex, float smoothing) {
        Tensor rows = crossEntropyRows(logits, targets, ignoreIndex, smoothing);
        return rows.sum().mul(1f / counted(targets, ignoreIndex));
    }

    /** How many targets are not ignoreIndex. */
    public static int counted(int[] targets, int ignoreIndex) {
        int n = 0;
        for (int t : targets) {
            if (t != ignoreIndex) {
                n++;
            }
        }
        return n;
    }

    /** Gradient wrt the logits, with rowScale[r] multiplying row r (e.g. upstream gradient / count). */
    public static Tensor crossEntropyBackward(Tensor logits, int[] targets, int ignoreIndex, float smoothing,
                                              float[] rowScale) {
        check(logits, targets, ignoreIndex, smoothing);
        Tensor x = logits.contiguous();
        Tensor gx = Tensor.zeros(logits.kernels, logits.shape);
        logits.kernels.crossEntropyBackwardRows(x.data, x.offset, x.dim(0), x.dim(1), targets, ignoreIndex, smoothing,
                rowScale, gx.data, 0);
        return gx;
    }

    private static void check(Tensor logits, int[] targets, int ignoreIndex, float smoothing) {
        if (logits.rank() != 2) {
            throw new IllegalArgumentException("cross-entropy needs (N, C) logits, got " + Shapes.str(logits.shape));
        }
        if (targets.length != logits.dim(0)) {
            throw new IllegalArgumentException("cross-entropy: " + targets.length + " targets for "
                    + logits.dim(0) + " rows of logits " + Shapes.str(logits.shape));
        }
        if (!(smoothing >= 0f && smoothing <= 1f)) {
            throw new IllegalArgumentException("label smoothing must be in [0, 1], got " + smoothing);
        }
        int classes = logits.dim(1);
        for (int i = 0; i < targets.length; i++) {
            int t = targets[i];
            if (t != ignoreIndex && (t < 0 || t >= classes)) {
                throw new IllegalArgumentException("cross-entropy: target " + t + " at row " + i
                        + " is outside 0.." + (classes - 1) + " (ignore index " + ignoreIndex + ")");
            }
        }
    }

    /** Dropout multipliers (0 or 1/(1-p)) for a tensor of the given shape, drawn from the seed. */
    public static Tensor dropoutMask(Kernels kernels, long seed, float p, int... shape) {
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
        Tensor m = Tensor.zeros(kernels, shape);
        kernels.dropoutMask(seed, p, m.data, 0, m.size());
        return m;
    }
}
