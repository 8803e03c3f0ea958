package org.transformer4j.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.transformer4j.tensor.Rng;

/**
 * The built-in translation task: German number words to English number words, generated deterministically
 * (342105: "dreihundertzweiundvierzigtausendeinhundertfünf" to "three hundred forty-two thousand one hundred
 * five").
 *
 * <p>German rules, as written in running text (Duden):
 * <ul>
 * <li>0 "null"; 1..12 "eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf"; 13..19 the unit
 * plus "zehn", with "sechzehn" and "siebzehn" dropping "s"/"en"; tens "zwanzig dreißig vierzig fünfzig
 * sechzig siebzig achtzig neunzig".</li>
 * <li>21..99 unit, "und", tens, all one word: "einundzwanzig", "neunundneunzig"; the unit 1 is "ein".</li>
 * <li>Hundreds and thousands are written as one word with their count in front, always with "ein" for
 * one: 100 "einhundert", 1000 "eintausend", 101000 "einhunderteintausend".</li>
 * <li>A final 1 is "eins" ("einhunderteins", "eintausendeins"), but 1 before "tausend" is "ein".</li>
 * <li>Millions are separate words: 1 000 000 "eine Million", 2 000 000 "zwei Millionen", a count ending in
 * 1 uses "eine" ("einhunderteine Millionen"); the rest follows after a space: "eine Million eins".</li>
 * </ul>
 * English (American style, no "and"): "zero", "one".."nineteen", tens hyphenated with units ("forty-two"),
 * "one hundred", "three hundred forty-two thousand one hundred five", "two million one".
 */
public final class NumberWords {
    /** The default largest number of the task. */
    public static final int DEFAULT_MAX = 999_999;
    /** The largest number that has words here. */
    public static final int LIMIT = 999_999_999;

    private static final String[] DE_UNITS = {"", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben",
        "acht", "neun", "zehn", "elf", "zwölf", "dreizehn", "vierzehn", "fünfzehn", "sechzehn", "siebzehn",
        "achtzehn", "neunzehn"};
    private static final String[] DE_TENS = {"", "zehn", "zwanzig", "dreißig", "vierzig", "fünfzig", "sechzig",
        "siebzig", "achtzig", "neunzig"};
    private static final String[] EN_UNITS = {"", "one", "two", "three", "four", "five", "six", "seven", "eight",
        "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
        "nineteen"};
    private static final String[] EN_TENS = {"", "ten", "twenty", "thirty", "forty", "fifty", "sixty", "seventy",
        "eighty", "ninety"};

    private NumberWords() {
    }

