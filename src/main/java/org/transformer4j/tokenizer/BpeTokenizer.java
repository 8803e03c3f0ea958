package org.transformer4j.tokenizer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A byte-level BPE tokenizer trained on text (Sennrich et al. 2016), exact for every string, unpaired
 * surrogates included.
 *
 * <p>Ids 0..3 are the specials, 4..259 the 256 byte values of the text's generalized UTF-8, and id
 * 260 + r is the merge of rank r. Text is split by the shared pre-tokenizer (a word or punctuation
 * character with its leading space, or a whitespace character), so merges never cross those boundaries;
 * each pre-token is encoded by applying the lowest-ranked applicable merge first, leftmost first, as GPT-2
 * does, and the result is cached per pre-token.
 *
 * <pre>{@code
 * BpeTokenizer bpe = BpeTokenizer.train(lines, 8000);
 * int[] ids = bpe.encode("Abendessen");
 * String back = bpe.decode(ids);   // "Abendessen"
 * }</pre>
 */
public final class BpeTokenizer implements Tokenizer {
    static final String TYPE = "bpe";
    private static final int BYTE_BASE = BpeTrainer.BYTE_BASE;
    private static final int FIRST_MERGE = BpeTrainer.FIRST_MERGE;
    private static final int CACHE_LIMIT = 1 << 16;
    private static final byte[] REPLACEMENT = {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD};

    private final int[] mergeLeft;
    private final int[] mergeRight;
    private final LongIntMap ranks;
    private final byte[][] bytes; // the bytes of every id (empty for specials)
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    private BpeTokenizer(int[] mergeLeft, int[] mergeRight) {
        int merges = mergeLeft.length;
        this.mergeLeft = mergeLeft;
        this.mergeRight = mergeRight;
        this.ranks = new LongIntMap(merges);
        this.bytes = new byte[FIRST_MERGE + merges][];
        for (int id = 0; id < BYTE_BASE; id++) {
            bytes[id] = new byte[0];
        }
        for (int b = 0; b < 256; b++) {
            bytes[BYTE_BASE + b] = new byte[] {(byte) b};
        }
        for (int r = 0; r < merges; r++) {
            int a = mergeLeft[r];
            int b = mergeRight[r];
            int limit = FIRST_MERGE + r;
            if (a < BYTE_BASE || a >= limit || b < BYTE_BASE || b >= limit) {
                throw new IllegalArgumentException("merge " + r + " joins ids " + a + " and " + b
                        + ", which must both lie in [" + BYTE_BASE + ", " + limit + ")");
            }
            long key = LongIntMap.pair(a, b);
            if (ranks.get(key, -1) >= 0) {
                throw new IllegalArgumentException("merge " + r + " repeats the pair (" + a + ", " + b + ") of merge "
                        + ranks.get(key, -1));
            }
            ranks.put(key, r);
            byte[] joined = Arrays.copyOf(bytes[a], bytes[a].length + bytes[b].length);
            System.arraycopy(bytes[b], 0, joined, bytes[a].length, bytes[b].length);
            bytes[limit] = joined;
        }
    }

    /**
     * Learns a vocabulary of vocabSize ids (260 of them the specials and bytes) from texts; the vocabulary is
     * smaller when the texts run out of pairs to merge. Deterministic: equal counts go to the pair with the
     * smaller left id, then the smaller right id.
     */
    public static BpeTokenizer train(Iterable<String> texts, int vocabSize) {
        Objects.requireNonNull(texts, "texts");
        if (vocabSize < FIRST_MERGE) {
            throw new IllegalArgumentException("vocabSize must be at least " + FIRST_MERGE
                    + " (4 specials + 256 bytes), got " + vocabSize);
        }
        int[][] merges = BpeTrainer.train(texts, vocabSize - FIRST_MERGE);
        return new BpeTokenizer(merges[0], merges[1]);
    }

