package org.transformer4j.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Opus-MT's tokenizer, as Hugging Face's {@code MarianTokenizer} defines it: the source text is split into
 * SentencePiece pieces by {@code source.spm}, each piece takes its id from {@code vocab.json} (a piece the
 * vocabulary lacks is {@code <unk>}), and {@code </s>} ends the ids. A target-language code at the start of
 * the text ({@code >>fra<<}, for models with several target languages) is one token of its own, and the
 * special tokens written in the text ({@code </s>}, {@code <unk>}, {@code <pad>}) are their ids. Ids become
 * text through the target vocabulary ({@code target_vocab.json} when {@code tokenizer_config.json} says
 * {@code separate_vocabs}) and SentencePiece's piece joining (with {@code target.spm} for separate vocabularies,
 * else {@code source.spm}, as transformers 5 does).
 *
 * <pre>{@code
 * MarianTokenizer t = MarianTokenizer.load(Path.of("opus-mt-de-en"));
 * int[] source = t.encode("Guten Morgen!");            // pieces' ids, then </s>
 * String text = t.decodeTranslation(outputIds);        // special tokens left out, as HF's skip_special_tokens
 * }</pre>
 */
public final class MarianTokenizer implements PretrainedTokenizer {
    private static final String SPACE_SYMBOL = "\u2581";

    private final SentencePieceTokenizer source;
    private final SentencePieceTokenizer target;                // the model that joins output pieces
    private final Map<String, Integer> vocab;
    private final String[] targetTokens;
    private final int vocabSize;
    private final String eos;
    private final String unk;
    private final boolean cleanUpSpaces;
    private final Map<String, Integer> specials = new LinkedHashMap<>();

    private MarianTokenizer(SentencePieceTokenizer source, SentencePieceTokenizer target, Map<String, Integer> vocab,
                            Map<String, Integer> targetVocab, String eos, String unk, String pad, boolean cleanUpSpaces) {
        this.source = source;
        this.target = target;
        this.vocab = vocab;
        this.eos = eos;
        this.unk = unk;
        this.cleanUpSpaces = cleanUpSpaces;
        int size = 0;
        for (int id : vocab.values()) {
            size = Math.max(size, id + 1);
        }
        for (int id : targetVocab.values()) {
            size = Math.max(size, id + 1);
        }
        this.vocabSize = size;
        this.targetTokens = new String[size];
        for (Map.Entry<String, Integer> e : targetVocab.entrySet()) {
            targetTokens[e.getValue()] = e.getKey();
        }
        for (String s : new String[] {eos, unk, pad}) {
            specials.put(s, vocab.get(s));
        }
    }

    /**
     * Reads a Marian folder's tokenizer: source.spm, target.spm and vocab.json (and target_vocab.json with
     * separate vocabularies), with tokenizer_config.json's settings when it is there. A missing or garbled
     * file is one IllegalArgumentException line naming it.
     */
    public static MarianTokenizer load(Path dir) throws IOException {
        Map<String, Object> config = Map.of();
        Path configFile = dir.resolve("tokenizer_config.json");
        if (Files.isRegularFile(configFile)) {
            try {
                config = TokenizerJson.readStandardObject(configFile);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("tokenizer file " + configFile + ": " + e.getMessage(), e);
            }
        }
        boolean separate = Boolean.TRUE.equals(config.get("separate_vocabs"));
        String eos = tokenSetting(config, "eos_token", "</s>", configFile);
        String unk = tokenSetting(config, "unk_token", "<unk>", configFile);
        String pad = tokenSetting(config, "pad_token", "<pad>", configFile);
        boolean cleanUp = Boolean.TRUE.equals(config.get("clean_up_tokenization_spaces"));
        Map<String, Integer> vocab = readVocab(require(dir, "vocab.json"));
        Map<String, Integer> targetVocab = separate ? readVocab(require(dir, "target_vocab.json")) : vocab;
        for (String token : new String[] {eos, unk, pad}) {
            if (!vocab.containsKey(token)) {
                throw new IllegalArgumentException("tokenizer file " + dir.resolve("vocab.json") + ": the special token "
                        + TokenizerJson.quote(token) + " is not in the vocabulary");
            }
        }
        SentencePieceTokenizer source = SentencePieceTokenizer.load(require(dir, "source.spm"));
        SentencePieceTokenizer target = SentencePieceTokenizer.load(require(dir, "target.spm"));
        // transformers 5 decodes through source.spm unless the vocabularies are separate (use_source_tokenizer
        // defaults to not separate_vocabs); the two differ only for pieces one model lacks.
        return new MarianTokenizer(source, separate ? target : source, vocab, targetVocab, eos, unk, pad, cleanUp);
    }

    /** Whether a folder holds Opus-MT's tokenizer files (source.spm and vocab.json). */
    public static boolean isMarianFolder(Path dir) {
        return Files.isRegularFile(dir.resolve("source.spm")) && Files.isRegularFile(dir.resolve("vocab.json"));
    }

