package org.transformer4j.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * SentencePiece's normalizer: the model's precompiled character map (a double-array trie over UTF-8 bytes
 * whose values point into a blob of replacement strings; "nmt_nfkc" is NFKC plus SentencePiece's own rules),
 * then its whitespace rules: leading, trailing and repeated whitespace removed, a whitespace added in front,
 * whitespace written as U+2581 (▁). User-defined pieces are copied as they are, never normalized.
 *
 * <p>The map is read as SentencePiece stores it: a little-endian uint32 with the trie's size in bytes, the
 * trie's 32-bit units (the Darts-clone layout: a unit holds a label byte, an offset to its children and a
 * has-leaf bit; a leaf unit holds a value), then NUL-terminated replacement strings. At each position the
 * longest key that matches wins; where none does, one character is copied unchanged.
 */
final class SentencePieceNormalizer {
    private static final byte[] SPACE_SYMBOL = "\u2581".getBytes(StandardCharsets.UTF_8);

    private final String label;
    private final int[] units;
    private final byte[] replacements;
    private final boolean addDummyPrefix;
    private final boolean removeExtraWhitespaces;
    private final boolean escapeWhitespaces;
    private final byte[][] userDefined;

    SentencePieceNormalizer(SentencePieceModel model, List<String> userDefinedPieces) {
        this.label = model.label();
        this.addDummyPrefix = model.addDummyPrefix();
        this.removeExtraWhitespaces = model.removeExtraWhitespaces();
        this.escapeWhitespaces = model.escapeWhitespaces();
        this.userDefined = userDefinedPieces.stream().map(p -> p.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
        byte[] map = model.charsMap();
        if (map.length == 0) {
            units = new int[0];
            replacements = new byte[0];
        } else {
            if (map.length < 4) {
                throw invalid("precompiled_charsmap has " + map.length + " bytes, fewer than its 4-byte header");
            }
            long trieBytes = readUint32(map, 0);
            if (trieBytes % 4 != 0 || trieBytes > map.length - 4L || trieBytes == 0) {
                throw invalid("precompiled_charsmap's trie size " + trieBytes + " does not fit its " + map.length + " bytes");
            }
            units = new int[(int) (trieBytes / 4)];
            for (int i = 0; i < units.length; i++) {
                units[i] = (int) readUint32(map, 4 + 4 * i);
            }
            replacements = new byte[map.length - 4 - (int) trieBytes];
            System.arraycopy(map, 4 + (int) trieBytes, replacements, 0, replacements.length);
            // Every inner unit that says it has a leaf must point at one inside the trie whose value points into
            // the replacements: checked once here, so a corrupt map fails on loading, not on some later text.
            for (int i = 0; i < units.length; i++) {
                int unit = units[i];
                if (unit >= 0 && ((unit >>> 8) & 1) != 0) {
                    int leaf = i ^ offset(unit);
                    if (leaf < 0 || leaf >= units.length) {
                        throw invalid("precompiled_charsmap's trie points outside itself");
                    }
                    if ((units[leaf] & 0x7FFFFFFF) >= replacements.length) {
                        throw invalid("precompiled_charsmap's value " + (units[leaf] & 0x7FFFFFFF) + " is outside its "
                                + replacements.length + " bytes of replacements");
                    }
                }
            }
        }
    }

    /** The normalized text: what the segmentation sees. */
    String normalize(String text) {
        byte[] in = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + 8);
        int[] span = new int[3];                                      // consumed, replacement start, end
        int pos = 0;
        if (removeExtraWhitespaces) {
            while (pos < in.length) {
                byte[] piece = prefix(in, pos, span);
                if (!isSingleSpace(piece, span)) {
                    break;
                }
                pos += span[0];
            }
        }
        if (pos == in.length) {
            return "";
        }
        if (addDummyPrefix) {
            writeSpace(out);
        }
        boolean previousSpace = removeExtraWhitespaces;
        while (pos < in.length) {
            byte[] piece = prefix(in, pos, span);
            int from = span[1];
            int to = span[2];
            while (previousSpace && from < to && piece[from] == ' ') {
                from++;
            }
            if (from < to) {
                for (int i = from; i < to; i++) {
                    if (piece[i] == ' ' && escapeWhitespaces) {
                        out.writeBytes(SPACE_SYMBOL);
                    } else {
                        out.write(piece[i]);
                    }
                }
                previousSpace = removeExtraWhitespaces && piece[to - 1] == ' ';
            }
            pos += span[0];
        }
        byte[] result = out.toByteArray();
        int length = result.length;
        if (removeExtraWhitespaces) {
            byte[] space = escapeWhitespaces ? SPACE_SYMBOL : new byte[] {' '};
            while (length >= space.length && endsWith(result, length, space)) {
                length -= space.length;
            }
        }
        return new String(result, 0, length, StandardCharsets.UTF_8);
    }

