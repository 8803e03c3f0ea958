package org.transformer4j.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a SentencePiece model file ({@code *.model}, Opus-MT's {@code source.spm}/{@code target.spm}) holds:
 * the pieces with their scores and kinds, the segmentation algorithm and the normalizer settings. It is
 * Google SentencePiece's {@code ModelProto} in protobuf wire format; only the fields that encoding and
 * decoding use are read, the rest (training settings) are skipped.
 *
 * @param label                 the file, for error messages
 * @param pieces                the pieces by id
 * @param scores                their scores (log probabilities for unigram models, merge priorities for BPE)
 * @param kinds                 their kinds
 * @param algorithm             how text is segmented
 * @param byteFallback          unknown characters become their UTF-8 bytes as {@code <0xXX>} pieces
 * @param unknownSurface        what an unknown piece decodes to (" ⁇ " by default)
 * @param normalizerName        the normalization rule's name ("nmt_nfkc", "identity", ...)
 * @param charsMap              the precompiled character map of the normalization rule (empty: none)
 * @param addDummyPrefix        a whitespace is added in front of the text
 * @param removeExtraWhitespaces leading, trailing and repeated whitespace is removed
 * @param escapeWhitespaces     whitespace becomes U+2581 (▁)
 */
public record SentencePieceModel(String label, List<String> pieces, float[] scores, List<Kind> kinds, Algorithm algorithm,
                                 boolean byteFallback, String unknownSurface, String normalizerName, byte[] charsMap,
                                 boolean addDummyPrefix, boolean removeExtraWhitespaces, boolean escapeWhitespaces) {

    /** The kinds of pieces (SentencePiece's {@code SentencePiece.Type}, numbered as in the file). */
    public enum Kind {
        NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE;

        static Kind of(long number, ProtoWire in) {
            return switch ((int) number) {
                case 1 -> NORMAL;
                case 2 -> UNKNOWN;
                case 3 -> CONTROL;
                case 4 -> USER_DEFINED;
                case 5 -> UNUSED;
                case 6 -> BYTE;
                default -> throw in.error(0, "piece type " + number + " is not one of 1..6");
            };
        }
    }

    /** Segmentation algorithms ({@code TrainerSpec.ModelType}). */
    public enum Algorithm { UNIGRAM, BPE, WORD, CHAR }

    /** The largest model file read (real ones are a few MB). */
    static final long MAX_FILE_BYTES = 512L << 20;
    /** The most pieces a model may have. */
    static final int MAX_PIECES = 4_000_000;

    /** Reads a model file; a garbled, truncated or unsupported file is one IllegalArgumentException line. */
    public static SentencePieceModel read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such file");
        }
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new IllegalArgumentException(file + ": " + size + " bytes is more than a SentencePiece model has (at most "
                    + MAX_FILE_BYTES + ")");
        }
        return parse(file.toString(), Files.readAllBytes(file));
    }

    /** Parses a model file's bytes; label names it in errors. */
    public static SentencePieceModel parse(String label, byte[] bytes) {
        ProtoWire in = new ProtoWire(label, bytes, 0, bytes.length);
        List<String> pieces = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        List<Kind> kinds = new ArrayList<>();
        Algorithm algorithm = Algorithm.UNIGRAM;
        boolean byteFallback = false;
        boolean suffix = false;
        String unknownSurface = " \u2047 ";
        String name = "";
        byte[] charsMap = new byte[0];
        boolean dummyPrefix = true;
        boolean removeSpaces = true;
        boolean escape = true;
        boolean sawNormalizer = false;
        while (in.hasMore()) {
            switch (in.next()) {
                case 1 -> {
                    if (pieces.size() >= MAX_PIECES) {
                        throw in.error(0, "more than " + MAX_PIECES + " pieces");
                    }
                    ProtoWire p = in.message("pieces");
                    String piece = null;
                    float score = 0;
                    Kind kind = Kind.NORMAL;
                    while (p.hasMore()) {
                        switch (p.next()) {
                            case 1 -> piece = p.string("piece");
                            case 2 -> score = p.floatValue("score");
                            case 3 -> kind = Kind.of(p.varintValue("type"), p);
                            default -> p.skip();
                        }
                    }
                    pieces.add(piece);
                    scores.add(score);
                    kinds.add(kind);
                }
                case 2 -> {
                    ProtoWire t = in.message("trainer_spec");
                    while (t.hasMore()) {
                        switch (t.next()) {
                            case 3 -> {
                                long type = t.varintValue("model_type");
                                if (type < 1 || type > 4) {
                                    throw t.error(0, "model_type " + type + " is not one of 1..4");
                                }
                                algorithm = Algorithm.values()[(int) type - 1];
                            }
                            case 24 -> suffix = t.varintValue("treat_whitespace_as_suffix") != 0;
                            case 35 -> byteFallback = t.varintValue("byte_fallback") != 0;
                            case 44 -> unknownSurface = t.string("unk_surface");
                            default -> t.skip();
                        }
                    }
                }
                case 3 -> {
                    sawNormalizer = true;
                    ProtoWire n = in.message("normalizer_spec");
                    while (n.hasMore()) {
                        switch (n.next()) {
                            case 1 -> name = n.string("normalizer_spec.name");
                            case 2 -> charsMap = n.bytes("precompiled_charsmap");
                            case 3 -> dummyPrefix = n.varintValue("add_dummy_prefix") != 0;
                            case 4 -> removeSpaces = n.varintValue("remove_extra_whitespaces") != 0;
                            case 5 -> escape = n.varintValue("escape_whitespaces") != 0;
                            default -> n.skip();
                        }
                    }
                }
                default -> in.skip();
            }
        }
        if (pieces.isEmpty()) {
            throw new IllegalArgumentException(label + ": not a SentencePiece model (no pieces)");
        }
        if (!sawNormalizer) {
            throw new IllegalArgumentException(label + ": not a SentencePiece model (no normalizer_spec)");
        }
        if (suffix) {
            throw new IllegalArgumentException(label + ": treat_whitespace_as_suffix = true is not supported");
        }
        if (algorithm == Algorithm.WORD || algorithm == Algorithm.CHAR) {
            throw new IllegalArgumentException(label + ": model_type " + algorithm + " is not supported (UNIGRAM and BPE are)");
        }
        Map<String, Integer> seen = new HashMap<>();
        int unknowns = 0;
        for (int i = 0; i < pieces.size(); i++) {
            String piece = pieces.get(i);
            if (piece == null || piece.isEmpty()) {
                throw new IllegalArgumentException(label + ": piece " + i + " is empty");
            }
            Integer before = seen.putIfAbsent(piece, i);
            if (before != null) {
                throw new IllegalArgumentException(label + ": piece " + i + " \"" + piece + "\" repeats piece " + before);
            }
            if (kinds.get(i) == Kind.UNKNOWN) {
                unknowns++;
            }
            if (kinds.get(i) == Kind.BYTE && byteValue(piece) < 0) {
                throw new IllegalArgumentException(label + ": byte piece " + i + " is \"" + piece + "\", not <0xHH>");
            }
        }
        if (unknowns != 1) {
            throw new IllegalArgumentException(label + ": " + unknowns + " pieces of type UNKNOWN; a model has exactly one");
        }
        float[] s = new float[scores.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = scores.get(i);
        }
        return new SentencePieceModel(label, List.copyOf(pieces), s, List.copyOf(kinds), algorithm, byteFallback,
                unknownSurface, name, charsMap, dummyPrefix, removeSpaces, escape);
    }

    /** The byte a {@code <0xHH>} piece stands for, or -1 if piece is not one. */
    static int byteValue(String piece) {
        if (piece.length() != 6 || !piece.startsWith("<0x") || piece.charAt(5) != '>') {
            return -1;
        }
        int hi = Character.digit(piece.charAt(3), 16);
        int lo = Character.digit(piece.charAt(4), 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }

    /** The number of pieces. */
    public int size() {
        return pieces.size();
    }
}
