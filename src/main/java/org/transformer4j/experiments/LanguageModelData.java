package org.transformer4j.experiments;

import java.util.ArrayList;
import java.util.List;
import org.transformer4j.autograd.Functions;
import org.transformer4j.autograd.Grad;
import org.transformer4j.autograd.Variable;
import org.transformer4j.data.BrownCorpus;
import org.transformer4j.model.DecoderOnly;
import org.transformer4j.model.Tokens;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tokenizer.BpeTokenizer;
import org.transformer4j.tokenizer.Tokenizer;

/**
 * Texts as one stream of BPE ids for language modelling (each text followed by eos), with random training
 * windows and a fixed set of evaluation windows for perplexity.
 */
final class LanguageModelData {
    private final Tokenizer tokenizer;
    private final int[] train;
    private final int[] dev;

    private LanguageModelData(Tokenizer tokenizer, int[] train, int[] dev) {
        this.tokenizer = tokenizer;
        this.train = train;
        this.dev = dev;
    }

    /** BPE with vocab ids trained on the first tokenizerChars characters of the training texts; both splits encoded. */
    static LanguageModelData of(List<BrownCorpus.Text> trainTexts, List<BrownCorpus.Text> devTexts, int vocab, int tokenizerChars) {
        List<String> sample = new ArrayList<>();
        int chars = 0;
        for (BrownCorpus.Text t : trainTexts) {
            for (String line : t.plainText().split("\n")) {
                if (chars >= tokenizerChars) {
                    break;
                }
                sample.add(line);
                chars += line.length();
            }
        }
        BpeTokenizer bpe = BpeTokenizer.train(sample, vocab);
        return new LanguageModelData(bpe, stream(bpe, trainTexts), stream(bpe, devTexts));
    }

    private static int[] stream(Tokenizer t, List<BrownCorpus.Text> texts) {
        List<int[]> parts = new ArrayList<>();
        int n = 0;
        for (BrownCorpus.Text text : texts) {
            int[] ids = t.encode(text.plainText());
            parts.add(ids);
            n += ids.length + 1;
        }
        int[] out = new int[n];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
            out[at++] = t.eos();
        }
        return out;
    }

    /** Up to max consecutive, non-overlapping chunks of length ids from the start of the text. */
    int[][] chunks(BrownCorpus.Text text, int length, int max) {
        int[] ids = tokenizer.encode(text.plainText());
        int n = Math.min(max, ids.length / length);
        int[][] out = new int[n][];
        for (int i = 0; i < n; i++) {
            out[i] = java.util.Arrays.copyOfRange(ids, i * length, (i + 1) * length);
        }
        return out;
    }

    int vocabSize() {
        return tokenizer.vocabSize();
    }

    int trainTokens() {
        return train.length;
    }

    int devTokens() {
        return dev.length;
    }

    /** batch random windows of length+1 ids from the training stream: inputs are the first length, targets the last. */
    int[][] randomWindow(Rng rng, int batch, int length) {
        if (train.length < length + 2) {
            throw new IllegalArgumentException("the training stream has " + train.length + " ids, fewer than a window of " + (length + 1));
        }
        int[] in = new int[batch * length];
        int[] target = new int[batch * length];
        for (int b = 0; b < batch; b++) {
            int start = rng.nextInt(train.length - length - 1);
            System.arraycopy(train, start, in, b * length, length);
            System.arraycopy(train, start + 1, target, b * length, length);
        }
        return new int[][] {in, target};
    }

    /** Mean next-token cross-entropy of the model over up to windows consecutive dev windows of length ids. */
    double devLoss(DecoderOnly model, int length, int windows) {
        boolean training = model.isTraining();
        model.train(false);
        double sum = 0;
        int count = 0;
        try (Grad.Scope ignored = Grad.off()) {
            for (int w = 0; w < windows && (w + 1) * length + 1 <= dev.length; w++) {
                int[] in = new int[length];
                int[] target = new int[length];
                System.arraycopy(dev, w * length, in, 0, length);
                System.arraycopy(dev, w * length + 1, target, 0, length);
                sum += loss(model, in, target, 1, length).value().item();
                count++;
            }
        } finally {
            model.train(training);
        }
        if (count == 0) {
            throw new IllegalArgumentException("the dev stream has " + dev.length + " ids, fewer than one window of " + (length + 1));
        }
        return sum / count;
    }

    /** Mean cross-entropy of (batch, length) inputs against targets. */
    static Variable loss(DecoderOnly model, int[] in, int[] target, int batch, int length) {
        Variable logits = model.forward(new Tokens(in, batch, length, null));   // (B, T, V)
        return Functions.crossEntropy(logits.reshape(-1, logits.dim(-1)), target, -100, 0f);
    }
}