    /**
     * The normalization of the longest prefix of in[pos..]: returns the array holding the replacement and sets
     * span to {bytes consumed, replacement start, replacement end}.
     */
    private byte[] prefix(byte[] in, int pos, int[] span) {
        int user = 0;
        for (byte[] u : userDefined) {
            if (u.length > user && startsWith(in, pos, u)) {
                user = u.length;
            }
        }
        if (user > 0) {
            span[0] = user;
            span[1] = pos;
            span[2] = pos + user;
            return in;
        }
        int matched = 0;
        int value = -1;
        if (units.length > 0) {
            int node = offset(units[0]);
            for (int i = pos; i < in.length; i++) {
                int b = in[i] & 0xFF;
                if (b == 0) {
                    break;
                }
                node ^= b;
                if (node < 0 || node >= units.length) {
                    break;
                }
                int unit = units[node];
                if ((unit & 0x800000FF) != b) {
                    break;
                }
                node ^= offset(unit);
                if (((unit >>> 8) & 1) != 0) {
                    if (node < 0 || node >= units.length) {
                        throw invalid("precompiled_charsmap's trie points outside itself");
                    }
                    matched = i - pos + 1;
                    value = units[node] & 0x7FFFFFFF;
                }
            }
        }
        if (matched > 0) {
            if (value >= replacements.length) {
                throw invalid("precompiled_charsmap's value " + value + " is outside its " + replacements.length
                        + " bytes of replacements");
            }
            int end = value;
            while (end < replacements.length && replacements[end] != 0) {
                end++;
            }
            span[0] = matched;
            span[1] = value;
            span[2] = end;
            return replacements;
        }
        int length = Math.min(utf8Length(in[pos]), in.length - pos);
        span[0] = length;
        span[1] = pos;
        span[2] = pos + length;
        return in;
    }

    private static int offset(int unit) {
        return (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
    }

    private static int utf8Length(byte lead) {
        int b = lead & 0xFF;
        return b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    }

    private static boolean isSingleSpace(byte[] piece, int[] span) {
        return span[2] - span[1] == 1 && piece[span[1]] == ' ';
    }

    private void writeSpace(ByteArrayOutputStream out) {
        if (escapeWhitespaces) {
            out.writeBytes(SPACE_SYMBOL);
        } else {
            out.write(' ');
        }
    }

    private static boolean startsWith(byte[] in, int pos, byte[] prefix) {
        if (in.length - pos < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (in[pos + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean endsWith(byte[] a, int length, byte[] suffix) {
        for (int i = 0; i < suffix.length; i++) {
            if (a[length - suffix.length + i] != suffix[i]) {
                return false;
            }
        }
        return true;
    }

    private static long readUint32(byte[] a, int at) {
        return (a[at] & 0xFFL) | (a[at + 1] & 0xFFL) << 8 | (a[at + 2] & 0xFFL) << 16 | (a[at + 3] & 0xFFL) << 24;
    }

    private IllegalArgumentException invalid(String problem) {
        return new IllegalArgumentException(label + ": not a valid SentencePiece model: " + problem);
    }
}
