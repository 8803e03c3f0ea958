package org.transformer4j.train;

import java.util.ArrayList;
import java.util.List;
import org.transformer4j.autograd.Functions;
import org.transformer4j.autograd.Grad;
import org.transformer4j.autograd.Variable;
import org.transformer4j.data.Batch;
import org.transformer4j.data.PaddedIds;
import org.transformer4j.data.TextPair;
import org.transformer4j.data.TranslationData;
import org.transformer4j.model.Decoding;
import org.transformer4j.model.EncoderDecoder;
import org.transformer4j.model.Tokens;

/**
 * Translation as a {@link Trainer.Task}: label-smoothed cross-entropy of the shifted target (the paper's
 * section 5.4), and greedy-decoding exact match on a dev set as the score.
 */
public final class TranslationTask implements Trainer.Task {
    private static final int IGNORE = -100;
    private final EncoderDecoder model;
    private final TranslationData data;
    private final List<TextPair> dev;
    private final float labelSmoothing;
    private final int maxLength;

    public TranslationTask(EncoderDecoder model, TranslationData data, List<TextPair> dev, float labelSmoothing, int maxLength) {
        this.model = model;
        this.data = data;
        this.dev = dev;
        this.labelSmoothing = labelSmoothing;
        this.maxLength = maxLength;
    }

    static Tokens tokens(PaddedIds p) {
        return new Tokens(p.ids(), p.rows(), p.length(), p.paddingMask());
    }

    @Override
    public Variable loss(Batch batch) {
        Variable logits = model.forward(tokens(batch.source()), tokens(batch.decoderInput()));   // (B, T, V)
        int[] targets = batch.decoderTarget().ids().clone();
        for (int i = 0; i < targets.length; i++) {
            if (targets[i] == data.pad()) {
                targets[i] = IGNORE;
            }
        }
        return Functions.crossEntropy(logits.reshape(-1, logits.dim(-1)), targets, IGNORE, labelSmoothing);
    }

    @Override
    public double evaluate() {
        List<String> hyps = translate(dev.stream().map(TextPair::source).toList());
        int ok = 0;
        for (int i = 0; i < dev.size(); i++) {
            ok += hyps.get(i).equals(dev.get(i).target()) ? 1 : 0;
        }
        return dev.isEmpty() ? 0 : (double) ok / dev.size();
    }

    /** Greedy translations, batched in groups of 64 sentences. */
    public List<String> translate(List<String> sources) {
        return greedyTranslations(model, sources, data::encode, data::decode, data.pad(), data.bos(), data.eos(), maxLength);
    }

    /**
     * Greedy translations of sources in batches of 64, at most maxLength tokens each, through any
     * vocabulary given as its encode and decode functions and special ids.
     */
    public static List<String> greedyTranslations(EncoderDecoder model, List<String> sources,
                                                  java.util.function.Function<String, int[]> encode,
                                                  java.util.function.Function<int[], String> decode, int pad, int bos, int eos,
                                                  int maxLength) {
        List<String> out = new ArrayList<>();
        try (Grad.Scope ignored = Grad.off()) {
            for (int start = 0; start < sources.size(); start += 64) {
                List<String> chunk = sources.subList(start, Math.min(sources.size(), start + 64));
                int[][] ids = new int[chunk.size()][];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = encode.apply(chunk.get(i));
                }
                for (int[] hyp : Decoding.greedy(model, Tokens.padded(ids, pad), bos, eos, maxLength)) {
                    out.add(decode.apply(hyp));
                }
            }
        }
        return out;
    }
}
