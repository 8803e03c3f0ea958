package org.transformer4j.model;

import org.transformer4j.nn.NormLayer;
import org.transformer4j.nn.NormPlacement;
import org.transformer4j.tensor.DecodeOps;
import org.transformer4j.tensor.WeightMatrix;
import org.transformer4j.tensor.WorkerTeam;

/**
 * Many positions of a {@link DecodeEngine.Session} in one pass: a prompt's prefill, or the logits of every position
 * (what {@code t4j bench forward} measures). Per layer, every linear layer is one matrix-matrix product over the
 * block's positions ({@link WeightMatrix#multiplyRows}, split over the engine's team by outputs), keys and values go
 * to the session's cache, and causal attention runs over the cache with the fused kernel
 * ({@link DecodeOps#attendRows}). Positions run in blocks of {@link #BLOCK}, so the buffers stay bounded for long
 * prompts; they are allocated for the largest block seen and kept.
 */
final class BatchPass {
    /**
     * Positions per block. A weight panel is packed once per block, so blocks of 256 spent 12% of a 1024-token
     * forward pass packing; at 1024 (GPT-2's whole context) the buffers take about 30 MB for GPT-2 small.
     */
    static final int BLOCK = 1024;

    private final int block;
    private final DecodeEngine e;
    private final DecodeEngine.Session s;
    private final int d;
    private final int ff;
    private float[] xs = new float[0];
    private float[] normed = new float[0];
    private float[] qkv = new float[0];
    private float[] attended = new float[0];
    private float[] projected = new float[0];
    private float[] hidden = new float[0];
    private float[] keyRows = new float[0];
    private final Product product = new Product();
    private final Activate activate = new Activate();
    private final RowsJob rowsJob = new RowsJob();

    BatchPass(DecodeEngine e, DecodeEngine.Session s, int block) {
        if (block < 1) {
            throw new IllegalArgumentException("a block needs at least 1 position, got " + block);
        }
        this.block = block;
        this.e = e;
        this.s = s;
        this.d = s.d;
        this.ff = e.config.dFF();
    }