    @Override
    public int[] encode(String text) {
        List<String> pieces = PreTokenizer.split(text);
        int[][] parts = new int[pieces.size()][];
        int total = 0;
        for (int i = 0; i < parts.length; i++) {
            parts[i] = encodePiece(pieces.get(i));
            total += parts[i].length;
        }
        int[] out = new int[total];
        int n = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, n, p.length);
            n += p.length;
        }
        return out;
    }

    private int[] encodePiece(String piece) {
        int[] cached = cache.get(piece);
        if (cached != null) {
            return cached;
        }
        int[] ids = applyMerges(Wtf8.encode(piece));
        if (cache.size() >= CACHE_LIMIT) {
            cache.clear(); // bounded memory; frequent pieces come straight back
        }
        cache.put(piece, ids);
        return ids;
    }

    /** The ids of one pre-token (see {@link BpeMerges}). */
    private int[] applyMerges(byte[] b) {
        int[] sym = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            sym[i] = BYTE_BASE + (b[i] & 0xFF);
        }
        return BpeMerges.apply(sym, ranks, r -> FIRST_MERGE + r);
    }

    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ids.length * 4);
        for (int id : ids) {
            checkId(id);
            out.writeBytes(id == UNK ? REPLACEMENT : bytes[id]);
        }
        byte[] all = out.toByteArray();
        return Wtf8.decode(all, all.length);
    }

    @Override
    public int vocabSize() {
        return bytes.length;
    }

    /** The text of id; bytes that are not whole characters show as &lt;0xHH&gt;. */
    @Override
    public String token(int id) {
        checkId(id);
        if (id < BYTE_BASE) {
            return SPECIALS.get(id);
        }
        byte[] b = bytes[id];
        if (Wtf8.isWellFormed(b)) {
            return Wtf8.decode(b, b.length);
        }
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("<0x%02X>", x & 0xFF));
        }
        return sb.toString();
    }

    /** The number of learned merges (vocabSize() - 260). */
    public int mergeCount() {
        return mergeLeft.length;
    }

    /** The two tokens that the merge of the given rank joins, as {@link #token} shows them. */
    public List<String> merge(int rank) {
        if (rank < 0 || rank >= mergeLeft.length) {
            throw new IllegalArgumentException("merge rank " + rank + " is outside [0, " + mergeLeft.length + ")");
        }
        return List.of(token(mergeLeft[rank]), token(mergeRight[rank]));
    }

    /** The ids {left, right} that the merge of the given rank joins into id 260 + rank. */
    int[] mergeIds(int rank) {
        return new int[] {mergeLeft[rank], mergeRight[rank]};
    }

    @Override
    public void save(Path path) throws IOException {
        StringBuilder sb = new StringBuilder(TokenizerJson.header(TYPE));
        sb.append("  \"comment\": \"ids 4..259 are bytes 0..255; merge r joins two ids into id 260 + r\",\n");
        sb.append("  \"merges\": [");
        for (int r = 0; r < mergeLeft.length; r++) {
            sb.append(r % 8 == 0 ? "\n    " : " ").append('[').append(mergeLeft[r]).append(", ")
                    .append(mergeRight[r]).append(']').append(r + 1 < mergeLeft.length ? "," : "");
        }
        TokenizerJson.write(path, sb.append("\n  ]\n}\n").toString());
    }

    static BpeTokenizer fromJson(Map<String, Object> json) {
        List<?> merges = TokenizerJson.array(json, "merges");
        int[] a = new int[merges.size()];
        int[] b = new int[merges.size()];
        for (int r = 0; r < a.length; r++) {
            if (!(merges.get(r) instanceof List<?> pair) || pair.size() != 2) {
                throw new IllegalArgumentException("\"merges\"[" + r + "] is not a pair of ids");
            }
            a[r] = TokenizerJson.integer(pair.get(0), "\"merges\"[" + r + "][0]");
            b[r] = TokenizerJson.integer(pair.get(1), "\"merges\"[" + r + "][1]");
        }
        return new BpeTokenizer(a, b);
    }

    private void checkId(int id) {
        if (id < 0 || id >= bytes.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + bytes.length + ")");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BpeTokenizer t && Arrays.equals(mergeLeft, t.mergeLeft)
                && Arrays.equals(mergeRight, t.mergeRight);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mergeLeft) + Arrays.hashCode(mergeRight);
    }

    @Override
    public String toString() {
        return "BpeTokenizer[vocabSize=" + vocabSize() + ", merges=" + mergeLeft.length + "]";
    }
}
