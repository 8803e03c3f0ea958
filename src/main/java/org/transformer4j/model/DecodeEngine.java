package org.transformer4j.model;

import java.util.Map;
import org.transformer4j.autograd.Variable;
import org.transformer4j.nn.LayerSpec.AttentionKind;
import org.transformer4j.nn.LayerSpec.Positions;
import org.transformer4j.nn.NormLayer;
import org.transformer4j.nn.NormPlacement;
import org.transformer4j.tensor.DecodeOps;
import org.transformer4j.tensor.Tensor;
import org.transformer4j.tensor.UnaryOp;
import org.transformer4j.tensor.WeightMatrix;
import org.transformer4j.tensor.WorkerTeam;

/**
 * Fast KV-cached inference for a decoder-only model ({@link DecoderOnly}, GPT-2): the same computation as
 * {@code model.forward(token, cache)}, one token at a time, on weights stored for inference
 * ({@link WeightMatrix}: fp32, possibly memory-mapped from the checkpoint without a copy; bf16; or Q8_0) and
 * on buffers a {@link Session} allocates once, so a decode step allocates nothing. The matrix-vector products,
 * which stream every weight once per token and so decide the speed, run on a {@link WorkerTeam}.
 *
 * <p>Figures and inspection keep using the module path: this engine computes only logits.
 *
 * <pre>{@code
 * try (DecodeEngine engine = HfGpt2.decodeEngine(dir, WeightMatrix.Format.Q8_0)) {
 *     DecodeEngine.Session s = engine.newSession(64);
 *     float[] logits = s.prefill(promptIds);          // logits after the last prompt id
 *     int next = DecodeOps.argmax(logits, 0, logits.length);
 * }
 * }</pre>
 */
public final class DecodeEngine implements AutoCloseable {

    /** Where an engine's weights come from, by our parameter names (those of {@link DecoderOnly}). */
    interface Weights {
        /** The (rows, cols) matrix of a parameter, in any format. */
        WeightMatrix matrix(String name, int rows, int cols);

        /** A vector parameter of n values, or null when absent and optional. */
        float[] vector(String name, int n, boolean required);
    }

    record Layer(float[] norm1Weight, float[] norm1Bias, WeightMatrix qkv, float[] qkvBias, WeightMatrix out, float[] outBias,
                 float[] norm2Weight, float[] norm2Bias, WeightMatrix up, float[] upBias, WeightMatrix down, float[] downBias) {
    }

    final TransformerConfig config;
    private final WeightMatrix.Format format;
    final WeightMatrix tokens;
    final WeightMatrix head;
    final float[] headBias;
    final float[] positions;     // learned (maxPositions, d), or null
    final Layer[] layers;
    final float[] finalWeight;
    final float[] finalBias;
    final UnaryOp activation;
    final WorkerTeam team;
    private final AutoCloseable resources;

    private DecodeEngine(TransformerConfig config, WeightMatrix.Format format, Weights w, WorkerTeam team,
                         AutoCloseable resources) {
        this.config = config;
        this.format = format;
        this.team = team;
        this.resources = resources;
        int d = config.dModel();
        int v = config.vocabSize();
        WeightMatrix tokenTable = w.matrix("embed.tokens.weight", v, d);
        this.tokens = WeightMatrix.convert(tokenTable, format);
        if (config.tieOutput()) {
            this.head = tokens;
        } else {
            this.head = WeightMatrix.convert(w.matrix("lm_head.weight", v, d), format);
        }
        this.headBias = config.outputBias() ? w.vector("lm_head.bias", v, true) : null;
        if (config.positions() == Positions.LEARNED) {
            WeightMatrix table = w.matrix("embed.positions.weight", config.maxPositions(), d);
            float[] p = new float[Math.multiplyExact(config.maxPositions(), d)];
            for (int r = 0; r < config.maxPositions(); r++) {
                table.row(r, p, r * d);
            }
            this.positions = p;
        } else {
            this.positions = null;
        }
        boolean layerNorm = config.norm() == NormLayer.Kind.LAYER_NORM;
        this.layers = new Layer[config.decoderLayers()];
        for (int i = 0; i < layers.length; i++) {
            String p = "decoder.layers." + i + ".";
            int ff = config.dFF();
            layers[i] = new Layer(
                    w.vector(p + "norm1.weight", d, true), layerNorm ? w.vector(p + "norm1.bias", d, false) : null,
                    WeightMatrix.convert(w.matrix(p + "self_attn.in_proj_weight", 3 * d, d), format),
                    w.vector(p + "self_attn.in_proj_bias", 3 * d, config.bias()),
                    WeightMatrix.convert(w.matrix(p + "self_attn.out_proj.weight", d, d), format),
                    w.vector(p + "self_attn.out_proj.bias", d, config.bias()),
                    w.vector(p + "norm2.weight", d, true), layerNorm ? w.vector(p + "norm2.bias", d, false) : null,
                    WeightMatrix.convert(w.matrix(p + "linear1.weight", ff, d), format),
                    w.vector(p + "linear1.bias", ff, config.bias()),
                    WeightMatrix.convert(w.matrix(p + "linear2.weight", d, ff), format),
                    w.vector(p + "linear2.bias", d, config.bias()));
        }
        boolean finalNorm = Boolean.TRUE.equals(config.finalNorm());
        this.finalWeight = finalNorm ? w.vector("decoder.norm.weight", d, true) : null;
        this.finalBias = finalNorm && layerNorm ? w.vector("decoder.norm.bias", d, false) : null;
        this.activation = switch (config.activation()) {
            case RELU -> UnaryOp.RELU;
            case GELU -> UnaryOp.GELU;
            case GELU_TANH -> UnaryOp.GELU_TANH;
            case SILU -> UnaryOp.SILU;
        };
    }

