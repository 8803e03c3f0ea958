package org.transformer4j.tokenizer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

/**
 * GPT-2's tokenizer (Radford et al. 2019): byte-level BPE over the UTF-8 bytes of the text, read from
 * vocab.json + merges.txt or a tokenizer.json, with the same ids as the reference (gpt-3-encoder, HF
 * tokenizers).
 *
 * <p>The text is first split at special tokens such as {@code <|endoftext|>}; the rest is pre-tokenized by
 * GPT-2's pattern ({@link Gpt2PreTokenizer}, a linear scanner), each pre-token's bytes are written as GPT-2's
 * byte-level characters (printable bytes as themselves, the others as U+0100 and up, so a space is "Ġ"), and
 * merges apply lowest rank first, leftmost first, in O(n log n) per pre-token. Short pre-tokens are cached.
 *
 * <p>{@code decode(encode(s)) == s} for every well-formed string. An unpaired surrogate has no UTF-8 form; it
 * is encoded as U+FFFD, as the reference's TextEncoder does. Raw bytes round trip exactly through
 * {@link #encodeBytes} and {@link #decodeBytes}.
 */
public final class ByteLevelBpeTokenizer implements PretrainedTokenizer {
    private static final int CACHE_LIMIT = 1 << 16;
    private static final int CACHED_PIECE_BYTES = 64;
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[256 + 68];

