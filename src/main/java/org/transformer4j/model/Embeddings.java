package org.transformer4j.model;

import org.transformer4j.autograd.Functions;
import org.transformer4j.autograd.Variable;
import org.transformer4j.nn.Dropout;
import org.transformer4j.nn.Embedding;
import org.transformer4j.nn.LayerNorm;
import org.transformer4j.nn.LayerSpec.Positions;
import org.transformer4j.nn.Module;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;

/**
 * Token ids to the first residual stream: token embedding (scaled by sqrt(d) when the config says so),
 * plus or concatenated with the positional encoding (sin and cos interleaved as the paper, or in halves as
 * HF Marian), plus token types, then an optional norm and dropout. RoPE and ALiBi add nothing here; they
 * act inside attention.
 */
public final class Embeddings extends Module {
    private final Embedding tokens;
    private final Embedding positions;  // LEARNED only
    private final Embedding types;      // token types (BERT) or null
    private final LayerNorm norm;       // BERT's embedding norm or null
    private final Dropout dropout;
    private final Positions scheme;
    private final int dModel;
    private final int positionalDim;
    private final int maxPositions;
    private final float scale;

    /** New embeddings; pass an existing token embedding to share it (tied source/target embeddings). */
    public Embeddings(TransformerConfig c, int vocab, Embedding sharedTokens, Rng rng) {
        this.scheme = c.positions();
        this.dModel = c.dModel();
        this.positionalDim = c.positionalDim();
        this.maxPositions = c.maxPositions();
        int tokenDim = scheme == Positions.SINUSOIDAL_CONCAT ? dModel - positionalDim : dModel;
        this.tokens = sharedTokens != null ? child("tokens", sharedTokens) : child("tokens", new Embedding(vocab, tokenDim, rng));
        this.positions = scheme == Positions.LEARNED ? child("positions", new Embedding(maxPositions, dModel, rng)) : null;
        this.types = c.tokenTypes() > 0 ? child("types", new Embedding(c.tokenTypes(), dModel, rng)) : null;
        this.norm = c.embeddingNorm() ? child("norm", new LayerNorm(dModel, c.layerNormEps())) : null;
        this.dropout = child("dropout", new Dropout(c.dropout(), rng));
        this.scale = c.scaleEmbeddings() ? (float) Math.sqrt(dModel) : 1f;
    }

    public Embedding tokens() {
        return tokens;
    }

    /** (batch, time) ids starting at absolute position offset -> (batch, time, d). Token types may be null. */
    public Variable forward(int[] ids, int batch, int time, int offset, int[] tokenTypes) {
        return traced(() -> {
            if (offset + time > maxPositions) {
                throw new IllegalArgumentException("input of " + (offset + time) + " positions is longer than max_positions "
                        + maxPositions);
            }
            Variable x = tokens.forward(ids, batch, time);
            if (scale != 1f) {
                x = x.mul(scale).named("× √d");
            }
            Tensor kernelsRef = x.value();
            switch (scheme) {
                case SINUSOIDAL -> x = x.add(Variable.constant(sinusoid(offset, time, dModel).withKernels(kernelsRef.kernels()),
                        "positional encoding")).named("+ positional encoding");
                case SINUSOIDAL_HALVES -> x = x.add(Variable.constant(sinusoidHalves(offset, time, dModel)
                        .withKernels(kernelsRef.kernels()), "positional encoding")).named("+ positional encoding");
                case SINUSOIDAL_CONCAT -> {
                    Variable p = Variable.constant(sinusoid(offset, time, positionalDim).withKernels(kernelsRef.kernels())
                            .unsqueeze(0).expand(batch, time, positionalDim), "positional encoding");
                    x = Functions.concat(-1, x, p).named("concat positional encoding");
                }
                case LEARNED -> {
                    int[] pos = new int[time];
                    for (int t = 0; t < time; t++) {
                        pos[t] = offset + t;
                    }
                    x = x.add(positions.forward(pos, 1, time)).named("+ position embedding");
                }
                case ROPE, ALIBI, NONE -> { }
            }
            if (types != null) {
                x = x.add(types.forward(tokenTypes == null ? new int[ids.length] : tokenTypes, batch, time));
            }
            if (norm != null) {
                x = norm.forward(x);
            }
            return dropout.forward(x);
        });
    }

    /**
     * The paper's encoding (section 3.5): PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(same),
     * for positions offset..offset+time-1, shape (time, dim).
     */
    public static Tensor sinusoid(int offset, int time, int dim) {
        float[] pe = new float[time * dim];
        for (int t = 0; t < time; t++) {
            int pos = offset + t;
            for (int i = 0; i < dim; i += 2) {
                double angle = pos / Math.pow(10000.0, (double) i / dim);
                pe[t * dim + i] = (float) Math.sin(angle);
                if (i + 1 < dim) {
                    pe[t * dim + i + 1] = (float) Math.cos(angle);
                }
            }
        }
        return Tensor.of(pe, time, dim);
    }

    /**
     * The paper's frequencies in HF Marian's layout (MarianSinusoidalPositionalEmbedding): the first
     * ceil(dim/2) columns are sin(pos / 10000^(2i/dim)), the remaining floor(dim/2) columns cos of the same
     * angles, i counting from 0 in each half; positions offset..offset+time-1, shape (time, dim).
     */
    public static Tensor sinusoidHalves(int offset, int time, int dim) {
        int sines = (dim + 1) / 2;
        float[] pe = new float[time * dim];
        for (int t = 0; t < time; t++) {
            int pos = offset + t;
            for (int i = 0; i < sines; i++) {
                double angle = pos / Math.pow(10000.0, 2.0 * i / dim);
                pe[t * dim + i] = (float) Math.sin(angle);
                if (sines + i < dim) {
                    pe[t * dim + sines + i] = (float) Math.cos(angle);
                }
            }
        }
        return Tensor.of(pe, time, dim);
    }
}