    /**
     * Why this engine cannot run a config, or null when it can: softmax attention with as many key/value heads as
     * query heads, a plain (not gated) feed-forward, learned, sinusoidal or no positions, no embedding norm.
     */
    public static String unsupported(TransformerConfig c) {
        if (c.architecture() != TransformerConfig.Architecture.DECODER_ONLY) {
            return "it runs decoder-only models, not " + c.architecture();
        }
        if (c.attention() != AttentionKind.SOFTMAX) {
            return "it runs softmax attention, not " + c.attention();
        }
        if (c.kvHeads() != c.heads()) {
            return "it needs as many key/value heads as heads (" + c.kvHeads() + " vs " + c.heads() + ")";
        }
        if (c.gatedFeedForward()) {
            return "it runs the plain feed-forward, not a gated one";
        }
        if (c.positions() != Positions.LEARNED && c.positions() != Positions.SINUSOIDAL && c.positions() != Positions.NONE) {
            return "it supports learned, sinusoidal or no positions, not " + c.positions();
        }
        if (c.embeddingNorm() || c.tokenTypes() > 0) {
            return "it does not run an embedding norm or token types";
        }
        return null;
    }

    /** An engine over a copy of a model's weights in format (the model is not used afterwards). */
    public static DecodeEngine of(DecoderOnly model, WeightMatrix.Format format) {
        return of(model, format, WorkerTeam.shared());
    }

    /** As {@link #of(DecoderOnly, WeightMatrix.Format)} on a given team of threads. */
    public static DecodeEngine of(DecoderOnly model, WeightMatrix.Format format, WorkerTeam team) {
        Map<String, Variable> params = model.namedParameters();
        return build(model.config(), format, new Weights() {
            @Override
            public WeightMatrix matrix(String name, int rows, int cols) {
                float[] values = require(name, rows * cols).toArray();
                return WeightMatrix.f32(values, rows, cols);
            }

            @Override
            public float[] vector(String name, int n, boolean required) {
                return !required && !params.containsKey(name) ? null : require(name, n).toArray();
            }

            private Tensor require(String name, int size) {
                Variable v = params.get(name);
                if (v == null || v.value().size() != size) {
                    throw new IllegalArgumentException("the model has no parameter " + name + " of " + size + " values");
                }
                return v.value();
            }
        }, team, () -> { });
    }

    static DecodeEngine build(TransformerConfig config, WeightMatrix.Format format, Weights weights, WorkerTeam team,
                              AutoCloseable resources) {
        String why = unsupported(config);
        if (why != null) {
            throw new IllegalArgumentException("the fast decoder cannot run this model: " + why);
        }
        return new DecodeEngine(config, format, weights, team, resources);
    }

    public TransformerConfig config() {
        return config;
    }

    public WeightMatrix.Format format() {
        return format;
    }

    /** Bytes of the weights a decode step reads (each matrix once; a tied head counted once). */
    public long weightBytes() {
        long b = tokens.bytes() + (head == tokens ? 0 : head.bytes());
        for (Layer l : layers) {
            b += l.qkv().bytes() + l.out().bytes() + l.up().bytes() + l.down().bytes();
        }
        return b;
    }

