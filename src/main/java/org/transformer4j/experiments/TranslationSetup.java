package org.transformer4j.experiments;

import java.util.ArrayList;
import java.util.List;
import org.transformer4j.autograd.Functions;
import org.transformer4j.autograd.Variable;
import org.transformer4j.data.Batch;
import org.transformer4j.data.Batcher;
import org.transformer4j.data.DataPosition;
import org.transformer4j.data.PaddedIds;
import org.transformer4j.data.TextPair;
import org.transformer4j.data.TokenPair;
import org.transformer4j.model.EncoderDecoder;
import org.transformer4j.model.Tokens;
import org.transformer4j.tokenizer.BpeTokenizer;
import org.transformer4j.tokenizer.Tokenizer;
import org.transformer4j.train.AdamSettings;
import org.transformer4j.train.AdamW;
import org.transformer4j.train.LearningRateSchedule;
import org.transformer4j.train.TranslationEvaluation;
import org.transformer4j.train.TranslationTask;

/**
 * A translation data set as the experiments use it: training pairs, a byte-level BPE vocabulary trained on
 * them, the pairs as ids, batches under a token budget, the teacher-forced loss, and greedy evaluation of
 * any list of pairs (exact match and BLEU through {@link TranslationEvaluation}).
 */
final class TranslationSetup {
    private static final int IGNORE = -100;
    private final Tokenizer tokenizer;
    private final List<TokenPair> train;
    private final int longest;

    private TranslationSetup(Tokenizer tokenizer, List<TokenPair> train) {
        this.tokenizer = tokenizer;
        this.train = train;
        int n = 0;
        for (TokenPair p : train) {
            n = Math.max(n, Math.max(p.source().length, p.target().length + 1));
        }
        this.longest = n;
    }

    /** BPE with vocab ids trained on the training pairs (both sides), and the pairs encoded. */
    static TranslationSetup of(List<TextPair> trainPairs, int vocab) {
        List<String> texts = new ArrayList<>();
        for (TextPair p : trainPairs) {
            texts.add(p.source());
            texts.add(p.target());
        }
        BpeTokenizer bpe = BpeTokenizer.train(texts, vocab);
        return new TranslationSetup(bpe, TokenPair.encode(trainPairs, bpe, bpe));
    }

    int vocabSize() {
        return tokenizer.vocabSize();
    }

    /** The data in a line (vocabulary, pairs, longest example, a hash of the ids), to tell two setups apart. */
    String describe() {
        long h = 17;
        for (TokenPair p : train) {
            h = 31 * h + java.util.Arrays.hashCode(p.source());
            h = 31 * h + java.util.Arrays.hashCode(p.target());
        }
        return "vocab " + vocabSize() + ", " + train.size() + " training pairs, longest " + longest + ", ids hash "
                + Long.toHexString(h);
    }

    /** The longest training example in tokens (source, or target plus eos). */
    int longest() {
        return longest;
    }

    /** The longest example of pairs in tokens (source, or target plus eos). */
    int longest(List<TextPair> pairs) {
        int n = 0;
        for (TextPair p : pairs) {
            n = Math.max(n, Math.max(tokenizer.encode(p.source()).length, tokenizer.encode(p.target()).length + 1));
        }
        return n;
    }

    Batcher batcher(long seed, int maxTokens) {
        return new Batcher(train, Batcher.Options.of(Math.max(maxTokens, longest)), seed, tokenizer.pad(), tokenizer.bos(),
                tokenizer.eos());
    }

    /** Mean cross-entropy per target token (label smoothing ls) of the batch, teacher-forced. */
    Variable loss(EncoderDecoder model, Batch batch, float ls) {
        Variable logits = model.forward(tokens(batch.source()), tokens(batch.decoderInput()));   // (B, T, V)
        int[] targets = batch.decoderTarget().ids().clone();
        for (int i = 0; i < targets.length; i++) {
            if (targets[i] == tokenizer.pad()) {
                targets[i] = IGNORE;
            }
        }
        return Functions.crossEntropy(logits.reshape(-1, logits.dim(-1)), targets, IGNORE, ls);
    }

    private static Tokens tokens(PaddedIds p) {
        return new Tokens(p.ids(), p.rows(), p.length(), p.paddingMask());
    }

    /**
     * A training run with dev evaluations.
     *
     * @param curve      the loss of every step
     * @param evalSteps  the steps after which dev was evaluated
     * @param exact      dev exact match (0..1) at each of those steps
     * @param bleu       dev BLEU at each of those steps
     * @param last       the final dev evaluation, null when the run diverged
     */
    /**
     * A training run's curve, its dev evaluations (step, exact match, BLEU) and the last evaluation's exact match
     * and BLEU (NaN when the run diverged).
     */
    record Run(TrainingCurve curve, double[] evalSteps, double[] exact, double[] bleu, double finalExact, double finalBleu) {
    }

    /**
     * Trains model with AdamW (the paper's betas and epsilon, weight decay 0.01) on batches of about maxTokens
     * padded tokens in an order fixed by seed; evaluates dev every evalEvery steps (0: only at the end) and at
     * the end, decoding at most maxLength tokens.
     */
    Run train(EncoderDecoder model, LearningRateSchedule schedule, int steps, double clip, float labelSmoothing, long seed,
              int maxTokens, List<TextPair> dev, int evalEvery, int maxLength) {
        Batcher batcher = batcher(seed, maxTokens);
        AdamW optimizer = AdamW.of(model.namedParameters(), AdamSettings.paper().withWeightDecay(0.01));
        List<double[]> evals = new ArrayList<>();
        DataPosition[] position = {DataPosition.START};
        TranslationEvaluation[] last = {null};
        TrainingCurve curve = TrainingCurve.run(model, optimizer, schedule, steps, clip, step -> {
            Batch b = batcher.batch(position[0]);
            position[0] = batcher.next(position[0]);
            return loss(model, b, labelSmoothing);
        }, step -> {
            if (!dev.isEmpty() && ((evalEvery > 0 && step % evalEvery == 0) || step == steps)) {
                TranslationEvaluation e = evaluate(model, dev, maxLength);
                evals.add(new double[] {step, e.exactMatch(), e.bleu().score()});
                last[0] = e;
                model.train(true);
            }
        });
        if (curve.diverged() != null) {
            last[0] = null;
        }
        double[][] cols = new double[3][evals.size()];
        for (int i = 0; i < evals.size(); i++) {
            for (int c = 0; c < 3; c++) {
                cols[c][i] = evals.get(i)[c];
            }
        }
        return new Run(curve, cols[0], cols[1], cols[2], last[0] == null ? Double.NaN : last[0].exactMatch(),
                last[0] == null ? Double.NaN : last[0].bleu().score());
    }

    /** Greedy translations of the pairs' sources (at most maxLength tokens each), scored against their targets. */
    TranslationEvaluation evaluate(EncoderDecoder model, List<TextPair> pairs, int maxLength) {
        boolean training = model.isTraining();
        model.train(false);
        try {
            return TranslationEvaluation.of(pairs, sources -> translate(model, sources, maxLength));
        } finally {
            model.train(training);
        }
    }

    private List<String> translate(EncoderDecoder model, List<String> sources, int maxLength) {
        return TranslationTask.greedyTranslations(model, sources, tokenizer::encode, tokenizer::decode, tokenizer.pad(),
                tokenizer.bos(), tokenizer.eos(), maxLength);
    }
}
