package org.transformer4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class NumberWordsTest {

    /** Hand-checked against the Duden rules in NumberWords' Javadoc. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0|null|zero",
        "1|eins|one",
        "11|elf|eleven",
        "12|zwölf|twelve",
        "16|sechzehn|sixteen",
        "17|siebzehn|seventeen",
        "21|einundzwanzig|twenty-one",
        "30|dreißig|thirty",
        "70|siebzig|seventy",
        "99|neunundneunzig|ninety-nine",
        "100|einhundert|one hundred",
        "101|einhunderteins|one hundred one",
        "1000|eintausend|one thousand",
        "1001|eintausendeins|one thousand one",
        "1010|eintausendzehn|one thousand ten",
        "21000|einundzwanzigtausend|twenty-one thousand",
        "101000|einhunderteintausend|one hundred one thousand",
        "342105|dreihundertzweiundvierzigtausendeinhundertfünf|three hundred forty-two thousand one hundred five",
        "999999|neunhundertneunundneunzigtausendneunhundertneunundneunzig"
                + "|nine hundred ninety-nine thousand nine hundred ninety-nine",
        "1000000|eine Million|one million",
        "1000001|eine Million eins|one million one",
        "2000000|zwei Millionen|two million",
        "101000000|einhunderteine Millionen|one hundred one million",
        "21345678|einundzwanzig Millionen dreihundertfünfundvierzigtausendsechshundertachtundsiebzig"
                + "|twenty-one million three hundred forty-five thousand six hundred seventy-eight",
    })
    void wordsOfHandCheckedNumbers(int n, String german, String english) {
        assertEquals(german, NumberWords.german(n));
        assertEquals(english, NumberWords.english(n));
        assertEquals(new TextPair(german, english), NumberWords.pair(n));
    }

    @Test
    void wordsAreDistinctAndGermanIsOneWordBelowAMillion() {
        Set<String> german = new HashSet<>();
        Set<String> english = new HashSet<>();
        for (int n = 0; n < 200_000; n++) {
            String g = NumberWords.german(n);
            assertFalse(g.contains(" ") || g.contains("einsh") || g.contains("einst"), g);
            assertTrue(german.add(g), g);
            assertTrue(english.add(NumberWords.english(n)), NumberWords.english(n));
        }
    }

    @Test
    void rejectsNumbersOutsideTheRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NumberWords.german(-1));
        assertEquals("number must be in [0, 999999999], got -1", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NumberWords.english(1_000_000_000));
    }

    @Test
    void splitsAreDisjointAndDeterministic() {
        Splits a = NumberWords.splits(42, 5000, 500, 500);
        assertEquals(5000, a.train().size());
        assertEquals(500, a.dev().size());
        assertEquals(500, a.test().size());
        Set<String> sources = new HashSet<>();
        for (List<TextPair> part : List.of(a.train(), a.dev(), a.test())) {
            for (TextPair p : part) {
                assertTrue(sources.add(p.source()), "repeated " + p);
            }
        }
        assertEquals(a, NumberWords.splits(42, 5000, 500, 500));
        assertNotEquals(a.train(), NumberWords.splits(43, 5000, 500, 500).train());
    }

    @Test
    void splitsCoverASmallRangeExactlyInShuffledOrder() {
        Splits s = NumberWords.splits(7, 80, 10, 10, 99);
        List<TextPair> all = new ArrayList<>(s.train());
        all.addAll(s.dev());
        all.addAll(s.test());
        Set<TextPair> expected = new HashSet<>();
        for (int n = 0; n <= 99; n++) {
            expected.add(NumberWords.pair(n));
        }
        assertEquals(expected, new HashSet<>(all));
        assertNotEquals(NumberWords.pair(0), all.get(0), "not shuffled");
    }

    @Test
    void splitsRejectImpossibleSizes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NumberWords.splits(1, 90, 10, 1, 99));
        assertEquals("train 90 + dev 10 + test 1 = 101 distinct numbers do not fit in [0, 99]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NumberWords.splits(1, 1, 1, 1, 1_000_000_000));
        assertThrows(IllegalArgumentException.class, () -> NumberWords.splits(1, -1, 1, 1));
        assertEquals(3, NumberWords.splits(1, 1, 1, 1, NumberWords.LIMIT).size());
    }

    @org.junit.jupiter.api.Test
    void drawingByLengthGivesEveryLengthItsShareInTrainingAndHoldsOutShortNumbersToo() {
        Splits s = NumberWords.splitsByLength(3, 6000, 500, 1000, NumberWords.DEFAULT_MAX);
        assertEquals(6000, s.train().size());
        assertEquals(500, s.dev().size());
        assertEquals(1000, s.test().size());
        java.util.Set<String> held = new java.util.HashSet<>();
        int[] heldOfLength = new int[7];
        for (TextPair p : concat(s.dev(), s.test())) {
            org.junit.jupiter.api.Assertions.assertTrue(held.add(p.source()), "held out twice: " + p.source());
            heldOfLength[digitsOf(p.target())]++;
        }
        // No held-out number is trained on; single digits are never held out; at most a tenth of a length.
        for (TextPair p : s.train()) {
            org.junit.jupiter.api.Assertions.assertFalse(held.contains(p.source()), "trained on a held-out number: " + p.source());
        }
        assertEquals(0, heldOfLength[1]);
        assertEquals(9, heldOfLength[2], "a tenth of the 90 two-digit numbers");
        assertEquals(90, heldOfLength[3], "a tenth of the 900 three-digit numbers");
        // Training: each of the 6 lengths about a sixth of 6000 (binomial sd ~29), repeats allowed.
        int[] trainOfLength = new int[7];
        for (TextPair p : s.train()) {
            trainOfLength[digitsOf(p.target())]++;
        }
        for (int d = 1; d <= 6; d++) {
            org.junit.jupiter.api.Assertions.assertTrue(Math.abs(trainOfLength[d] - 1000) < 150, "length " + d + ": "
                    + trainOfLength[d]);
        }
        assertEquals(s.train(), NumberWords.splitsByLength(3, 6000, 500, 1000, NumberWords.DEFAULT_MAX).train());
        assertEquals(s.test(), NumberWords.splitsByLength(3, 6000, 500, 1000, NumberWords.DEFAULT_MAX).test());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> NumberWords.splitsByLength(3, 10, 5, 5, 99));   // only 9 two-digit numbers may be held out
    }

    private static java.util.List<TextPair> concat(java.util.List<TextPair> a, java.util.List<TextPair> b) {
        java.util.List<TextPair> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** The number of digits of the number an English number-word string names. */
    private static int digitsOf(String english) {
        return Integer.toString(english2int(english)).length();
    }

    /** Reads English number words ("four hundred sixty-six thousand thirty") back into the number. */
    private static int english2int(String english) {
        java.util.List<String> small = java.util.List.of("zero", "one", "two", "three", "four", "five", "six", "seven",
                "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
                "eighteen", "nineteen");
        java.util.List<String> tens = java.util.List.of("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy",
                "eighty", "ninety");
        int total = 0;
        int group = 0;
        for (String w : english.split(" ")) {
            switch (w) {
                case "hundred" -> group *= 100;
                case "thousand" -> {
                    total += group * 1000;
                    group = 0;
                }
                default -> {
                    for (String part : w.split("-")) {
                        int v = small.indexOf(part) >= 0 ? small.indexOf(part) : 10 * tens.indexOf(part);
                        org.junit.jupiter.api.Assertions.assertTrue(v >= 0, "not a number word: " + part);
                        group += v;
                    }
                }
            }
        }
        return total + group;
    }
}