    /** A new sequence with room for capacity positions (at most the model's maximum). */
    public Session newSession(int capacity) {
        if (capacity < 1 || capacity > config.maxPositions()) {
            throw new IllegalArgumentException("session capacity " + capacity + " must be in 1.." + config.maxPositions());
        }
        return new Session(this, capacity);
    }

    /** Releases the mapped checkpoint, if any; sessions must not be used afterwards. */
    @Override
    public void close() {
        try {
            resources.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the decode engine's weights failed: " + e.getMessage(), e);
        }
    }

    /**
     * One sequence being decoded: its key/value cache and every buffer of a step, allocated when the session is
     * created. Not thread-safe; {@link #step} returns the engine's logits buffer, overwritten by the next step.
     */
    public static final class Session {
        final DecodeEngine e;
        final int capacity;
        final int d;
        final int heads;
        final int headDim;
        final float scale;
        private final float[] x;
        final float[] normed;
        private final float[] qkv;
        private final float[] attended;
        private final float[] projected;
        private final float[] hidden;
        final float[] logits;
        final float[][] keys;      // per layer and head: blocks of 16 positions, each (headDim, 16)
        final int keyCapacity;     // capacity rounded up to whole blocks
        final float[][] values;
        private final float[] scores;      // per head: capacity floats
        private final float[] headMax;     // per head: the largest score
        private final float[] headSum;     // per head: the sum of the exponentials
        private final float[] lanes;       // per head: one vector's room for expShifted
        final float[] sinusoids;   // (capacity, d) for sinusoidal positions, else null
        private final Product product = new Product();
        private final Attend attend = new Attend();
        // The jobs are handed to the team through fields of the interface type: where C2 inlines team.run into the
        // step and knows a job's exact class, it inlines the job too, with its vector kernels, into the step's
        // compilation, whose inlining budget then runs out (the kernels' vectors get boxed: allocation per token).
        private final WorkerTeam.Job productJob = product;
        private final WorkerTeam.Job attendJob = attend;
        private final WorkerTeam.Job expJob = new AttendExp();
        private final WorkerTeam.Job valuesJob = new AttendValues();
        private final WorkerTeam.Job activateJob = new Activate();
        int length;
        private BatchPass batch;

        private Session(DecodeEngine e, int capacity) {
            this.e = e;
            this.capacity = capacity;
            TransformerConfig c = e.config;
            this.d = c.dModel();
            this.heads = c.heads();
            this.headDim = d / heads;
            this.scale = (float) (1.0 / Math.sqrt(headDim));
            this.x = new float[d];
            this.normed = new float[d];
            this.qkv = new float[3 * d];
            this.attended = new float[d];
            this.projected = new float[d];
            this.hidden = new float[c.dFF()];
            this.logits = new float[c.vocabSize()];
            this.keyCapacity = (capacity + DecodeOps.KEY_BLOCK - 1) / DecodeOps.KEY_BLOCK * DecodeOps.KEY_BLOCK;
            this.keys = new float[c.decoderLayers()][Math.multiplyExact(keyCapacity, d)];
            this.values = new float[c.decoderLayers()][Math.multiplyExact(capacity, d)];
            this.scores = new float[Math.multiplyExact(heads, capacity)];
            this.headMax = new float[heads];
            this.headSum = new float[heads];
            this.lanes = new float[heads * DecodeOps.LANES];
            this.sinusoids = c.positions() == Positions.SINUSOIDAL ? Embeddings.sinusoid(0, capacity, d).toArray() : null;
        }

        /** Positions decoded so far. */
        public int length() {
            return length;
        }

        /** Room in positions. */
        public int capacity() {
            return capacity;
        }

        /** Forgets the sequence (the buffers are kept). */
        public void reset() {
            length = 0;
        }

        /**
         * Feeds ids at the next positions and returns the logits after the last (the buffer of {@link #step}). More
         * than one id run as matrix-matrix products over blocks of positions ({@link BatchPass}), which reads each
         * weight once per block instead of once per token; the logits agree with feeding the ids one by one to
         * rounding.
         */
        public float[] prefill(int[] ids) {
            if (ids.length == 0) {
                throw new IllegalArgumentException("prefill needs at least one id");
            }
            if (ids.length == 1) {
                return step(ids[0]);
            }
            return batch().run(ids, null);
        }

