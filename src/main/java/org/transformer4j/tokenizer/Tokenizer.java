package org.transformer4j.tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Turns text into token ids and back; the trained tokenizers reserve ids 0..3 for pad, bos, eos and unk.
 *
 * <pre>{@code
 * Tokenizer t = BpeTokenizer.train(lines, 4000);
 * int[] ids = t.encode("Guten Abend");      // no bos/eos: the batcher adds them
 * t.save(Path.of("bpe.json"));
 * Tokenizer same = Tokenizer.load(Path.of("bpe.json"));
 * }</pre>
 *
 * {@link #decode} drops pad, bos and eos and writes unk as U+FFFD, so decoding a model's output needs no
 * cleaning; ids outside the vocabulary are a caller mistake. Pretrained vocabularies (GPT-2, BERT) have
 * special ids of their own: see {@link PretrainedTokenizer}.
 */
public interface Tokenizer {
    /** The padding id of the trained tokenizers. */
    int PAD = 0;
    /** The beginning-of-sequence id of the trained tokenizers. */
    int BOS = 1;
    /** The end-of-sequence id of the trained tokenizers. */
    int EOS = 2;
    /** The unknown-token id of the trained tokenizers. */
    int UNK = 3;
    /** The display names of ids 0..3. */
    List<String> SPECIALS = List.of("<pad>", "<s>", "</s>", "<unk>");
    /** The current file format version written by {@link #save}. */
    int FORMAT_VERSION = 1;

    /** The ids of text, without bos or eos. */
    int[] encode(String text);

    /** The text of ids; pad, bos and eos are dropped and unk becomes U+FFFD. */
    String decode(int[] ids);

    /** The number of ids, specials included. */
    int vocabSize();

    /** The padding id. */
    default int pad() {
        return PAD;
    }

    /** The beginning-of-sequence id. */
    default int bos() {
        return BOS;
    }

    /** The end-of-sequence id. */
    default int eos() {
        return EOS;
    }

    /** The unknown-token id. */
    default int unk() {
        return UNK;
    }

    /** The human-readable text of one id (specials by name, e.g. "&lt;unk&gt;"). */
    String token(int id);

    /** Writes this tokenizer as JSON with a "type" field that {@link #load} dispatches on. */
    void save(Path path) throws IOException;

    /**
     * Reads a tokenizer written by {@link #save}; a garbled, truncated or inconsistent file gives one
     * IllegalArgumentException line naming the file and the problem.
     */
    static Tokenizer load(Path path) throws IOException {
        try {
            Map<String, Object> json = TokenizerJson.readObject(path);
            String type = TokenizerJson.string(json, "type");
            int version = TokenizerJson.integer(json, "version");
            if (version != FORMAT_VERSION) {
                throw new IllegalArgumentException("unsupported version " + version + " (expected "
                        + FORMAT_VERSION + ")");
            }
            List<String> specials = TokenizerJson.strings(json, "specials");
            if (!specials.equals(SPECIALS)) {
                throw new IllegalArgumentException("\"specials\" are " + specials + ", expected " + SPECIALS);
            }
            return switch (type) {
                case CharTokenizer.TYPE -> CharTokenizer.fromJson(json);
                case WordTokenizer.TYPE -> WordTokenizer.fromJson(json);
                case BpeTokenizer.TYPE -> BpeTokenizer.fromJson(json);
                default -> throw new IllegalArgumentException("unknown tokenizer type " + TokenizerJson.quote(type)
                        + " (expected char, word or bpe)");
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tokenizer file " + path + ": " + e.getMessage(), e);
        }
    }
}
