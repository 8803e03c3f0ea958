package org.transformer4j.tokenizer;

import java.io.ByteArrayOutputStream;

/**
 * Generalized UTF-8 ("WTF-8", https://simonsapin.github.io/wtf-8/): UTF-8 that also encodes unpaired
 * surrogates as three bytes, so that every Java string, well-formed or not, maps to bytes and back exactly.
 * The byte-level BPE works on these bytes; for well-formed text they are plain UTF-8.
 */
final class Wtf8 {
    private Wtf8() {
    }

    /** The bytes of s; surrogate pairs become one 4-byte sequence, unpaired surrogates 3 bytes each. */
    static byte[] encode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int cp = c;
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                cp = Character.toCodePoint(c, s.charAt(++i));
            }
            if (cp < 0x80) {
                out.write(cp);
            } else if (cp < 0x800) {
                out.write(0xC0 | cp >>> 6);
                out.write(0x80 | cp & 0x3F);
            } else if (cp < 0x10000) {
                out.write(0xE0 | cp >>> 12);
                out.write(0x80 | cp >>> 6 & 0x3F);
                out.write(0x80 | cp & 0x3F);
            } else {
                out.write(0xF0 | cp >>> 18);
                out.write(0x80 | cp >>> 12 & 0x3F);
                out.write(0x80 | cp >>> 6 & 0x3F);
                out.write(0x80 | cp & 0x3F);
            }
        }
        return out.toByteArray();
    }

    /**
     * The text of bytes[0, length); each byte that does not start a complete, shortest-form sequence becomes
     * U+FFFD, so arbitrary id sequences (a model's output) still decode.
     */
    static String decode(byte[] bytes, int length) {
        StringBuilder sb = new StringBuilder(length);
        int i = 0;
        while (i < length) {
            int n = sequenceLength(bytes, i, length);
            if (n == 0) {
                sb.append('\uFFFD');
                i++;
                continue;
            }
            int b0 = bytes[i] & 0xFF;
            int cp = switch (n) {
                case 1 -> b0;
                case 2 -> (b0 & 0x1F) << 6 | bytes[i + 1] & 0x3F;
                case 3 -> (b0 & 0x0F) << 12 | (bytes[i + 1] & 0x3F) << 6 | bytes[i + 2] & 0x3F;
                default -> (b0 & 0x07) << 18 | (bytes[i + 1] & 0x3F) << 12 | (bytes[i + 2] & 0x3F) << 6
                        | bytes[i + 3] & 0x3F;
            };
            sb.appendCodePoint(cp);
            i += n;
        }
        return sb.toString();
    }

    /** Whether bytes decode without any replacement character being invented. */
    static boolean isWellFormed(byte[] bytes) {
        int i = 0;
        while (i < bytes.length) {
            int n = sequenceLength(bytes, i, bytes.length);
            if (n == 0) {
                return false;
            }
            i += n;
        }
        return true;
    }

    /** The length of the valid sequence starting at i, or 0 when none starts there. */
    private static int sequenceLength(byte[] b, int i, int end) {
        int b0 = b[i] & 0xFF;
        if (b0 < 0x80) {
            return 1;
        }
        int n;
        int lo = 0x80;
        int hi = 0xBF;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            n = 2;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            n = 3;
            if (b0 == 0xE0) {
                lo = 0xA0; // shortest form
            }
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            n = 4;
            if (b0 == 0xF0) {
                lo = 0x90;
            } else if (b0 == 0xF4) {
                hi = 0x8F; // at most U+10FFFF
            }
        } else {
            return 0;
        }
        if (i + n > end) {
            return 0;
        }
        int b1 = b[i + 1] & 0xFF;
        if (b1 < lo || b1 > hi) {
            return 0;
        }
        for (int k = 2; k < n; k++) {
            if ((b[i + k] & 0xC0) != 0x80) {
                return 0;
            }
        }
        return n;
    }
}
