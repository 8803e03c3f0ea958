package org.transformer4j.tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Google SentencePiece's encoding and decoding, read from its model file (a {@code *.model}; Opus-MT's
 * {@code source.spm} and {@code target.spm}): the text is normalized ({@link SentencePieceNormalizer}), then
 * segmented by the unigram model (the Viterbi path of highest total score; a character no piece covers is
 * unknown, scored 10 below the lowest piece) or by BPE (the adjacent pair whose merged piece scores highest is
 * merged first, the leftmost on a tie). Unknown characters become the unknown piece, or with byte fallback
 * their UTF-8 bytes as {@code <0xXX>} pieces. No bos or eos is added, as SentencePiece's {@code encode}.
 *
 * <pre>{@code
 * SentencePieceTokenizer sp = SentencePieceTokenizer.load(Path.of("source.spm"));
 * List<String> pieces = sp.encodePieces("Guten Morgen");   // [▁Gut, en, ▁Morgen] for a German model
 * String text = sp.decode(sp.encode("Guten Morgen"));       // "Guten Morgen"
 * }</pre>
 *
 * <p>Tested for equality with SentencePiece 0.1.97 on three models (unigram with nmt_nfkc, BPE, unigram with
 * byte fallback) over 700 texts (tools/make_sentencepiece_fixtures.py).
 */
public final class SentencePieceTokenizer implements PretrainedTokenizer {
    /** The penalty of an unknown character below the lowest piece score (SentencePiece's kUnkPenalty). */
    private static final float UNKNOWN_PENALTY = 10f;
    private static final String SPACE_SYMBOL = "\u2581";

    private final SentencePieceModel model;
    private final SentencePieceNormalizer normalizer;
    private final Map<String, Integer> segmentable = new HashMap<>();   // normal, user-defined and unused pieces
    private final Map<String, Integer> reserved = new HashMap<>();      // control, unknown and byte pieces
    private final int[] byteIds = new int[256];
    private final List<String> userDefined = new ArrayList<>();
    private final int unknownId;
    private final int maxPieceLength;
    private final float minScore;
    private final float maxScore;

    private SentencePieceTokenizer(SentencePieceModel model) {
        this.model = model;
        int unk = -1;
        int longest = 1;
        float min = Float.MAX_VALUE;
        float max = Float.MIN_NORMAL;                                  // as SentencePiece: FLT_MIN, not -FLT_MAX
        java.util.Arrays.fill(byteIds, -1);
        for (int i = 0; i < model.size(); i++) {
            String piece = model.pieces().get(i);
            SentencePieceModel.Kind kind = model.kinds().get(i);
            switch (kind) {
                case NORMAL, USER_DEFINED, UNUSED -> {
                    segmentable.put(piece, i);
                    longest = Math.max(longest, piece.codePointCount(0, piece.length()));
                }
                default -> reserved.put(piece, i);
            }
            if (kind == SentencePieceModel.Kind.USER_DEFINED) {
                userDefined.add(piece);
            } else if (kind == SentencePieceModel.Kind.UNKNOWN) {
                unk = i;
            } else if (kind == SentencePieceModel.Kind.BYTE) {
                byteIds[SentencePieceModel.byteValue(piece)] = i;
            } else if (kind == SentencePieceModel.Kind.NORMAL) {
                min = Math.min(min, model.scores()[i]);
                max = Math.max(max, model.scores()[i]);
            }
        }
        if (model.byteFallback()) {
            for (int b = 0; b < 256; b++) {
                if (byteIds[b] < 0) {
                    throw new IllegalArgumentException(model.label() + ": byte_fallback is on but the byte piece <0x"
                            + String.format("%02X", b) + "> is missing");
                }
            }
        }
        this.unknownId = unk;
        this.maxPieceLength = longest;
        this.minScore = min == Float.MAX_VALUE ? 0 : min;
        this.maxScore = max;
        this.normalizer = new SentencePieceNormalizer(model, userDefined);
    }

    /** Reads a SentencePiece model file; a garbled or unsupported file is one IllegalArgumentException line. */
    public static SentencePieceTokenizer load(Path file) throws IOException {
        return new SentencePieceTokenizer(SentencePieceModel.read(file));
    }

