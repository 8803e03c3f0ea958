package org.transformer4j.model;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.transformer4j.nn.Activation;
import org.transformer4j.nn.LayerSpec;
import org.transformer4j.nn.LayerSpec.AttentionKind;
import org.transformer4j.nn.LayerSpec.Positions;
import org.transformer4j.nn.NormLayer;
import org.transformer4j.nn.NormPlacement;

/**
 * Everything that defines a Transformer's architecture, validated on construction with the offending
 * field and value in the message. Presets are static factories ({@link #preset(String)}); variations
 * are {@code withX} copies. docs/MODELS.md explains each field with its paper.
 *
 * @param architecture      encoder-decoder (the paper), decoder-only (GPT) or encoder-only (BERT)
 * @param vocabSize         target (or only) vocabulary size
 * @param sourceVocabSize   source vocabulary size of an encoder-decoder (0: same as vocabSize)
 * @param dModel            width of the residual stream
 * @param heads             attention heads
 * @param kvHeads           key/value heads (0: same as heads; fewer: grouped-query attention)
 * @param encoderLayers     encoder layers (0 for decoder-only)
 * @param decoderLayers     decoder layers (0 for encoder-only)
 * @param dFF               feed-forward inner width
 * @param dropout           dropout probability
 * @param activation        feed-forward activation
 * @param gatedFeedForward  GLU-style gated feed-forward
 * @param norm              LAYER_NORM or RMS_NORM
 * @param normPlacement     POST (paper Figure 1) or PRE (tensor2tensor v2, GPT-2)
 * @param finalNorm         a norm after each stack (null: on for PRE, off for POST)
 * @param layerNormEps      epsilon of the norms
 * @param positions         positional scheme
 * @param maxPositions      longest sequence (the learned table's size; a limit for every scheme)
 * @param positionalDim     width of the concatenated sinusoid (SINUSOIDAL_CONCAT only)
 * @param attention         SOFTMAX, LINEAR or LINEAR_DELTA
 * @param bias              biases in linear layers
 * @param tieOutput         the output projection shares the (target) embedding matrix
 * @param outputBias        a learned bias added to the logits (Marian's final_logits_bias)
 * @param shareSourceTarget encoder and decoder share one embedding (needs equal vocabularies)
 * @param scaleEmbeddings   multiply embeddings by sqrt(dModel) (paper section 3.4)
 * @param embeddingNorm     a LayerNorm after summing embeddings (BERT)
 * @param tokenTypes        token-type (segment) embeddings, 0 for none (BERT uses 2)
 * @param init              weight initialisation scheme
 */
