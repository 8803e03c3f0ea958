package org.transformer4j.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/**
 * Random Unicode text for round-trip tests: ASCII words and spaces, every kind of whitespace, control
 * characters, combining marks, Latin and CJK letters, emoji (surrogate pairs, ZWJ sequences), unpaired
 * surrogates and any code point at all.
 */
final class RandomText {
    private static final int[] WHITESPACE = {' ', ' ', ' ', '\t', '\n', '\r', 0x0B, 0x0C, 0x85, 0xA0, 0x1680,
        0x2007, 0x2028, 0x2029, 0x3000, 0x200B, 0xFEFF};
    private static final int[] EMOJI_GLUE = {0x200D, 0xFE0F, 0x1F3FB, 0x1F3FF, 0x20E3};

    private RandomText() {
    }

    /** One code point of a weighted mix of kinds (weights sum to 100). */
    static int codePoint(Random r) {
        int k = r.nextInt(100);
        if (k < 30) {
            return 'a' + r.nextInt(26);
        } else if (k < 40) {
            return WHITESPACE[r.nextInt(WHITESPACE.length)];
        } else if (k < 48) {
            return 0x21 + r.nextInt(0x5E); // ASCII punctuation, digits, letters
        } else if (k < 52) {
            return r.nextInt(0x20); // C0 controls, NUL included
        } else if (k < 60) {
            return 0x300 + r.nextInt(0x70); // combining diacritical marks
        } else if (k < 67) {
            return 0xC0 + r.nextInt(0x190); // Latin-1 and Latin Extended
        } else if (k < 72) {
            return 0x4E00 + r.nextInt(0x5200); // CJK
        } else if (k < 82) {
            return r.nextInt(4) == 0 ? EMOJI_GLUE[r.nextInt(EMOJI_GLUE.length)] : 0x1F300 + r.nextInt(0x800);
        } else if (k < 88) {
            return 0xD800 + r.nextInt(0x800); // unpaired (or, by chance, paired) surrogates
        } else {
            return r.nextInt(Character.MAX_CODE_POINT + 1);
        }
    }

    /** A string of up to maxLength code points. */
    static String string(Random r, int maxLength) {
        int n = r.nextInt(maxLength + 1);
        StringBuilder sb = new StringBuilder(n * 2);
        for (int i = 0; i < n; i++) {
            sb.appendCodePoint(codePoint(r));
        }
        return sb.toString();
    }

    /** count strings of up to maxLength code points from a fixed seed. */
    static List<String> strings(long seed, int count, int maxLength) {
        Random r = new Random(seed);
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(string(r, maxLength));
        }
        return out;
    }

    /** The same mix as a jqwik arbitrary, so failures shrink to a small string. */
    @SuppressWarnings("unchecked")
    static Arbitrary<String> arbitrary(int maxLength) {
        Arbitrary<Integer> cp = Arbitraries.frequencyOf(
                Tuple.of(30, Arbitraries.integers().between('a', 'z')),
                Tuple.of(10, Arbitraries.of(WHITESPACE[0], WHITESPACE[3], WHITESPACE[4], WHITESPACE[5], WHITESPACE[6],
                        WHITESPACE[9], WHITESPACE[12], WHITESPACE[14], WHITESPACE[16])),
                Tuple.of(8, Arbitraries.integers().between(0x21, 0x7E)),
                Tuple.of(4, Arbitraries.integers().between(0, 0x1F)),
                Tuple.of(8, Arbitraries.integers().between(0x300, 0x36F)),
                Tuple.of(7, Arbitraries.integers().between(0xC0, 0x24F)),
                Tuple.of(5, Arbitraries.integers().between(0x4E00, 0x9FFF)),
                Tuple.of(10, Arbitraries.oneOf(Arbitraries.integers().between(0x1F300, 0x1FAFF),
                        Arbitraries.of(0x200D, 0xFE0F, 0x1F3FB, 0x20E3))),
                Tuple.of(6, Arbitraries.integers().between(0xD800, 0xDFFF)),
                Tuple.of(12, Arbitraries.integers().between(0, Character.MAX_CODE_POINT)));
        return cp.list().ofMaxSize(maxLength).map(list -> {
            StringBuilder sb = new StringBuilder(list.size() * 2);
            list.forEach(sb::appendCodePoint);
            return sb.toString();
        });
    }
}