    /** A tokenizer of a parsed model. */
    public static SentencePieceTokenizer of(SentencePieceModel model) {
        return new SentencePieceTokenizer(model);
    }

    /** The model it was read from. */
    public SentencePieceModel model() {
        return model;
    }

    /** The text after normalization, as the segmentation sees it (whitespace as ▁). */
    public String normalize(String text) {
        return normalizer.normalize(text);
    }

    /** The pieces of text (SentencePiece's {@code encode(text, out_type=str)}). */
    public List<String> encodePieces(String text) {
        List<String> out = new ArrayList<>();
        for (Piece p : segment(normalizer.normalize(text))) {
            out.add(p.text);
        }
        return out;
    }

    @Override
    public int[] encode(String text) {
        List<Piece> pieces = segment(normalizer.normalize(text));
        int[] ids = new int[pieces.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = pieces.get(i).id;
        }
        return ids;
    }

    /** The same as {@link #encode}: SentencePiece reads text such as "&lt;s&gt;" as ordinary characters. */
    @Override
    public int[] encodeOrdinary(String text) {
        return encode(text);
    }

    /** The id of a piece, or the unknown id if the model has no such piece. */
    public int pieceId(String piece) {
        Integer id = segmentable.get(piece);
        if (id == null) {
            id = reserved.get(piece);
        }
        return id == null ? unknownId : id;
    }

    /** The unknown piece's id. */
    public int unknownId() {
        return unknownId;
    }

    /**
     * SentencePiece's {@code decode}: control pieces vanish, the unknown piece becomes " ⁇ ", runs of byte pieces
     * become their UTF-8 text (U+FFFD for each byte that is not valid), ▁ becomes a space, and the space added
     * in front by the normalizer is removed from the first piece.
     */
    @Override
    public String decode(int[] ids) {
        List<String> pieces = new ArrayList<>(ids.length);
        for (int id : ids) {
            if (id < 0 || id >= model.size()) {
                throw new IllegalArgumentException("id " + id + " is outside the vocabulary (0.." + (model.size() - 1) + ")");
            }
            pieces.add(model.pieces().get(id));
        }
        return decodePieces(pieces);
    }

    /** SentencePiece's {@code decode_pieces}: as {@link #decode}; a piece the model lacks is kept as written (▁ too). */
    public String decodePieces(List<String> pieces) {
        StringBuilder text = new StringBuilder();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        // At the start, the whitespace the normalizer added (or all leading whitespace, when it removes extra
        // whitespace) is dropped again: one ▁ from the first piece, or every ▁ until some text has appeared.
        boolean start = true;
        boolean dropLeading = model.addDummyPrefix() || model.removeExtraWhitespaces();
        for (String piece : pieces) {
            int id = pieceId(piece);
            SentencePieceModel.Kind kind = model.kinds().get(id);
            boolean own = model.pieces().get(id).equals(piece);
            if (kind == SentencePieceModel.Kind.BYTE && own) {
                bytes.write(SentencePieceModel.byteValue(piece));
                continue;
            }
            start &= flushBytes(bytes, text);
            if (kind == SentencePieceModel.Kind.CONTROL && own) {
                continue;
            }
            String surface;
            boolean dropped = false;
            if (id == unknownId) {
                surface = own ? model.unknownSurface() : piece;         // a piece the model lacks stays as written
            } else if (kind == SentencePieceModel.Kind.USER_DEFINED) {
                surface = piece;
            } else {
                surface = piece;
                if (start && dropLeading && surface.startsWith(SPACE_SYMBOL)) {
                    surface = surface.substring(SPACE_SYMBOL.length());
                    dropped = true;
                }
                surface = surface.replace(SPACE_SYMBOL, " ");
            }
            text.append(surface);
            start &= text.isEmpty() && (model.removeExtraWhitespaces() || !dropped);
        }
        flushBytes(bytes, text);
        return text.toString();
    }

