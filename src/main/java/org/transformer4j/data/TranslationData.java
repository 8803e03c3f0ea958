package org.transformer4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.transformer4j.tokenizer.BpeTokenizer;
import org.transformer4j.tokenizer.Tokenizer;

/**
 * A translation data set ready for training: the splits, a shared BPE vocabulary (trained on the
 * training pairs, or read back from a run folder), and the training pairs as token ids. The training
 * side sees text only through {@link #encode} and {@link #decode}.
 */
public final class TranslationData {
    private final Splits splits;
    private final Tokenizer tokenizer;
    private List<TokenPair> train;   // encoded on first use: evaluation needs only the test split

    private TranslationData(Splits splits, Tokenizer tokenizer) {
        this.splits = splits;
        this.tokenizer = tokenizer;
    }

    /**
     * "numbers" (the built-in German number words, drawn uniformly over their length) or "ding" (the
     * TU Chemnitz dictionary, fetched into the cache). The vocabulary is read from tokenizerFile when it
     * exists (a resumed run), else trained and written there.
     */
    public static TranslationData prepare(String name, long seed, Path tokenizerFile, Consumer<String> log) throws IOException {
        Splits splits = switch (name) {
            case "numbers" -> NumberWords.splitsByLength(seed, 40_000, 500, 1_000, NumberWords.DEFAULT_MAX);
            case "ding" -> {
                Path file = DataCache.standard(log).fetchDing();
                DingCorpus corpus = DingCorpus.load(file, DingCorpus.Options.defaults());
                log.accept("Ding dictionary: " + corpus.report().summary());
                yield corpus.split(seed, 0.01, 0.01);
            }
            default -> throw new IllegalArgumentException("--data: unknown data set '" + name + "'; use numbers or ding");
        };
        Tokenizer tokenizer;
        if (Files.isRegularFile(tokenizerFile)) {
            tokenizer = Tokenizer.load(tokenizerFile);
        } else {
            List<String> texts = new ArrayList<>();
            for (TextPair p : splits.train()) {
                texts.add(p.source());
                texts.add(p.target());
            }
            tokenizer = BpeTokenizer.train(texts, name.equals("numbers") ? 400 : 16_000);
            tokenizer.save(tokenizerFile);
        }
        return new TranslationData(splits, tokenizer);
    }

    public Splits splits() {
        return splits;
    }

    /** The training pairs as ids. */
    public synchronized List<TokenPair> train() {
        if (train == null) {
            train = TokenPair.encode(splits.train(), tokenizer, tokenizer);
        }
        return train;
    }

    /** The readable text of one id (specials by name). */
    public String token(int id) {
        return tokenizer.token(id);
    }

    public int[] encode(String text) {
        return tokenizer.encode(text);
    }

    public String decode(int[] ids) {
        return tokenizer.decode(ids);
    }

    public int vocabSize() {
        return tokenizer.vocabSize();
    }

    public int pad() {
        return tokenizer.pad();
    }

    public int bos() {
        return tokenizer.bos();
    }

    public int eos() {
        return tokenizer.eos();
    }
}