        /**
         * Feeds ids at the next positions, as {@link #prefill}, and returns the logits at every one of them: a new
         * (ids.length, vocab) row-major array, the logits after ids[i] in row i.
         */
        public float[] forward(int[] ids) {
            if (ids.length == 0) {
                throw new IllegalArgumentException("forward needs at least one id");
            }
            requireRoom(ids.length);                             // before allocating the logits
            return batch().run(ids, new float[Math.multiplyExact(ids.length, e.config.vocabSize())]);
        }

        /** Refuses n more positions when they do not fit (nothing changed). */
        void requireRoom(int n) {
            if (length + (long) n > capacity) {
                throw new IllegalStateException("the session has room for " + (capacity - length) + " more positions, not "
                        + n + " (create it with more)");
            }
        }

        /**
         * As {@link #forward(int[])}, writing the logits into out (at least ids.length x vocab floats), which is
         * returned: a caller that runs many passes reuses one buffer instead of allocating 200 MB per 1024 GPT-2
         * positions.
         */
        public float[] forward(int[] ids, float[] out) {
            if (ids.length == 0) {
                throw new IllegalArgumentException("forward needs at least one id");
            }
            long need = (long) ids.length * e.config.vocabSize();
            if (out.length < need) {
                throw new IllegalArgumentException("the logits buffer holds " + out.length + " floats; " + ids.length
                        + " positions need " + need);
            }
            return batch().run(ids, out);
        }

        private BatchPass batch() {
            if (batch == null) {
                batch = new BatchPass(e, this, BatchPass.BLOCK);
            }
            return batch;
        }

        /** Multi-position passes in blocks of this many positions (tests: several blocks in a short sequence). */
        void batchBlock(int positions) {
            batch = new BatchPass(e, this, positions);
        }

        /** Feeds one id at the next position and returns the next-token logits (vocab floats, reused buffer). */
        public float[] step(int id) {
            advance(id);
            return logits;
        }

        private void advance(int id) {
            TransformerConfig c = e.config;
            if (id < 0 || id >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + c.vocabSize());
            }
            if (length >= capacity) {
                throw new IllegalStateException("the session is full: " + capacity + " positions (create it with more)");
            }
            int pos = length;
            e.tokens.row(id, x, 0);
            if (c.scaleEmbeddings()) {
                float s = (float) Math.sqrt(d);
                for (int i = 0; i < d; i++) {
                    x[i] *= s;
                }
            }
            if (e.positions != null) {
                DecodeOps.addInPlace(x, 0, e.positions, pos * d, d);
            } else if (sinusoids != null) {
                DecodeOps.addInPlace(x, 0, sinusoids, pos * d, d);
            }
            boolean pre = c.normPlacement() == NormPlacement.PRE;
            for (int l = 0; l < e.layers.length; l++) {
                Layer layer = e.layers[l];
                norm(pre ? x : null, layer.norm1Weight(), layer.norm1Bias());
                multiply(layer.qkv(), pre ? normed : x, layer.qkvBias(), qkv);
                float[] k = keys[l];
                for (int h = 0; h < heads; h++) {                  // keys in transposed blocks (DecodeOps.attendScores)
                    for (int j = 0; j < headDim; j++) {
                        k[h * keyCapacity * headDim + DecodeOps.keyIndex(pos, j, headDim)] = qkv[d + h * headDim + j];
                    }
                }
                for (int h = 0; h < heads; h++) {
                    System.arraycopy(qkv, 2 * d + h * headDim, values[l], (h * capacity + pos) * headDim, headDim);
                }
                attend.layer = l;
                attend.count = pos + 1;
                e.team.run(attendJob);
                e.team.run(expJob);
                e.team.run(valuesJob);
                multiply(layer.out(), attended, layer.outBias(), projected);
                residual(pre, layer.norm1Weight(), layer.norm1Bias());
                norm(pre ? x : null, layer.norm2Weight(), layer.norm2Bias());
                multiply(layer.up(), pre ? normed : x, layer.upBias(), hidden);
                e.team.run(activateJob);
                multiply(layer.down(), hidden, layer.downBias(), projected);
                residual(pre, layer.norm2Weight(), layer.norm2Bias());
            }
            length++;
            float[] last = x;
            if (e.finalWeight != null) {
                norm(x, e.finalWeight, e.finalBias);
                last = normed;
            }
            multiply(e.head, last, e.headBias, logits);
        }