    /** Writes pending byte pieces as text; true if there were none. */
    private static boolean flushBytes(java.io.ByteArrayOutputStream bytes, StringBuilder text) {
        if (bytes.size() == 0) {
            return true;
        }
        text.append(decodeBytes(bytes.toByteArray()));
        bytes.reset();
        return false;
    }

    @Override
    public int vocabSize() {
        return model.size();
    }

    @Override
    public String token(int id) {
        if (id < 0 || id >= model.size()) {
            throw new IllegalArgumentException("id " + id + " is outside the vocabulary (0.." + (model.size() - 1) + ")");
        }
        return model.pieces().get(id);
    }

    /** The control pieces and the unknown piece by their text (typically &lt;unk&gt;, &lt;s&gt;, &lt;/s&gt;). */
    @Override
    public Map<String, Integer> specialTokens() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (int i = 0; i < model.size(); i++) {
            SentencePieceModel.Kind kind = model.kinds().get(i);
            if (kind == SentencePieceModel.Kind.CONTROL || kind == SentencePieceModel.Kind.UNKNOWN) {
                out.put(model.pieces().get(i), i);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** A piece of the segmentation: its text and id. */
    private record Piece(String text, int id) { }

    private List<Piece> segment(String normalized) {
        if (normalized.isEmpty()) {
            return List.of();
        }
        List<Piece> pieces = model.algorithm() == SentencePieceModel.Algorithm.BPE ? bpe(normalized) : viterbi(normalized);
        if (!model.byteFallback()) {
            return pieces;
        }
        List<Piece> out = new ArrayList<>(pieces.size());
        for (Piece p : pieces) {
            if (p.id != unknownId) {
                out.add(p);
                continue;
            }
            for (byte b : p.text.getBytes(StandardCharsets.UTF_8)) {
                int id = byteIds[b & 0xFF];
                out.add(new Piece(model.pieces().get(id), id));
            }
        }
        return out;
    }

    /** The unigram model's best segmentation (positions are code-point boundaries, scores summed in float). */
    private List<Piece> viterbi(String text) {
        int[] starts = codePointStarts(text);
        int n = starts.length - 1;
        float[] best = new float[n + 1];
        int[] from = new int[n + 1];
        int[] id = new int[n + 1];
        java.util.Arrays.fill(from, -1);
        float unknownScore = minScore - UNKNOWN_PENALTY;
        for (int i = 0; i < n; i++) {
            float here = best[i];
            boolean single = false;
            for (int len = 1; len <= maxPieceLength && i + len <= n; len++) {
                Integer piece = segmentable.get(text.substring(starts[i], starts[i + len]));
                if (piece == null || model.kinds().get(piece) == SentencePieceModel.Kind.UNUSED) {
                    continue;
                }
                float score = model.kinds().get(piece) == SentencePieceModel.Kind.USER_DEFINED
                        ? (starts[i + len] - starts[i]) * maxScore - 0.1f : model.scores()[piece];
                float candidate = score + here;
                if (from[i + len] < 0 || candidate > best[i + len]) {
                    best[i + len] = candidate;
                    from[i + len] = i;
                    id[i + len] = piece;
                }
                single |= len == 1;
            }
            if (!single) {
                float candidate = unknownScore + here;
                if (from[i + 1] < 0 || candidate > best[i + 1]) {
                    best[i + 1] = candidate;
                    from[i + 1] = i;
                    id[i + 1] = unknownId;
                }
            }
        }
        List<Piece> out = new ArrayList<>();
        for (int end = n; end > 0; end = from[end]) {
            out.add(new Piece(text.substring(starts[from[end]], starts[end]), id[end]));
        }
        Collections.reverse(out);
        return mergeUnknowns(out);
    }

    /** Consecutive unknown pieces become one, as SentencePiece does (in linear time: a run is built once). */
    private List<Piece> mergeUnknowns(List<Piece> pieces) {
        List<Piece> out = new ArrayList<>(pieces.size());
        StringBuilder run = new StringBuilder();
        for (Piece p : pieces) {
            if (p.id == unknownId) {
                run.append(p.text);
                continue;
            }
            if (!run.isEmpty()) {
                out.add(new Piece(run.toString(), unknownId));
                run.setLength(0);
            }
            out.add(p);
        }
        if (!run.isEmpty()) {
            out.add(new Piece(run.toString(), unknownId));
        }
        return out;
    }

    /** BPE: merges by piece score, highest first, the leftmost pair on a tie; user-defined pieces stay whole. */
    private List<Piece> bpe(String text) {
        List<String> symbols = new ArrayList<>();
        List<Boolean> frozen = new ArrayList<>();
        for (int i = 0; i < text.length(); ) {
            String user = longestUserDefined(text, i);
            int end = user != null ? i + user.length() : text.offsetByCodePoints(i, 1);
            symbols.add(text.substring(i, end));
            frozen.add(user != null);
            i = end;
        }
        int n = symbols.size();
        String[] piece = symbols.toArray(String[]::new);
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        record Pair(int left, int right, float score, int length) { }
        PriorityQueue<Pair> agenda = new PriorityQueue<>((a, b) -> a.score != b.score ? Float.compare(b.score, a.score)
                : Integer.compare(a.left, b.left));
        java.util.function.BiConsumer<Integer, Integer> consider = (l, r) -> {
            if (l < 0 || r < 0 || frozen.get(l) || frozen.get(r)) {
                return;
            }
            String merged = piece[l] + piece[r];
            Integer id = segmentable.get(merged);
            if (id != null && model.kinds().get(id) != SentencePieceModel.Kind.UNUSED) {
                agenda.add(new Pair(l, r, model.scores()[id], merged.length()));
            }
        };
        for (int i = 1; i < n; i++) {
            consider.accept(i - 1, i);
        }
        while (!agenda.isEmpty()) {
            Pair top = agenda.poll();
            if (piece[top.left].isEmpty() || piece[top.right].isEmpty()
                    || piece[top.left].length() + piece[top.right].length() != top.length || next[top.left] != top.right) {
                continue;
            }
            piece[top.left] = piece[top.left] + piece[top.right];
            piece[top.right] = "";
            next[top.left] = next[top.right];
            if (next[top.right] >= 0) {
                prev[next[top.right]] = top.left;
            }
            consider.accept(prev[top.left], top.left);
            consider.accept(top.left, next[top.left]);
        }
        List<Piece> out = new ArrayList<>();
        for (int i = 0; i >= 0 && i < n; i = next[i]) {
            out.add(new Piece(piece[i], pieceId(piece[i])));
        }
        return mergeUnknowns(out);
    }

    private String longestUserDefined(String text, int at) {
        String best = null;
        for (String p : userDefined) {
            if (text.startsWith(p, at) && (best == null || p.length() > best.length())) {
                best = p;
            }
        }
        return best;
    }

    /** UTF-8 bytes as text, each byte that is not part of a valid sequence becoming U+FFFD (as SentencePiece). */
    static String decodeBytes(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length);
        int i = 0;
        while (i < bytes.length) {
            int b = bytes[i] & 0xFF;
            int length = b < 0x80 ? 1 : b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 0;
            int cp = length == 1 ? b : length == 2 ? b & 0x1F : length == 3 ? b & 0x0F : b & 0x07;
            boolean valid = length > 0 && i + length <= bytes.length;
            for (int k = 1; valid && k < length; k++) {
                int c = bytes[i + k] & 0xFF;
                valid = (c & 0xC0) == 0x80;
                cp = cp << 6 | (c & 0x3F);
            }
            valid &= length < 3 || (length == 3 ? cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF) : cp >= 0x10000 && cp <= 0x10FFFF);
            if (valid) {
                out.appendCodePoint(cp);
                i += length;
            } else {
                out.append('\uFFFD');
                i++;
            }
        }
        return out.toString();
    }

    private static int[] codePointStarts(String text) {
        int n = text.codePointCount(0, text.length());
        int[] starts = new int[n + 1];
        int at = 0;
        for (int i = 0; i < n; i++) {
            starts[i] = at;
            at = text.offsetByCodePoints(at, 1);
        }
        starts[n] = text.length();
        return starts;
    }
}