public record TransformerConfig(Architecture architecture, int vocabSize, int sourceVocabSize, int dModel, int heads,
                                int kvHeads, int encoderLayers, int decoderLayers, int dFF, float dropout,
                                Activation activation, boolean gatedFeedForward, NormLayer.Kind norm,
                                NormPlacement normPlacement, Boolean finalNorm, float layerNormEps, Positions positions,
                                int maxPositions, int positionalDim, AttentionKind attention, boolean bias,
                                boolean tieOutput, boolean outputBias, boolean shareSourceTarget, boolean scaleEmbeddings,
                                boolean embeddingNorm, int tokenTypes, InitScheme init) {

    /** Which stacks a model has. */
    public enum Architecture { ENCODER_DECODER, DECODER_ONLY, ENCODER_ONLY }

    /** Weight initialisation as the reference implementations do it. */
    public enum InitScheme {
        /** Xavier-uniform for every matrix (torch.nn.Transformer, the Annotated Transformer). */
        XAVIER,
        /** N(0, 0.02), residual output projections scaled by 1/sqrt(2 N) (GPT-2, section 2.3). */
        GPT2,
        /** N(0, 0.02) for every matrix (BERT). */
        NORMAL
    }

    public TransformerConfig {
        require(architecture != null, "architecture", null);
        require(activation != null, "activation", null);
        require(norm != null, "norm", null);
        require(normPlacement != null, "norm_placement", null);
        require(positions != null, "positions", null);
        require(attention != null, "attention", null);
        require(init != null, "init", null);
        require(vocabSize >= 1, "vocab_size", vocabSize);
        require(sourceVocabSize >= 0, "source_vocab_size", sourceVocabSize);
        if (sourceVocabSize == 0) {
            sourceVocabSize = vocabSize;
        }
        require(dModel >= 1, "d_model", dModel);
        require(heads >= 1, "heads", heads);
        require(dModel % heads == 0, "d_model", dModel + " (not divisible by heads = " + heads + ")");
        require(kvHeads >= 0, "kv_heads", kvHeads);
        if (kvHeads == 0) {
            kvHeads = heads;
        }
        require(heads % kvHeads == 0, "kv_heads", kvHeads + " (heads = " + heads + " is not a multiple)");
        require(encoderLayers >= 0, "encoder_layers", encoderLayers);
        require(decoderLayers >= 0, "decoder_layers", decoderLayers);
        switch (architecture) {
            case ENCODER_DECODER -> {
                require(encoderLayers >= 1, "encoder_layers", encoderLayers + " (an encoder-decoder needs >= 1)");
                require(decoderLayers >= 1, "decoder_layers", decoderLayers + " (an encoder-decoder needs >= 1)");
            }
            case DECODER_ONLY -> {
                require(decoderLayers >= 1, "decoder_layers", decoderLayers + " (a decoder-only model needs >= 1)");
                require(encoderLayers == 0, "encoder_layers", encoderLayers + " (a decoder-only model has none)");
            }
            case ENCODER_ONLY -> {
                require(encoderLayers >= 1, "encoder_layers", encoderLayers + " (an encoder-only model needs >= 1)");
                require(decoderLayers == 0, "decoder_layers", decoderLayers + " (an encoder-only model has none)");
            }
        }
        require(dFF >= 1, "d_ff", dFF);
        require(dropout >= 0f && dropout < 1f, "dropout", dropout);
        require(layerNormEps > 0f, "layer_norm_eps", layerNormEps);
        require(maxPositions >= 1, "max_positions", maxPositions);
        if (positions == Positions.SINUSOIDAL_CONCAT) {
            require(positionalDim >= 2 && positionalDim % 2 == 0 && positionalDim < dModel, "positional_dim",
                    positionalDim + " (SINUSOIDAL_CONCAT needs an even width below d_model = " + dModel + ")");
            require(!tieOutput, "tie_output", "true (under SINUSOIDAL_CONCAT the token embedding is d_model - "
                    + "positional_dim wide and cannot serve as the output projection)");
        } else {
            require(positionalDim == 0, "positional_dim", positionalDim + " (only SINUSOIDAL_CONCAT uses it)");
        }
        if (positions == Positions.ROPE) {
            require((dModel / heads) % 2 == 0, "positions", "ROPE (head dimension " + dModel / heads + " is odd)");
        }
        if (attention != AttentionKind.SOFTMAX) {
            require(kvHeads == heads, "kv_heads", kvHeads + " (linear attention has no grouped heads)");
            require(positions != Positions.ALIBI && positions != Positions.ROPE, "positions",
                    positions + " (acts on softmax scores; not available with " + attention + " attention)");
        }
        require(!shareSourceTarget || architecture == Architecture.ENCODER_DECODER, "share_source_target",
                "true (only an encoder-decoder has two embeddings)");
        require(!shareSourceTarget || sourceVocabSize == vocabSize, "share_source_target",
                "true (source_vocab_size " + sourceVocabSize + " != vocab_size " + vocabSize + ")");
        require(tokenTypes >= 0, "token_types", tokenTypes);
        require(!outputBias || architecture != Architecture.ENCODER_ONLY, "output_bias",
                "true (an encoder-only model has no output projection)");
        if (finalNorm == null) {
            finalNorm = normPlacement == NormPlacement.PRE;
        }
    }

    private static void require(boolean ok, String field, Object value) {
        if (!ok) {
            throw new IllegalArgumentException("config field " + field + ": invalid value " + value);
        }
    }

    /** The per-layer settings for the nn layers. */
    public LayerSpec layerSpec() {
        return new LayerSpec(dModel, heads, kvHeads, dFF, activation, gatedFeedForward, dropout, norm, layerNormEps,
                normPlacement, bias, attention, positions, maxPositions);
    }

    // ---------------------------------------------------------------- copies with one field changed

    /** A copy with architecture replaced. */
    public TransformerConfig withArchitecture(Architecture architecture) {
        return new TransformerConfig(architecture, vocabSize, sourceVocabSize, dModel, heads, kvHeads, encoderLayers,
                decoderLayers, dFF, dropout, activation, gatedFeedForward, norm, normPlacement, finalNorm,
                layerNormEps, positions, maxPositions, positionalDim, attention, bias, tieOutput, outputBias, shareSourceTarget,
                scaleEmbeddings, embeddingNorm, tokenTypes, init);
    }

    /** A copy with vocabSize replaced. A source vocabulary that equalled the old size follows the new one. */
    public TransformerConfig withVocabSize(int vocabSize) {
        return new TransformerConfig(architecture, vocabSize, sourceVocabSize == this.vocabSize ? 0 : sourceVocabSize,
                dModel, heads, kvHeads, encoderLayers,
                decoderLayers, dFF, dropout, activation, gatedFeedForward, norm, normPlacement, finalNorm,
                layerNormEps, positions, maxPositions, positionalDim, attention, bias, tieOutput, outputBias, shareSourceTarget,
                scaleEmbeddings, embeddingNorm, tokenTypes, init);
    }

    /** A copy with sourceVocabSize replaced. */
    public TransformerConfig withSourceVocabSize(int sourceVocabSize) {
        return new TransformerConfig(architecture, vocabSize, sourceVocabSize, dModel, heads, kvHeads, encoderLayers,
                decoderLayers, dFF, dropout, activation, gatedFeedForward, norm, normPlacement, finalNorm,
                layerNormEps, positions, maxPositions, positionalDim, attention, bias, tieOutput, outputBias, shareSourceTarget,
                scaleEmbeddings, embeddingNorm, tokenTypes, init);
    }

    /** A copy with dModel replaced. */
    public TransformerConfig withDModel(int dModel) {
        return new TransformerConfig(architecture, vocabSize, sourceVocabSize, dModel, heads, kvHeads, encoderLayers,
                decoderLayers, dFF, dropout, activation, gatedFeedForward, norm, normPlacement, finalNorm,
                layerNormEps, positions, maxPositions, positionalDim, attention, bias, tieOutput, outputBias, shareSourceTarget,
                scaleEmbeddings, embeddingNorm, tokenTypes, init);
    }

    /** A copy with heads replaced. Key/value heads that equalled the old head count follow the new one. */
    public TransformerConfig withHeads(int heads) {
        return new TransformerConfig(architecture, vocabSize, sourceVocabSize, dModel, heads,
                kvHeads == this.heads ? 0 : kvHeads, encoderLayers,
                decoderLayers, dFF, dropout, activation, gatedFeedForward, norm, normPlacement, finalNorm,
                layerNormEps, positions, maxPositions, positionalDim, attention, bias, tieOutput, outputBias, shareSourceTarget,
                scaleEmbeddings, embeddingNorm, tokenTypes, init);
    }

    /** A copy with kvHeads replaced. */
    public TransformerConfig withKvHeads(int kvHeads) {
        return new TransformerConfig(architecture, vocabSize, sourceVocabSize, dModel, heads, kvHeads, encoderLayers,
                decoderLayers, dFF, dropout, activation, gatedFeedForward, norm, normPlacement, finalNorm,
                layerNormEps, positions, maxPositions, positionalDim, attention, bias, tieOutput, outputBias, shareSourceTarget,
                scaleEmbeddings, embeddingNorm, tokenTypes, init);
    }

    /** A copy with encoderLayers replaced. */
    public TransformerConfig withEncoderLayers(int encoderLayers) {
        return new TransformerConfig(architecture, vocabSize, sourceVocabSize, dModel, heads, kvHeads, encoderLayers,
                decoderLayers, dFF, dropout, activation, gatedFeedForward, norm, normPlacement, finalNorm,
                layerNormEps, positions, maxPositions, positionalDim, attention, bias, tieOutput, outputBias, shareSourceTarget,
                scaleEmbeddings, embeddingNorm, tokenTypes, init);
    }

    /** A copy with decoderLayers replaced. */
    public TransformerConfig withDecoderLayers(int decoderLayers) {
        return new TransformerConfig(architecture, vocabSize, sourceVocabSize, dModel, heads, kvHeads, encoderLayers,
                decoderLayers, dFF, dropout, activation, gatedFeedForward, norm, normPlacement, finalNorm,
                layerNormEps, positions, maxPositions, positionalDim, attention, bias, tieOutput, outputBias, shareSourceTarget,
                scaleEmbeddings, embeddingNorm, tokenTypes, init);
    }

    /** A copy with dFF replaced. */
    public TransformerConfig withDFF(int dFF) {
        return new TransformerConfig(architecture, vocabSize, sourceVocabSize, dModel, heads, kvHeads, encoderLayers,
                decoderLayers, dFF, dropout, activation, gatedFeedForward, norm, normPlacement, finalNorm,
                layerNormEps, positions, maxPositions, positionalDim, attention, bias, tieOutput, outputBias, shareSourceTarget,
                scaleEmbeddings, embeddingNorm, tokenTypes, init);
    }

    /** A copy with dropout replaced. */
    public TransformerConfig withDropout(float dropout) {
        return new TransformerConfig(architecture, vocabSize, sourceVocabSize, dModel, heads, kvHeads, encoderLayers,
                decoderLayers, dFF, dropout, activation, gatedFeedForward, norm, normPlacement, finalNorm,
                layerNormEps, positions, maxPositions, positionalDim, attention, bias, tieOutput, outputBias, shareSourceTarget,
                scaleEmbeddings, embeddingNorm, tokenTypes, init);
    }

    /** A copy with activation replaced. */
    public TransformerConfig withActivation(Activation activation) {
        return new TransformerConfig(architecture, vocabSize, sourceVocabSize, dModel, heads, kvHeads, encoderLayers,
                decoderLayers, dFF, dropout, activation, gatedFeedForward, norm, normPlacement, finalNorm,
                layerNormEps, positions, maxPositions, positionalDim, attention, bias, tieOutput, outputBias, shareSourceTarget,
                scaleEmbeddings, embeddingNorm, tokenTypes, init);
    }

    /** A copy with gatedFeedForward replaced. */
    public TransformerConfig withGatedFeedForward(boolean gatedFeedForward) {
        return new TransformerConfig(architecture, vocabSize, sourceVocabSize, dModel, heads, kvHeads, encoderLayers,
                decoderLayers, dFF, dropout, activation, gatedFeedForward, norm, normPlacement, finalNorm,
                layerNormEps, positions, maxPositions, positionalDim, attention, bias, tieOutput, outputBias, shareSourceTarget,
                scaleEmbeddings, embeddingNorm, tokenTypes, init);
    }

    /** A copy with norm replaced. */
    public TransformerConfig withNorm(NormLayer.Kind norm) {
        return new TransformerConfig(architecture, vocabSize, sourceVocabSize, dModel, heads, kvHeads, encoderLayers,
                decoderLayers, dFF, dropout, activation, gatedFeedForward, norm, normPlacement, finalNorm,
                layerNormEps, positions, maxPositions, positionalDim, attention, bias, tieOutput, outputBias, shareSourceTarget,
                scaleEmbeddings, embeddingNorm, tokenTypes, init);
    }

    /** A copy with normPlacement replaced. The final norm goes back to its default for the new placement. */
    public TransformerConfig withNormPlacement(NormPlacement normPlacement) {
        return new TransformerConfig(architecture, vocabSize, sourceVocabSize, dModel, heads, kvHeads, encoderLayers,
                decoderLayers, dFF, dropout, activation, gatedFeedForward, norm, normPlacement, null, layerNormEps,
                positions, maxPositions, positionalDim, attention, bias, tieOutput, outputBias, shareSourceTarget,
                scaleEmbeddings, embeddingNorm, tokenTypes, init);
    }

    /** A copy with finalNorm replaced. */
    public TransformerConfig withFinalNorm(Boolean finalNorm) {
        return new TransformerConfig(architecture, vocabSize, sourceVocabSize, dModel, heads, kvHeads, encoderLayers,
                decoderLayers, dFF, dropout, activation, gatedFeedForward, norm, normPlacement, finalNorm,
                layerNormEps, positions, maxPositions, positionalDim, attention, bias, tieOutput, outputBias, shareSourceTarget,
                scaleEmbeddings, embeddingNorm, tokenTypes, init);
    }

    /** A copy with layerNormEps replaced. */
    public TransformerConfig withLayerNormEps(float layerNormEps) {
        return new TransformerConfig(architecture, vocabSize, sourceVocabSize, dModel, heads, kvHeads, encoderLayers,
                decoderLayers, dFF, dropout, activation, gatedFeedForward, norm, normPlacement, finalNorm,
                layerNormEps, positions, maxPositions, positionalDim, attention, bias, tieOutput, outputBias, shareSourceTarget,
                scaleEmbeddings, embeddingNorm, tokenTypes, init);
    }

    /** A copy with positions replaced. The positional width becomes d_model/2 when switching to SINUSOIDAL_CONCAT and 0 when leaving it. */
    public TransformerConfig withPositions(Positions positions) {
        return new TransformerConfig(architecture, vocabSize, sourceVocabSize, dModel, heads, kvHeads, encoderLayers,
                decoderLayers, dFF, dropout, activation, gatedFeedForward, norm, normPlacement, finalNorm,
                layerNormEps, positions, maxPositions,
                positions != Positions.SINUSOIDAL_CONCAT ? 0 : positionalDim > 0 ? positionalDim : (dModel / 4) * 2, attention, bias, tieOutput, outputBias, shareSourceTarget,
                scaleEmbeddings, embeddingNorm, tokenTypes, init);
    }

    /** A copy with maxPositions replaced. */
    public TransformerConfig withMaxPositions(int maxPositions) {
        return new TransformerConfig(architecture, vocabSize, sourceVocabSize, dModel, heads, kvHeads, encoderLayers,
                decoderLayers, dFF, dropout, activation, gatedFeedForward, norm, normPlacement, finalNorm,
                layerNormEps, positions, maxPositions, positionalDim, attention, bias, tieOutput, outputBias, shareSourceTarget,
                scaleEmbeddings, embeddingNorm, tokenTypes, init);
    }

    /** A copy with positionalDim replaced. */
    public TransformerConfig withPositionalDim(int positionalDim) {
        return new TransformerConfig(architecture, vocabSize, sourceVocabSize, dModel, heads, kvHeads, encoderLayers,
                decoderLayers, dFF, dropout, activation, gatedFeedForward, norm, normPlacement, finalNorm,
                layerNormEps, positions, maxPositions, positionalDim, attention, bias, tieOutput, outputBias, shareSourceTarget,
                scaleEmbeddings, embeddingNorm, tokenTypes, init);
    }

    /** A copy with attention replaced. */
    public TransformerConfig withAttention(AttentionKind attention) {
        return new TransformerConfig(architecture, vocabSize, sourceVocabSize, dModel, heads, kvHeads, encoderLayers,
                decoderLayers, dFF, dropout, activation, gatedFeedForward, norm, normPlacement, finalNorm,
                layerNormEps, positions, maxPositions, positionalDim, attention, bias, tieOutput, outputBias, shareSourceTarget,
                scaleEmbeddings, embeddingNorm, tokenTypes, init);
    }

    /** A copy with bias replaced. */
    public TransformerConfig withBias(boolean bias) {
        return new TransformerConfig(architecture, vocabSize, sourceVocabSize, dModel, heads, kvHeads, encoderLayers,
                decoderLayers, dFF, dropout, activation, gatedFeedForward, norm, normPlacement, finalNorm,
                layerNormEps, positions, maxPositions, positionalDim, attention, bias, tieOutput, outputBias, shareSourceTarget,
                scaleEmbeddings, embeddingNorm, tokenTypes, init);
    }

    /** A copy with tieOutput replaced. */
    public TransformerConfig withTieOutput(boolean tieOutput) {
        return new TransformerConfig(architecture, vocabSize, sourceVocabSize, dModel, heads, kvHeads, encoderLayers,
                decoderLayers, dFF, dropout, activation, gatedFeedForward, norm, normPlacement, finalNorm,
                layerNormEps, positions, maxPositions, positionalDim, attention, bias, tieOutput, outputBias, shareSourceTarget,
                scaleEmbeddings, embeddingNorm, tokenTypes, init);
    }

    /** A copy with outputBias replaced. */
    public TransformerConfig withOutputBias(boolean outputBias) {
        return new TransformerConfig(architecture, vocabSize, sourceVocabSize, dModel, heads, kvHeads, encoderLayers,
                decoderLayers, dFF, dropout, activation, gatedFeedForward, norm, normPlacement, finalNorm,
                layerNormEps, positions, maxPositions, positionalDim, attention, bias, tieOutput, outputBias, shareSourceTarget,
                scaleEmbeddings, embeddingNorm, tokenTypes, init);
    }

    /** A copy with shareSourceTarget replaced. */
    public TransformerConfig withShareSourceTarget(boolean shareSourceTarget) {
        return new TransformerConfig(architecture, vocabSize, sourceVocabSize, dModel, heads, kvHeads, encoderLayers,
                decoderLayers, dFF, dropout, activation, gatedFeedForward, norm, normPlacement, finalNorm,
                layerNormEps, positions, maxPositions, positionalDim, attention, bias, tieOutput, outputBias, shareSourceTarget,
                scaleEmbeddings, embeddingNorm, tokenTypes, init);
    }

    /** A copy with scaleEmbeddings replaced. */
    public TransformerConfig withScaleEmbeddings(boolean scaleEmbeddings) {
        return new TransformerConfig(architecture, vocabSize, sourceVocabSize, dModel, heads, kvHeads, encoderLayers,
                decoderLayers, dFF, dropout, activation, gatedFeedForward, norm, normPlacement, finalNorm,
                layerNormEps, positions, maxPositions, positionalDim, attention, bias, tieOutput, outputBias, shareSourceTarget,
                scaleEmbeddings, embeddingNorm, tokenTypes, init);
    }

    /** A copy with embeddingNorm replaced. */
    public TransformerConfig withEmbeddingNorm(boolean embeddingNorm) {
        return new TransformerConfig(architecture, vocabSize, sourceVocabSize, dModel, heads, kvHeads, encoderLayers,
                decoderLayers, dFF, dropout, activation, gatedFeedForward, norm, normPlacement, finalNorm,
                layerNormEps, positions, maxPositions, positionalDim, attention, bias, tieOutput, outputBias, shareSourceTarget,
                scaleEmbeddings, embeddingNorm, tokenTypes, init);
    }

    /** A copy with tokenTypes replaced. */
    public TransformerConfig withTokenTypes(int tokenTypes) {
        return new TransformerConfig(architecture, vocabSize, sourceVocabSize, dModel, heads, kvHeads, encoderLayers,
                decoderLayers, dFF, dropout, activation, gatedFeedForward, norm, normPlacement, finalNorm,
                layerNormEps, positions, maxPositions, positionalDim, attention, bias, tieOutput, outputBias, shareSourceTarget,
                scaleEmbeddings, embeddingNorm, tokenTypes, init);
    }

    /** A copy with init replaced. */
    public TransformerConfig withInit(InitScheme init) {
        return new TransformerConfig(architecture, vocabSize, sourceVocabSize, dModel, heads, kvHeads, encoderLayers,
                decoderLayers, dFF, dropout, activation, gatedFeedForward, norm, normPlacement, finalNorm,
                layerNormEps, positions, maxPositions, positionalDim, attention, bias, tieOutput, outputBias, shareSourceTarget,
                scaleEmbeddings, embeddingNorm, tokenTypes, init);
    }

    // ---------------------------------------------------------------- presets

    private static final Map<String, Supplier<TransformerConfig>> PRESETS = new LinkedHashMap<>();

    static {
        PRESETS.put("paper-base", TransformerConfig::paperBase);
        PRESETS.put("paper-big", TransformerConfig::paperBig);
        PRESETS.put("paper-base-preln", () -> paperBase().withNormPlacement(NormPlacement.PRE));
        PRESETS.put("gpt2-124m", TransformerConfig::gpt2);
        PRESETS.put("minilm-l6", TransformerConfig::miniLm);
        PRESETS.put("tiny-paper", TransformerConfig::tinyPaper);
        PRESETS.put("tiny-gpt", TransformerConfig::tinyGpt);
    }

    /** The preset names, in a stable order. */
    public static java.util.List<String> presetNames() {
        return java.util.List.copyOf(PRESETS.keySet());
    }

    /** A preset by name, or an error listing the known ones. */
    public static TransformerConfig preset(String name) {
        Supplier<TransformerConfig> s = PRESETS.get(name.toLowerCase(Locale.ROOT));
        if (s == null) {
            throw new IllegalArgumentException("unknown preset '" + name + "'; known presets: "
                    + String.join(", ", PRESETS.keySet()));
        }
        return s.get();
    }

    /** "Attention Is All You Need", base model (Table 3): 6+6 layers, d 512, 8 heads, Post-LN, shared 37k BPE. */
    public static TransformerConfig paperBase() {
        return new TransformerConfig(Architecture.ENCODER_DECODER, 37000, 0, 512, 8, 0, 6, 6, 2048, 0.1f,
                Activation.RELU, false, NormLayer.Kind.LAYER_NORM, NormPlacement.POST, null, 1e-6f,
                Positions.SINUSOIDAL, 5000, 0, AttentionKind.SOFTMAX, true, true, false, true, true, false, 0, InitScheme.XAVIER);
    }

    /** The paper's big model: d 1024, 16 heads, d_ff 4096, dropout 0.3. */
    public static TransformerConfig paperBig() {
        return paperBase().withDModel(1024).withHeads(16).withDFF(4096).withDropout(0.3f);
    }

    /** GPT-2 small (124M): 12 decoder layers, d 768, 12 heads, Pre-LN, learned positions, GELU-tanh, tied output. */
    public static TransformerConfig gpt2() {
        return new TransformerConfig(Architecture.DECODER_ONLY, 50257, 0, 768, 12, 0, 0, 12, 3072, 0.1f,
                Activation.GELU_TANH, false, NormLayer.Kind.LAYER_NORM, NormPlacement.PRE, true, 1e-5f,
                Positions.LEARNED, 1024, 0, AttentionKind.SOFTMAX, true, true, false, false, false, false, 0, InitScheme.GPT2);
    }

    /** all-MiniLM-L6-v2's shape: a BERT-style encoder, 6 layers, d 384, 12 heads, Post-LN, embedding norm. */
    public static TransformerConfig miniLm() {
        return new TransformerConfig(Architecture.ENCODER_ONLY, 30522, 0, 384, 12, 0, 6, 0, 1536, 0.1f,
                Activation.GELU, false, NormLayer.Kind.LAYER_NORM, NormPlacement.POST, false, 1e-12f,
                Positions.LEARNED, 512, 0, AttentionKind.SOFTMAX, true, true, false, false, false, true, 2, InitScheme.NORMAL);
    }

    /** A small paper-style model for tests and demos: 2+2 layers, d 64, 4 heads. */
    public static TransformerConfig tinyPaper() {
        return new TransformerConfig(Architecture.ENCODER_DECODER, 128, 0, 64, 4, 0, 2, 2, 256, 0.1f,
                Activation.RELU, false, NormLayer.Kind.LAYER_NORM, NormPlacement.POST, null, 1e-6f,
                Positions.SINUSOIDAL, 512, 0, AttentionKind.SOFTMAX, true, true, false, true, true, false, 0, InitScheme.XAVIER);
    }

    /** A small GPT-style model for tests and demos: 2 layers, d 64, 4 heads, 256 positions. */
    public static TransformerConfig tinyGpt() {
        return new TransformerConfig(Architecture.DECODER_ONLY, 128, 0, 64, 4, 0, 0, 2, 256, 0.1f,
                Activation.GELU_TANH, false, NormLayer.Kind.LAYER_NORM, NormPlacement.PRE, true, 1e-5f,
                Positions.LEARNED, 256, 0, AttentionKind.SOFTMAX, true, true, false, false, false, false, 0, InitScheme.GPT2);
    }
}