    private static Path require(Path dir, String name) {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(dir + ": no " + name + " (a Marian tokenizer needs source.spm, target.spm "
                    + "and vocab.json)");
        }
        return file;
    }

    private static String tokenSetting(Map<String, Object> config, String key, String fallback, Path file) {
        Object value = config.get(key);
        if (value == null || value == TokenizerJson.NULL) {
            return fallback;
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Map<?, ?> m && m.get("content") instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("tokenizer file " + file + ": \"" + key + "\" is neither a string nor an "
                + "object with \"content\"");
    }

    private static Map<String, Integer> readVocab(Path file) throws IOException {
        Map<String, Integer> vocab = new HashMap<>();
        Map<Integer, String> byId = new HashMap<>();
        try {
            for (Map.Entry<String, Object> e : TokenizerJson.readStandardObject(file).entrySet()) {
                int id = TokenizerJson.integer(e.getValue(), "the id of " + TokenizerJson.quote(e.getKey()));
                if (id < 0 || id > TokenizerFiles.MAX_ID) {
                    throw new IllegalArgumentException("the id of " + TokenizerJson.quote(e.getKey()) + " is " + id
                            + ", outside 0.." + TokenizerFiles.MAX_ID);
                }
                String before = byId.putIfAbsent(id, e.getKey());
                if (before != null) {
                    throw new IllegalArgumentException(TokenizerJson.quote(e.getKey()) + " and " + TokenizerJson.quote(before)
                            + " have the same id " + id);
                }
                vocab.put(e.getKey(), id);
            }
            if (vocab.isEmpty()) {
                throw new IllegalArgumentException("an empty vocabulary");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tokenizer file " + file + ": " + e.getMessage(), e);
        }
        return vocab;
    }

    /** The source pieces of text (language code and special tokens included), without the final eos. */
    public List<String> tokenize(String text) {
        List<String> out = new ArrayList<>();
        String[] names = specials.keySet().toArray(String[]::new);
        int[] next = new int[names.length];                             // each special's next occurrence (searched lazily)
        java.util.Arrays.fill(next, -2);
        int start = 0;
        while (start <= text.length()) {
            int at = -1;
            String special = null;
            for (int k = 0; k < names.length; k++) {                   // the earliest, then the longest, special token
                if (next[k] != -1 && next[k] < start) {
                    next[k] = text.indexOf(names[k], start);           // each search moves past the last: linear overall
                }
                int i = next[k];
                if (i >= 0 && (at < 0 || i < at || i == at && names[k].length() > special.length())) {
                    at = i;
                    special = names[k];
                }
            }
            String chunk = text.substring(start, at < 0 ? text.length() : at);
            if (!chunk.isEmpty()) {
                if (chunk.startsWith(">>")) {
                    int end = chunk.indexOf("<<");
                    if (end >= 0) {
                        out.add(chunk.substring(0, end + 2));
                        chunk = chunk.substring(end + 2);
                    }
                }
                out.addAll(source.encodePieces(chunk));
            }
            if (at < 0) {
                break;
            }
            out.add(special);
            start = at + special.length();
        }
        return out;
    }

    /** The source ids of text followed by eos, as HF's {@code MarianTokenizer(text).input_ids}. */
    @Override
    public int[] encode(String text) {
        List<String> pieces = tokenize(text);
        pieces.add(eos);
        return ids(pieces);
    }

    /** The source ids of text with no eos added (special-token text is still matched, as HF's tokenize). */
    @Override
    public int[] encodeOrdinary(String text) {
        return ids(tokenize(text));
    }

    private int[] ids(List<String> pieces) {
        int unkId = vocab.get(unk);
        int[] ids = new int[pieces.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = vocab.getOrDefault(pieces.get(i), unkId);
        }
        return ids;
    }

    /**
     * The text of target ids with the special tokens written out, as HF's {@code decode}: pieces between
     * special tokens go through target.spm, each special token is followed by a space, and the ends are trimmed.
     */
    @Override
    public String decode(int[] ids) {
        return text(ids, false);
    }

    /** The text of a translation's ids: eos, pad and unk left out, as HF's {@code decode(skip_special_tokens=True)}. */
    public String decodeTranslation(int[] ids) {
        return text(ids, true);
    }

    private String text(int[] ids, boolean skipSpecials) {
        StringBuilder out = new StringBuilder();
        List<String> run = new ArrayList<>();
        for (int id : ids) {
            // As HF's convert_ids_to_tokens: an id the target vocabulary lacks (a model may have more rows) is <unk>.
            String token = id >= 0 && id < vocabSize && targetTokens[id] != null ? targetTokens[id] : unk;
            if (specials.containsKey(token)) {
                if (!skipSpecials) {
                    out.append(target.decodePieces(run)).append(token).append(' ');
                    run.clear();
                }
                continue;
            }
            run.add(token);
        }
        out.append(target.decodePieces(run));
        String text = out.toString().replace(SPACE_SYMBOL, " ").strip();
        return cleanUpSpaces ? cleanUp(text) : text;
    }

    /** HF's {@code clean_up_tokenization}: no space before some punctuation and English contractions. */
    private static String cleanUp(String s) {
        return s.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",").replace(" ' ", "'")
                .replace(" n't", "n't").replace(" 'm", "'m").replace(" 's", "'s").replace(" 've", "'ve")
                .replace(" 're", "'re");
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    /** The target vocabulary's entry of id ({@code <unk>} where it has none, as HF). */
    @Override
    public String token(int id) {
        if (id < 0 || id >= vocabSize) {
            throw new IllegalArgumentException("id " + id + " is outside the vocabulary (0.." + (vocabSize - 1) + ")");
        }
        String t = targetTokens[id];
        return t == null ? unk : t;
    }

    /** eos, unk and pad by their text. */
    @Override
    public Map<String, Integer> specialTokens() {
        return Collections.unmodifiableMap(specials);
    }
}
