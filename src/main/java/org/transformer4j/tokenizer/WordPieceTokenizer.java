package org.transformer4j.tokenizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * BERT's WordPiece tokenizer (Devlin et al. 2019; Wu et al. 2016) read from a tokenizer.json, with the same
 * ids as HF tokenizers: added tokens such as [SEP] are matched literally, the rest is normalized
 * ({@link BertNormalizer}), split at whitespace and around each punctuation character, and each word becomes
 * its longest vocabulary prefix followed by the longest "##" continuations, or [UNK] as a whole when some part
 * is not in the vocabulary or the word is longer than max_input_chars_per_word (100) characters.
 *
 * <pre>{@code
 * PretrainedTokenizer bert = PretrainedTokenizer.load(Path.of("all-minilm-l6-v2-tokenizer.json"));
 * bert.encode("Hello, world!");   // [101, 7592, 1010, 2088, 999, 102]: [CLS] hello , world ! [SEP]
 * }</pre>
 *
 * <p>Encoding is linear in the text: a word is matched against at most as many characters as the
 * vocabulary's longest entry has.
 */
public final class WordPieceTokenizer implements PretrainedTokenizer {

    /**
     * The model's settings.
     *
     * @param unkToken the token of a word that cannot be spelled ("[UNK]")
     * @param prefix the mark of a continuing piece ("##")
     * @param maxInputCharsPerWord longer words are [UNK] without trying (100)
     * @param cleanupDecoded whether {@link #decode} removes spaces before punctuation as HF's WordPiece decoder
     *                       with cleanup does
     */
    record Options(String unkToken, String prefix, int maxInputCharsPerWord, boolean cleanupDecoded) {
        Options {
            if (maxInputCharsPerWord < 1) {
                throw new IllegalArgumentException("max_input_chars_per_word must be positive, got " + maxInputCharsPerWord);
            }
        }
    }

    private final Map<String, Integer> vocab;
    private final String[] tokens;
    private final int unkId;
    private final int longestEntry; // in chars: no piece can be longer
    private final Options options;
    private final BertNormalizer normalizer; // null: none
    private final AddedTokens rawTokens; // matched before normalization
    private final AddedTokens normalizedTokens; // matched in the normalized text
    private final SpecialTokenTemplate template;
    private final Map<String, Integer> specials = new LinkedHashMap<>();