    /**
     * Feeds ids at the session's next positions. With out, writes the logits of every position into it (ids.length x
     * vocab, row-major) and returns it; with out null, returns the session's logits buffer holding those after the
     * last id.
     */
    float[] run(int[] ids, float[] out) {
        boolean all = out != null;
        int vocab = e.config.vocabSize();
        for (int id : ids) {
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + vocab);
            }
        }
        s.requireRoom(ids.length);
        float[] logits = out;
        for (int from = 0; from < ids.length; from += block) {
            int n = Math.min(block, ids.length - from);
            float[] last = block(ids, from, n);                  // the block's final hidden states (n x d)
            if (all) {
                product.run(e.head, last, n, e.headBias, logits, from * vocab, vocab);
            } else if (from + n == ids.length) {
                System.arraycopy(last, (n - 1) * d, s.normed, 0, d);
                s.multiply(e.head, s.normed, e.headBias, s.logits);
                logits = s.logits;
            }
        }
        return logits;
    }

    /** Positions ids[from .. from+n) through every layer; returns the buffer of their final hidden states. */
    private float[] block(int[] ids, int from, int n) {
        TransformerConfig c = e.config;
        ensure(n);
        int p0 = s.length;
        for (int i = 0; i < n; i++) {
            int pos = p0 + i;
            e.tokens.row(ids[from + i], xs, i * d);
            if (c.scaleEmbeddings()) {
                float scale = (float) Math.sqrt(d);
                for (int j = 0; j < d; j++) {
                    xs[i * d + j] *= scale;
                }
            }
            if (e.positions != null) {
                DecodeOps.addInPlace(xs, i * d, e.positions, pos * d, d);
            } else if (s.sinusoids != null) {
                DecodeOps.addInPlace(xs, i * d, s.sinusoids, pos * d, d);
            }
        }
        boolean pre = c.normPlacement() == NormPlacement.PRE;
        for (int l = 0; l < e.layers.length; l++) {
            DecodeEngine.Layer layer = e.layers[l];
            float[] in = pre ? norm(n, layer.norm1Weight(), layer.norm1Bias()) : xs;
            product.run(layer.qkv(), in, n, layer.qkvBias(), qkv, 0, 3 * d);
            cache(l, n, p0);
            attend(l, n, p0);
            product.run(layer.out(), attended, n, layer.outBias(), projected, 0, d);
            residual(pre, n, layer.norm1Weight(), layer.norm1Bias());
            in = pre ? norm(n, layer.norm2Weight(), layer.norm2Bias()) : xs;
            product.run(layer.up(), in, n, layer.upBias(), hidden, 0, ff);
            activate.count = n * ff;
            e.team.run(activate);
            product.run(layer.down(), hidden, n, layer.downBias(), projected, 0, d);
            residual(pre, n, layer.norm2Weight(), layer.norm2Bias());
        }
        s.length += n;
        return e.finalWeight != null ? norm(n, e.finalWeight, e.finalBias) : xs;
    }

    /** Keys (in the cache's transposed blocks) and values of the block's positions into layer l's cache. */
    private void cache(int l, int n, int p0) {
        int hd = s.headDim;
        float[] k = s.keys[l];
        for (int i = 0; i < n; i++) {
            int pos = p0 + i;
            int row = i * 3 * d;
            for (int h = 0; h < s.heads; h++) {
                int kBase = h * s.keyCapacity * hd;
                for (int j = 0; j < hd; j++) {
                    k[kBase + DecodeOps.keyIndex(pos, j, hd)] = qkv[row + d + h * hd + j];
                }
                System.arraycopy(qkv, row + 2 * d + h * hd, s.values[l], (h * s.capacity + pos) * hd, hd);
            }
        }
    }

    /**
     * Causal attention of the block's queries over positions 0 .. p0+n-1. With nothing cached before the block the
     * keys and values are read where the projection wrote them; otherwise the keys are gathered from the cache into
     * rows, and the values read from the cache as they are.
     */
    private void attend(int l, int n, int p0) {
        int heads = s.heads;
        int hd = s.headDim;
        int total = p0 + n;
        int[] qOffs = new int[heads];
        int[] kOffs = new int[heads];
        int[] vOffs = new int[heads];
        int[] oOffs = new int[heads];
        float[] k;
        float[] v;
        int ldk;
        int ldv;
        for (int h = 0; h < heads; h++) {
            qOffs[h] = h * hd;
            oOffs[h] = h * hd;
        }
        if (p0 == 0) {
            k = qkv;
            v = qkv;
            ldk = 3 * d;
            ldv = 3 * d;
            for (int h = 0; h < heads; h++) {
                kOffs[h] = d + h * hd;
                vOffs[h] = 2 * d + h * hd;
            }
        } else {
            if (keyRows.length < total * d) {
                keyRows = new float[Math.multiplyExact(s.capacity, d)];
            }
            float[] cached = s.keys[l];
            for (int h = 0; h < heads; h++) {
                int kBase = h * s.keyCapacity * hd;
                for (int t = 0; t < total; t++) {
                    int row = (h * total + t) * hd;
                    for (int j = 0; j < hd; j++) {
                        keyRows[row + j] = cached[kBase + DecodeOps.keyIndex(t, j, hd)];
                    }
                }
                kOffs[h] = h * total * hd;
                vOffs[h] = h * s.capacity * hd;
            }
            k = keyRows;
            v = s.values[l];
            ldk = hd;
            ldv = hd;
        }
        DecodeOps.attendRows(heads, n, total, hd, s.scale, p0, qkv, qOffs, 3 * d, k, kOffs, ldk, v, vOffs, ldv, attended,
                oOffs, d);
    }

    /** normed = norm(xs) row by row (rows split over the team); returns normed. */
    private float[] norm(int n, float[] weight, float[] bias) {
        rowsJob.set(n, false, true, weight, bias);
        e.team.run(rowsJob);
        return normed;
    }

    /** xs += projected (Pre-LN), or xs = norm(xs + projected) (Post-LN), rows split over the team. */
    private void residual(boolean pre, int n, float[] weight, float[] bias) {
        rowsJob.set(n, true, !pre, weight, bias);
        e.team.run(rowsJob);
    }

    /** Row-wise work over the team: optionally xs += projected, then optionally normed = norm(xs) (Post-LN: into xs). */
    private final class RowsJob implements WorkerTeam.Job {
        private int rows;
        private boolean add;
        private boolean normalize;
        private float[] weight;
        private float[] bias;

        void set(int n, boolean addProjected, boolean norm, float[] w, float[] b) {
            rows = n;
            add = addProjected;
            normalize = norm;
            weight = w;
            bias = b;
        }

        @Override
        public void run(int part, int parts) {
            int from = WorkerTeam.start(rows, part, parts, 1);
            int to = WorkerTeam.start(rows, part + 1, parts, 1);
            float eps = e.config.layerNormEps();
            boolean layerNorm = e.config.norm() == NormLayer.Kind.LAYER_NORM;
            for (int i = from; i < to; i++) {
                if (add) {
                    DecodeOps.addInPlace(xs, i * d, projected, i * d, d);
                }
                if (normalize) {
                    if (layerNorm) {
                        DecodeOps.layerNorm(xs, i * d, d, weight, bias, eps, normed, i * d);
                    } else {
                        DecodeOps.rmsNorm(xs, i * d, d, weight, eps, normed, i * d);
                    }
                    if (add) {                                   // Post-LN: the normalised sum is the new stream
                        System.arraycopy(normed, i * d, xs, i * d, d);
                    }
                }
            }
        }
    }

    private void ensure(int n) {
        if (xs.length >= n * d) {
            return;
        }
        xs = new float[n * d];
        normed = new float[n * d];
        qkv = new float[n * 3 * d];
        attended = new float[n * d];
        projected = new float[n * d];
        hidden = new float[Math.multiplyExact(n, ff)];
    }

    /** Y = X W^T + b over the team, each part a range of outputs (whole GEMM slivers of 32). */
    private final class Product implements WorkerTeam.Job {
        private WeightMatrix matrix;
        private float[] in;
        private int rows;
        private float[] bias;
        private float[] out;
        private int outOff;
        private int ldo;

        void run(WeightMatrix m, float[] x, int n, float[] b, float[] y, int yOff, int ldy) {
            matrix = m;
            in = x;
            rows = n;
            bias = b;
            out = y;
            outOff = yOff;
            ldo = ldy;
            e.team.run(this);
            matrix = null;
            in = null;
            bias = null;
            out = null;
        }

        @Override
        public void run(int part, int parts) {
            int outputs = matrix.rows();
            int from = WorkerTeam.start(outputs, part, parts, 32);
            int to = WorkerTeam.start(outputs, part + 1, parts, 32);
            matrix.multiplyRows(in, 0, matrix.cols(), rows, bias, out, outOff, ldo, from, to);
        }
    }

    /** The feed-forward activation over the team. */
    private final class Activate implements WorkerTeam.Job {
        private int count;

        @Override
        public void run(int part, int parts) {
            int from = WorkerTeam.start(count, part, parts, 16);
            int to = WorkerTeam.start(count, part + 1, parts, 16);
            DecodeOps.activate(e.activation, hidden, from, to - from);
        }
    }
}