        /** normed = norm(input) (Pre-LN); with input null nothing (Post-LN normalises after the residual add). */
        private void norm(float[] input, float[] weight, float[] bias) {
            if (input == null) {
                return;
            }
            if (e.config.norm() == NormLayer.Kind.LAYER_NORM) {
                DecodeOps.layerNorm(input, 0, d, weight, bias, e.config.layerNormEps(), normed, 0);
            } else {
                DecodeOps.rmsNorm(input, 0, d, weight, e.config.layerNormEps(), normed, 0);
            }
        }

        /** x += projected (Pre-LN), or x = norm(x + projected) (Post-LN). */
        private void residual(boolean pre, float[] weight, float[] bias) {
            DecodeOps.addInPlace(x, 0, projected, 0, d);
            if (!pre) {
                norm(x, weight, bias);
                System.arraycopy(normed, 0, x, 0, d);
            }
        }

        void multiply(WeightMatrix m, float[] in, float[] bias, float[] out) {
            // Always through the team, small matrices too: called here directly, the kernel would be inlined into the
            // step (see productJob).
            product.matrix = m;
            product.in = in;
            product.bias = bias;
            product.out = out;
            e.team.run(productJob);
            product.matrix = null;
            product.in = null;
            product.bias = null;
            product.out = null;
        }

        /** A matrix-vector product split over the team by output ranges. */
        private static final class Product implements WorkerTeam.Job {
            WeightMatrix matrix;
            float[] in;
            float[] bias;
            float[] out;

            @Override
            public void run(int part, int parts) {
                int n = matrix.rows();
                int from = WorkerTeam.start(n, part, parts, matrix.rowAlign());
                int to = WorkerTeam.start(n, part + 1, parts, matrix.rowAlign());
                if (from < to) {
                    matrix.multiply(in, 0, bias, out, 0, from, to);
                }
            }
        }

        /**
         * The feed-forward activation over the team. Besides splitting the work, a third kind of job keeps the
         * team's call of job.run megamorphic, so C2 compiles each job on its own instead of inlining the vector
         * kernels into the step, where its inlining budget would run out (and the vectors be boxed).
         */
        private final class Activate implements WorkerTeam.Job {
            @Override
            public void run(int part, int parts) {
                int from = WorkerTeam.start(hidden.length, part, parts, 16);
                int to = WorkerTeam.start(hidden.length, part + 1, parts, 16);
                DecodeOps.activate(e.activation, hidden, from, to - from);
            }
        }

        /**
         * Attention of the newest position over the cache of one layer, in three jobs split over the team by heads:
         * scores (this one), their softmax ({@link AttendExp}) and the weighted sum of values ({@link AttendValues}).
         * Three jobs, so that the softmax's vector exp is compiled in a small method of its own (inlined into one big
         * job it boxed its vectors), at the cost of two more hand-offs to the team per layer.
         */
        private final class Attend implements WorkerTeam.Job {
            int layer;
            int count;

            @Override
            public void run(int part, int parts) {
                int from = WorkerTeam.start(heads, part, parts, 1);
                int to = WorkerTeam.start(heads, part + 1, parts, 1);
                for (int h = from; h < to; h++) {
                    headMax[h] = DecodeOps.attendScores(qkv, h * headDim, keys[layer], h * keyCapacity * headDim, count,
                            headDim, scale, scores, h * capacity);
                }
            }
        }

        /** The softmax of each head's scores (see {@link Attend}). */
        private final class AttendExp implements WorkerTeam.Job {
            @Override
            public void run(int part, int parts) {
                int from = WorkerTeam.start(heads, part, parts, 1);
                int to = WorkerTeam.start(heads, part + 1, parts, 1);
                for (int h = from; h < to; h++) {
                    headSum[h] = DecodeOps.expShifted(scores, h * capacity, attend.count, headMax[h], lanes, h * DecodeOps.LANES);
                }
            }
        }

        /** Each head's weighted sum of values (see {@link Attend}). */
        private final class AttendValues implements WorkerTeam.Job {
            @Override
            public void run(int part, int parts) {
                int from = WorkerTeam.start(heads, part, parts, 1);
                int to = WorkerTeam.start(heads, part + 1, parts, 1);
                for (int h = from; h < to; h++) {
                    DecodeOps.attendValues(scores, h * capacity, 1f / headSum[h], values[attend.layer], h * capacity * headDim,
                            attend.count, headDim, attended, h * headDim);
                }
            }
        }
    }
}
