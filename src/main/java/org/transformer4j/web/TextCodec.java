package org.transformer4j.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.transformer4j.tokenizer.MarianTokenizer;
import org.transformer4j.tokenizer.PretrainedTokenizer;
import org.transformer4j.tokenizer.Tokenizer;

/**
 * Text to token ids and back for the server: a training run's tokenizer, a pretrained tokenizer (GPT-2's
 * or Opus-MT's files in a Hugging Face folder), the character mapping of presets (which have no tokenizer), or none
 * (requests must then send {@code "ids"}).
 */
interface TextCodec {
    /** The ids of text, without bos or eos. */
    int[] encode(String text);

    /** The text of ids. */
    String decode(int[] ids);

    /** How one id is shown (on attention axes, in streamed tokens). */
    String label(int id);

    /** The id generation starts a target with, or -1 when there is none. */
    int bos();

    /** The id that ends generation, or -1 when generation runs to its limit. */
    int eos();

    /** A short description for /api/model ("bpe tokenizer of the run", "characters", ...). */
    String description();

    /** Whether {@link #encode} works (false: requests must send ids). */
    default boolean encodes() {
        return true;
    }

    /** A training run's tokenizer: ids 0..3 are pad, bos, eos and unk. */
    static TextCodec of(Tokenizer t, String description) {
        return new TextCodec() {
            @Override
            public int[] encode(String text) {
                return t.encode(text);
            }

            @Override
            public String decode(int[] ids) {
                return t.decode(ids);
            }

            @Override
            public String label(int id) {
                return id >= 0 && id < t.vocabSize() ? t.token(id) : "#" + id;
            }

            @Override
            public int bos() {
                return t.bos();
            }

            @Override
            public int eos() {
                return t.eos();
            }

            @Override
            public String description() {
                return description;
            }
        };
    }

    /**
     * A pretrained tokenizer; GPT-2's {@code <|endoftext|>} is bos and eos. A Marian tokenizer's source ids end
     * with its eos, and its decode leaves the special tokens out (HF's skip_special_tokens).
     */
    static TextCodec of(PretrainedTokenizer t, String description) {
        Map<String, Integer> specials = t.specialTokens();
        int eos = specials.getOrDefault("<|endoftext|>", -1);
        return new TextCodec() {
            @Override
            public int[] encode(String text) {
                return t.encode(text);
            }

            @Override
            public String decode(int[] ids) {
                return t instanceof MarianTokenizer marian ? marian.decodeTranslation(ids) : t.decode(ids);
            }

            @Override
            public String label(int id) {
                if (id < 0 || id >= t.vocabSize()) {
                    return "#" + id;
                }
                return t instanceof MarianTokenizer ? t.token(id) : t.decode(new int[] {id});
            }

            @Override
            public int bos() {
                return eos;
            }

            @Override
            public int eos() {
                return eos;
            }

            @Override
            public String description() {
                return description;
            }
        };
    }

    /**
     * For presets, which have random weights and no tokenizer: each character (code point) c is id
     * {@code c mod vocab}, so ASCII text maps to its character codes in any vocabulary of 128 or more, and
     * an id is shown as the character of that code. Ids 1 and 2 serve as bos and eos of encoder-decoders;
     * decoder-only generation runs to its limit.
     */
    static TextCodec characters(int vocab, boolean decoderOnly) {
        return new TextCodec() {
            @Override
            public int[] encode(String text) {
                return text.codePoints().map(c -> c % vocab).toArray();
            }

            @Override
            public String decode(int[] ids) {
                StringBuilder sb = new StringBuilder();
                for (int id : ids) {
                    sb.append(label(id));
                }
                return sb.toString();
            }

            @Override
            public String label(int id) {
                if (id < 0x20 || id == 0x7f || (id >= 0x80 && id < 0xa0) || (id >= 0xd800 && id < 0xe000)) {
                    return "<" + id + ">";
                }
                return Character.toString(id);
            }

            @Override
            public int bos() {
                return decoderOnly ? -1 : Math.min(1, vocab - 1);
            }

            @Override
            public int eos() {
                return decoderOnly ? -1 : Math.min(2, vocab - 1);
            }

            @Override
            public String description() {
                return "characters: each code point c is id c mod " + vocab + " (a preset has no tokenizer)";
            }
        };
    }

    /** No tokenizer: text requests get a 400 asking for ids; ids are shown as numbers. */
    static TextCodec none(int bos, int eos, String why) {
        return new TextCodec() {
            @Override
            public int[] encode(String text) {
                throw ApiError.badRequest(why + "; send the input as \"ids\": [...] instead of text");
            }

            @Override
            public String decode(int[] ids) {
                StringBuilder sb = new StringBuilder();
                for (int id : ids) {
                    sb.append(sb.isEmpty() ? "" : " ").append(id);
                }
                return sb.toString();
            }

            @Override
            public String label(int id) {
                return "#" + id;
            }

            @Override
            public int bos() {
                return bos;
            }

            @Override
            public int eos() {
                return eos;
            }

            @Override
            public String description() {
                return "none: " + why;
            }

            @Override
            public boolean encodes() {
                return false;
            }
        };
    }

    /** The tokenizer of a run folder (tokenizer.json saved by training) or of a Hugging Face folder, if any. */
    static TextCodec ofFolder(Path dir) throws IOException {
        Path own = dir.resolve("tokenizer.json");
        if (Files.isRegularFile(own) && Files.readString(own).contains("\"specials\"")) {
            return of(Tokenizer.load(own), "the run's tokenizer (" + own.getFileName() + ")");
        }
        if (MarianTokenizer.isMarianFolder(dir)) {                    // its files are there: a broken one is an error
            return of(MarianTokenizer.load(dir), "the folder's Opus-MT tokenizer (source.spm, target.spm, vocab.json)");
        }
        try {
            return of(PretrainedTokenizer.load(dir), "the folder's pretrained tokenizer");
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