    /** The German words for n in [0, 999 999 999]. */
    public static String german(int n) {
        check(n);
        if (n == 0) {
            return "null";
        }
        int millions = n / 1_000_000;
        int rest = n % 1_000_000;
        StringBuilder sb = new StringBuilder();
        if (millions == 1) {
            sb.append("eine Million");
        } else if (millions > 1) {
            sb.append(germanBelow1000(millions, "eine")).append(" Millionen");
        }
        if (rest > 0) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            int thousands = rest / 1000;
            int below = rest % 1000;
            if (thousands > 0) {
                sb.append(germanBelow1000(thousands, "ein")).append("tausend");
            }
            if (below > 0) {
                sb.append(germanBelow1000(below, "eins"));
            }
        }
        return sb.toString();
    }

    /** n in [1, 999]; one is how a final 1 reads ("eins", or "ein"/"eine" before a larger unit). */
    private static String germanBelow1000(int n, String one) {
        StringBuilder sb = new StringBuilder();
        int hundreds = n / 100;
        int rest = n % 100;
        if (hundreds > 0) {
            sb.append(hundreds == 1 ? "ein" : DE_UNITS[hundreds]).append("hundert");
        }
        if (rest == 1) {
            sb.append(one);
        } else if (rest > 0 && rest < 20) {
            sb.append(DE_UNITS[rest]);
        } else if (rest >= 20) {
            int unit = rest % 10;
            if (unit > 0) {
                sb.append(unit == 1 ? "ein" : DE_UNITS[unit]).append("und");
            }
            sb.append(DE_TENS[rest / 10]);
        }
        return sb.toString();
    }

    /** The English words for n in [0, 999 999 999]. */
    public static String english(int n) {
        check(n);
        if (n == 0) {
            return "zero";
        }
        List<String> parts = new ArrayList<>(3);
        if (n >= 1_000_000) {
            parts.add(englishBelow1000(n / 1_000_000) + " million");
        }
        if (n / 1000 % 1000 > 0) {
            parts.add(englishBelow1000(n / 1000 % 1000) + " thousand");
        }
        if (n % 1000 > 0) {
            parts.add(englishBelow1000(n % 1000));
        }
        return String.join(" ", parts);
    }

    private static String englishBelow1000(int n) {
        int hundreds = n / 100;
        int rest = n % 100;
        String tail = rest == 0 ? "" : rest < 20 ? EN_UNITS[rest]
                : EN_TENS[rest / 10] + (rest % 10 == 0 ? "" : "-" + EN_UNITS[rest % 10]);
        if (hundreds == 0) {
            return tail;
        }
        return EN_UNITS[hundreds] + " hundred" + (tail.isEmpty() ? "" : " " + tail);
    }

    /** The example for n: German source, English target. */
    public static TextPair pair(int n) {
        return new TextPair(german(n), english(n));
    }

    /** {@link #splits(long, int, int, int, int)} over the default range [0, 999 999]. */
    public static Splits splits(long seed, int train, int dev, int test) {
        return splits(seed, train, dev, test, DEFAULT_MAX);
    }

    /**
     * Disjoint train, dev and test examples of distinct numbers drawn from [0, max]: the first
     * train + dev + test numbers of a random permutation of the range, from seed alone (a sparse
     * Fisher-Yates shuffle, so memory is proportional to the numbers drawn, not to max).
     */
    public static Splits splits(long seed, int train, int dev, int test, int max) {
        if (max < 0 || max > LIMIT) {
            throw new IllegalArgumentException("max must be in [0, " + LIMIT + "], got " + max);
        }
        if (train < 0 || dev < 0 || test < 0) {
            throw new IllegalArgumentException("split sizes must be non-negative, got train " + train + ", dev "
                    + dev + ", test " + test);
        }
        long total = (long) train + dev + test;
        if (total > max + 1L) {
            throw new IllegalArgumentException("train " + train + " + dev " + dev + " + test " + test + " = " + total
                    + " distinct numbers do not fit in [0, " + max + "]");
        }
        Rng rng = new Rng(seed);
        Map<Integer, Integer> swapped = new HashMap<>();
        List<TextPair> all = new ArrayList<>((int) total);
        int size = max + 1;
        for (int i = 0; i < total; i++) {
            int j = i + rng.nextInt(size - i);
            int atJ = swapped.getOrDefault(j, j);
            swapped.put(j, swapped.getOrDefault(i, i));
            all.add(pair(atJ));
        }
        return new Splits(all.subList(0, train), all.subList(train, train + dev),
                all.subList(train + dev, (int) total));
    }

    /**
     * Splits drawn so that every length in digits is equally likely (a uniform draw from [0, 999 999] is 90%
     * six-digit numbers, and a model trained on it never sees "zweiundvierzig" alone), with held-out numbers
     * of every length:
     * <ul>
     *   <li>test, then dev: distinct numbers of 2 to max's digits, each length equally likely, at most a tenth
     *       of a length's numbers (9 of the two-digit ones); single digits are vocabulary, never held out;</li>
     *   <li>train: numbers of 1 to max's digits, each length equally likely, drawn with replacement (the ten
     *       one-digit numbers recur about train / digits / 10 times each), never a held-out number.</li>
     * </ul>
     */
    public static Splits splitsByLength(long seed, int train, int dev, int test, int max) {
        if (max < 10 || max > LIMIT) {
            throw new IllegalArgumentException("max must be in [10, " + LIMIT + "], got " + max);
        }
        if (train < 0 || dev < 0 || test < 0) {
            throw new IllegalArgumentException("split sizes must be non-negative, got train " + train + ", dev "
                    + dev + ", test " + test);
        }
        int digits = Integer.toString(max).length();
        long capacity = 0;
        for (int d = 2; d <= digits; d++) {
            capacity += lengthCount(d, max) / 10;
        }
        if (dev + test > capacity) {
            throw new IllegalArgumentException("dev " + dev + " + test " + test + " is more than the " + capacity
                    + " numbers that may be held out of [0, " + max + "] (a tenth of each length)");
        }
        Rng rng = new Rng(seed);
        java.util.LinkedHashSet<Integer> held = new java.util.LinkedHashSet<>();
        int[] heldOfLength = new int[digits + 1];
        while (held.size() < dev + test) {
            int d = 2 + rng.nextInt(digits - 1);
            if (heldOfLength[d] >= lengthCount(d, max) / 10) {
                continue;   // this length has given its tenth
            }
            if (held.add(lengthStart(d) + rng.nextInt(lengthCount(d, max)))) {
                heldOfLength[d]++;
            }
        }
        List<TextPair> heldOut = new ArrayList<>(dev + test);
        held.forEach(n -> heldOut.add(pair(n)));
        List<TextPair> trainPairs = new ArrayList<>(train);
        while (trainPairs.size() < train) {
            int d = 1 + rng.nextInt(digits);
            int n = lengthStart(d) + rng.nextInt(lengthCount(d, max));
            if (!held.contains(n)) {
                trainPairs.add(pair(n));
            }
        }
        return new Splits(trainPairs, heldOut.subList(test, test + dev), heldOut.subList(0, test));
    }

    /** The smallest number of d digits (0 for d = 1). */
    private static int lengthStart(int d) {
        return d == 1 ? 0 : (int) Math.pow(10, d - 1);
    }

    /** How many numbers of d digits are at most max. */
    private static int lengthCount(int d, int max) {
        return (int) Math.min(max, (long) Math.pow(10, d) - 1) - lengthStart(d) + 1;
    }

    private static void check(int n) {
        if (n < 0 || n > LIMIT) {
            throw new IllegalArgumentException("number must be in [0, " + LIMIT + "], got " + n);
        }
    }
}