    static {
        // GPT-2's bytes_to_unicode: printable Latin-1 bytes stand for themselves, the other 68 become 256..323.
        Arrays.fill(CHAR_TO_BYTE, -1);
        int extra = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = b >= '!' && b <= '~' || b >= 0xA1 && b <= 0xAC || b >= 0xAE;
            BYTE_TO_CHAR[b] = (char) (printable ? b : extra++);
            CHAR_TO_BYTE[BYTE_TO_CHAR[b]] = b;
        }
    }

    /**
     * Settings a tokenizer.json may give.
     *
     * @param addPrefixSpace a space goes before text that does not start with one (ByteLevel's
     *                       add_prefix_space); then decoding gives that space back too
     * @param ignoreMerges a pre-token that is itself in the vocabulary is that one token (BPE's ignore_merges)
     * @param template the special tokens around each encoded text (the post-processor)
     * @param unicodeSpace the pre-tokenizer's \s is Unicode's White_Space (HF tokenizers, for a tokenizer.json)
     *                     instead of JavaScript's (gpt-3-encoder); they differ in U+0085 and U+FEFF only
     */
    record Options(boolean addPrefixSpace, boolean ignoreMerges, SpecialTokenTemplate template, boolean unicodeSpace) {
        /** GPT-2's as gpt-3-encoder: no prefix space, merges always, nothing around the text, JavaScript's \s. */
        static final Options GPT2 = new Options(false, false, SpecialTokenTemplate.NONE, false);
    }

    private final Map<String, Integer> vocab;
    private final String[] tokens; // id -> vocabulary entry or added token's text (null in gaps)
    private final byte[][] bytes; // id -> the bytes it decodes to
    private final int[] byteIds = new int[256];
    private final LongIntMap ranks;
    private final int[] mergedIds; // rank -> id of the merged token
    private final AddedTokens added;
    private final Map<String, Integer> specials = new LinkedHashMap<>();
    private final Options options;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    /**
     * @param vocab the model's vocabulary, byte-level text to id
     * @param merges the merges in rank order, each two vocabulary entries
     * @param mergeName how errors call merge r ("line 3", "\"merges\"[1]")
     * @param addedTokens tokens matched literally before pre-tokenization
     */
    ByteLevelBpeTokenizer(Map<String, Integer> vocab, List<String[]> merges, IntFunction<String> mergeName,
            List<AddedTokens.Token> addedTokens, Options options) {
        this.vocab = Map.copyOf(vocab);
        this.options = options;
        this.added = new AddedTokens(addedTokens);
        int size = 0;
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            size = Math.max(size, TokenizerFiles.checkId(e.getValue(), e.getKey()) + 1);
        }
        for (AddedTokens.Token t : addedTokens) {
            size = Math.max(size, TokenizerFiles.checkId(t.id(), t.content()) + 1);
        }
        tokens = new String[size];
        bytes = new byte[size][];
        for (AddedTokens.Token t : addedTokens) {
            Integer inVocab = vocab.get(t.content());
            if (inVocab != null && inVocab != t.id()) {
                throw new IllegalArgumentException("added token " + TokenizerJson.quote(t.content()) + " has id " + t.id()
                        + " but the vocabulary gives it " + inVocab);
            }
            setToken(t.id(), t.content());
            bytes[t.id()] = t.content().getBytes(StandardCharsets.UTF_8);
            if (t.special()) {
                specials.put(t.content(), t.id());
            }
        }
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            int id = e.getValue();
            if (tokens[id] == null || !tokens[id].equals(e.getKey())) {
                setToken(id, e.getKey());
                bytes[id] = byteLevelBytes(e.getKey());
            }
        }
        options.template().requireTokens(tokens);
        for (int b = 0; b < 256; b++) {
            Integer id = vocab.get(String.valueOf(BYTE_TO_CHAR[b]));
            if (id == null) {
                throw new IllegalArgumentException(String.format("the vocabulary lacks the token %s of byte 0x%02X",
                        TokenizerJson.quote(String.valueOf(BYTE_TO_CHAR[b])), b));
            }
            byteIds[b] = id;
        }
        ranks = new LongIntMap(merges.size());
        mergedIds = new int[merges.size()];
        for (int r = 0; r < merges.size(); r++) {
            String[] m = merges.get(r);
            String what = "merge " + mergeName.apply(r) + " (" + TokenizerJson.quote(m[0] + " " + m[1]) + ")";
            int left = vocabId(m[0], what);
            int right = vocabId(m[1], what);
            mergedIds[r] = vocabId(m[0] + m[1], what);
            ranks.put(LongIntMap.pair(left, right), r); // a repeated pair takes its last rank, as HF tokenizers does
        }
    }

    /** GPT-2's tokenizer from its vocab.json (encoder.json) and merges.txt (vocab.bpe); {@code <|endoftext|>} is special. */
    public static ByteLevelBpeTokenizer fromVocabAndMerges(Path vocabJson, Path mergesTxt) throws IOException {
        return TokenizerFiles.readVocabAndMerges(vocabJson, mergesTxt);
    }

    private void setToken(int id, String text) {
        if (tokens[id] != null && !tokens[id].equals(text)) {
            throw new IllegalArgumentException("tokens " + TokenizerJson.quote(tokens[id]) + " and "
                    + TokenizerJson.quote(text) + " share id " + id);
        }
        tokens[id] = text;
    }

    private int vocabId(String token, String what) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new IllegalArgumentException(what + ": " + TokenizerJson.quote(token) + " is not in the vocabulary");
        }
        return id;
    }

    /**
     * The bytes that a vocabulary entry's byte-level characters stand for; an entry with a character that stands
     * for no byte (one added by hand, say "東京") decodes to its own UTF-8, as HF tokenizers' ByteLevel decoder does.
     */
    private static byte[] byteLevelBytes(String token) {
        byte[] out = new byte[token.length()];
        for (int i = 0; i < out.length; i++) {
            char c = token.charAt(i);
            int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
            if (b < 0) {
                return token.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            out[i] = (byte) b;
        }
        return out;
    }

    @Override
    public int[] encode(String text) {
        IntList out = new IntList();
        out.addAll(options.template().prefix());
        added.split(text, new AddedTokens.Sink() {
            @Override
            public void text(String t, int start, int end) {
                encodeText(t.substring(start, end), out);
            }

            @Override
            public void token(int id) {
                out.add(id);
            }
        });
        out.addAll(options.template().suffix());
        return out.toArray();
    }

    @Override
    public int[] encodeOrdinary(String text) {
        IntList out = new IntList();
        encodeText(text, out);
        return out.toArray();
    }

    /** The ids of raw bytes (UTF-8 or not) as ordinary text; {@link #decodeBytes} gives them back exactly. */
    public int[] encodeBytes(byte[] text) {
        IntList out = new IntList();
        encodeBytes(text, out);
        return out.toArray();
    }

    private void encodeText(String text, IntList out) {
        if (options.addPrefixSpace() && !text.isEmpty() && text.charAt(0) != ' ') {
            text = " " + text;
        }
        encodeBytes(utf8(text), out);
    }

    private void encodeBytes(byte[] b, IntList out) {
        int start = 0;
        for (int end : Gpt2PreTokenizer.split(b, options.unicodeSpace())) {
            out.addAll(encodePiece(b, start, end));
            start = end;
        }
    }

    private int[] encodePiece(byte[] b, int start, int end) {
        if (end - start > CACHED_PIECE_BYTES) {
            return applyMerges(b, start, end);
        }
        String key = new String(b, start, end - start, StandardCharsets.ISO_8859_1);
        int[] ids = cache.get(key);
        if (ids == null) {
            ids = applyMerges(b, start, end);
            if (cache.size() >= CACHE_LIMIT) {
                cache.clear(); // bounded memory; frequent pieces come straight back
            }
            cache.put(key, ids);
        }
        return ids;
    }

    /**
     * The ids of one pre-token b[start, end): a linked list of symbols and a min-heap of candidate merges
     * keyed by (rank, position), so the lowest rank goes first and equal ranks go leftmost first, which is
     * what GPT-2's loop (merge every occurrence of the best pair, left to right) computes; O(n log n).
     */
    private int[] applyMerges(byte[] b, int start, int end) {
        int n = end - start;
        if (options.ignoreMerges()) {
            char[] text = new char[n];
            for (int i = 0; i < n; i++) {
                text[i] = BYTE_TO_CHAR[b[start + i] & 0xFF];
            }
            Integer whole = vocab.get(new String(text));
            if (whole != null) {
                return new int[] {whole};
            }
        }
        int[] sym = new int[n];
        for (int i = 0; i < n; i++) {
            sym[i] = byteIds[b[start + i] & 0xFF];
        }
        return BpeMerges.apply(sym, ranks, r -> mergedIds[r]);
    }

    /** The UTF-8 of text, each unpaired surrogate written as U+FFFD (String.getBytes would write '?'). */
    static byte[] utf8(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return utf8(replaceUnpairedSurrogates(text));
            }
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String replaceUnpairedSurrogates(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            sb.appendCodePoint(cp < 0x10000 && Character.isSurrogate((char) cp) ? 0xFFFD : cp);
            i += Character.charCount(cp);
        }
        return sb.toString();
    }

    @Override
    public String decode(int[] ids) {
        return new String(decodeBytes(ids), StandardCharsets.UTF_8);
    }

    /** The bytes of ids, special tokens as their UTF-8 text. */
    public byte[] decodeBytes(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ids.length * 4);
        for (int id : ids) {
            checkId(id);
            out.writeBytes(bytes[id]);
        }
        return out.toByteArray();
    }

    @Override
    public int vocabSize() {
        return tokens.length;
    }

    @Override
    public String token(int id) {
        checkId(id);
        return tokens[id];
    }

    @Override
    public Map<String, Integer> specialTokens() {
        return Collections.unmodifiableMap(specials);
    }

    /** The number of merges. */
    public int mergeCount() {
        return mergedIds.length;
    }

    private void checkId(int id) {
        if (id < 0 || id >= tokens.length || tokens[id] == null) {
            throw new IllegalArgumentException("token id " + id + (id >= 0 && id < tokens.length
                    ? " is not used by the vocabulary" : " is outside the vocabulary [0, " + tokens.length + ")"));
        }
    }

    @Override
    public String toString() {
        return "ByteLevelBpeTokenizer[vocabSize=" + vocabSize() + ", merges=" + mergedIds.length + ", specials="
                + specials.keySet() + "]";
    }
}