    WordPieceTokenizer(Map<String, Integer> vocab, Options options, BertNormalizer normalizer,
            List<AddedTokens.Token> rawTokens, List<AddedTokens.Token> normalizedTokens, SpecialTokenTemplate template) {
        this.vocab = Map.copyOf(vocab);
        this.options = options;
        this.normalizer = normalizer;
        this.rawTokens = new AddedTokens(rawTokens);
        // As HF's AddedVocabulary: a "normalized" added token is matched by its normalized form (an uncased
        // model's "[NEW]" matches "[new]" in the lower-cased text).
        List<AddedTokens.Token> matched = new ArrayList<>();
        for (AddedTokens.Token t : normalizedTokens) {
            String form = normalizer == null ? t.content() : normalizer.normalize(t.content());
            if (!form.isEmpty()) {
                matched.add(new AddedTokens.Token(form, t.id(), t.special()));
            }
        }
        this.normalizedTokens = new AddedTokens(matched);
        this.template = template;
        int size = 0;
        int longest = 1;
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            size = Math.max(size, TokenizerFiles.checkId(e.getValue(), e.getKey()) + 1);
            longest = Math.max(longest, e.getKey().length());
        }
        List<AddedTokens.Token> allAdded = new ArrayList<>(rawTokens);
        allAdded.addAll(normalizedTokens);
        for (AddedTokens.Token t : allAdded) {
            size = Math.max(size, TokenizerFiles.checkId(t.id(), t.content()) + 1);
        }
        this.longestEntry = longest;
        tokens = new String[size];
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            setToken(e.getValue(), e.getKey());
        }
        for (AddedTokens.Token t : allAdded) {
            setToken(t.id(), t.content());
            if (t.special()) {
                specials.put(t.content(), t.id());
            }
        }
        Integer unk = vocab.get(options.unkToken());
        if (unk == null) {
            throw new IllegalArgumentException("the unknown token " + TokenizerJson.quote(options.unkToken())
                    + " is not in the vocabulary");
        }
        unkId = unk;
        template.requireTokens(tokens);
    }

    private void setToken(int id, String text) {
        if (tokens[id] != null && !tokens[id].equals(text)) {
            throw new IllegalArgumentException("tokens " + TokenizerJson.quote(tokens[id]) + " and "
                    + TokenizerJson.quote(text) + " share id " + id);
        }
        tokens[id] = text;
    }

    @Override
    public int[] encode(String text) {
        IntList out = new IntList();
        out.addAll(template.prefix());
        rawTokens.split(text, new AddedTokens.Sink() {
            @Override
            public void text(String t, int start, int end) {
                String normalized = normalize(t.substring(start, end));
                normalizedTokens.split(normalized, new AddedTokens.Sink() {
                    @Override
                    public void text(String n, int s, int e) {
                        encodeWords(n, s, e, out);
                    }

                    @Override
                    public void token(int id) {
                        out.add(id);
                    }
                });
            }

            @Override
            public void token(int id) {
                out.add(id);
            }
        });
        out.addAll(template.suffix());
        return out.toArray();
    }

    @Override
    public int[] encodeOrdinary(String text) {
        IntList out = new IntList();
        String normalized = normalize(text);
        encodeWords(normalized, 0, normalized.length(), out);
        return out.toArray();
    }

    private String normalize(String text) {
        return normalizer == null ? text : normalizer.normalize(text);
    }

    /**
     * BertPreTokenizer on text[start, end): words end at whitespace (dropped) and at punctuation, and each
     * punctuation character is a word of its own; then each word's pieces.
     */
    private void encodeWords(String text, int start, int end, IntList out) {
        int word = -1; // start of the current word, or -1
        for (int i = start; i < end; ) {
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (BertNormalizer.isWhitespace(cp) || isPunctuation(cp)) {
                if (word >= 0) {
                    encodeWord(text.substring(word, i), out);
                    word = -1;
                }
                if (!BertNormalizer.isWhitespace(cp)) {
                    encodeWord(text.substring(i, next), out);
                }
            } else if (word < 0) {
                word = i;
            }
            i = next;
        }
        if (word >= 0) {
            encodeWord(text.substring(word, end), out);
        }
    }

    /** The greedy longest-match-first pieces of one word, or [UNK] for all of it. */
    private void encodeWord(String word, IntList out) {
        if (word.codePointCount(0, word.length()) > options.maxInputCharsPerWord()) {
            out.add(unkId);
            return;
        }
        IntList pieces = new IntList();
        for (int start = 0; start < word.length(); ) {
            int end = Math.min(word.length(), start + longestEntry);
            if (end < word.length() && Character.isLowSurrogate(word.charAt(end))
                    && Character.isHighSurrogate(word.charAt(end - 1))) {
                end--; // never split a surrogate pair
            }
            int id = -1;
            while (end > start) {
                String piece = start == 0 ? word.substring(0, end) : options.prefix() + word.substring(start, end);
                Integer found = vocab.get(piece);
                if (found != null) {
                    id = found;
                    break;
                }
                end = word.offsetByCodePoints(end, -1);
            }
            if (id < 0) {
                out.add(unkId);
                return;
            }
            pieces.add(id);
            start = end;
        }
        out.addAll(pieces.toArray());
    }

    /**
     * BERT's punctuation: the ASCII non-alphanumeric printable characters (33-47, 58-64, 91-96, 123-126, so $,
     * +, &lt;, =, &gt;, ^, ` and | too, which Unicode calls symbols) and every Unicode punctuation category (P*).
     */
    static boolean isPunctuation(int cp) {
        if (cp >= 33 && cp <= 47 || cp >= 58 && cp <= 64 || cp >= 91 && cp <= 96 || cp >= 123 && cp <= 126) {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    /**
     * The tokens joined as HF's WordPiece decoder joins them: a "##" piece glued to the one before, the others
     * after a space, and with cleanup the usual spaces before punctuation and in contractions removed
     * ("hello , world !" becomes "hello, world!"). Lower-casing and stripped accents do not come back.
     */
    @Override
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ids.length; i++) {
            String t = token(ids[i]);
            if (i > 0) {
                t = t.startsWith(options.prefix()) ? t.substring(options.prefix().length()) : " " + t;
            }
            sb.append(options.cleanupDecoded() ? cleanup(t) : t);
        }
        return sb.toString();
    }

    private static String cleanup(String t) {
        return t.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",").replace(" ' ", "'")
                .replace(" n't", "n't").replace(" 'm", "'m").replace(" do not", " don't").replace(" 's", "'s")
                .replace(" 've", "'ve").replace(" 're", "'re");
    }

    @Override
    public int vocabSize() {
        return tokens.length;
    }

    @Override
    public String token(int id) {
        if (id < 0 || id >= tokens.length || tokens[id] == null) {
            throw new IllegalArgumentException("token id " + id + (id >= 0 && id < tokens.length
                    ? " is not used by the vocabulary" : " is outside the vocabulary [0, " + tokens.length + ")"));
        }
        return tokens[id];
    }

    @Override
    public Map<String, Integer> specialTokens() {
        return Collections.unmodifiableMap(specials);
    }

    @Override
    public String toString() {
        return "WordPieceTokenizer[vocabSize=" + vocabSize() + ", specials=" + specials.keySet() + "]";
    }
}
