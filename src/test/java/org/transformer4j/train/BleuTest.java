package org.transformer4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * BLEU against values worked out by hand from sacreBLEU's definition, the n-gram counts written next to
 * each case; {@link BleuSacreBleuCasesTest} checks the values sacreBLEU's own tests assert.
 */
class BleuTest {
    private static final double EPS = 1e-9;

    @Test
    void identicalCorpusScores100() {
        List<String> text = List.of("the cat sat on the mat", "Hello, world! How are you today?");
        Bleu.Result r = Bleu.corpus(text, text);
        assertEquals(100.0, r.score(), EPS);
        assertArrayEquals(new double[] {100, 100, 100, 100}, r.precisions(), EPS);
        assertEquals(1.0, r.bp(), EPS);
        // 6 + 9 tokens: "Hello , world ! How are you today ?"
        assertEquals(15, r.sysLen());
        assertEquals(15, r.refLen());
    }

    @Test
    void partialMatchWithBrevityPenalty() {
        // hyp "the cat sat on the mat" (6), ref "the cat sat on the red mat today" (8)
        // 1-grams: the x2, cat, sat, on, mat: all in the ref (the x2)                   6/6
        // 2-grams: the cat, cat sat, sat on, on the | the mat (ref has "the red")        4/5
        // 3-grams: the cat sat, cat sat on, sat on the | on the mat                      3/4
        // 4-grams: the cat sat on, cat sat on the | sat on the mat                       2/3
        // geometric mean (1 * 0.8 * 0.75 * 2/3)^(1/4) = 0.4^(1/4); BP = exp(1 - 8/6)     = 56.9836...
        Bleu.Result r = Bleu.corpus(List.of("the cat sat on the mat"), List.of("the cat sat on the red mat today"));
        assertArrayEquals(new long[] {6, 4, 3, 2}, r.correct());
        assertArrayEquals(new long[] {6, 5, 4, 3}, r.total());
        assertArrayEquals(new double[] {100, 80, 75, 200.0 / 3}, r.precisions(), EPS);
        assertEquals(Math.exp(1 - 8.0 / 6), r.bp(), EPS);
        assertEquals(100 * Math.pow(0.4, 0.25) * Math.exp(-1.0 / 3), r.score(), EPS);
        assertEquals(56.98363775444274, r.score(), 1e-9);
        assertEquals(6, r.sysLen());
        assertEquals(8, r.refLen());
    }

    @Test
    void zeroFourGramPrecisionUnderEachSmoothing() {
        // hyp "the cat is on the mat", ref "the cat was on the mat" (6 and 6 tokens, BP 1)
        // 1-grams: the x2, cat, on, mat | is                                            5/6
        // 2-grams: the cat, on the, the mat | cat is, is on                             3/5
        // 3-grams: on the mat | the cat is, cat is on, is on the                        1/4
        // 4-grams: none of the cat is on, cat is on the, is on the mat                  0/3
        List<String> hyp = List.of("the cat is on the mat");
        List<List<String>> ref = List.of(List.of("the cat was on the mat"));
        // exp (sacreBLEU's default): the first zero precision becomes 100 / (2 * 3) = 16.67
        Bleu.Result exp = Bleu.corpusMultiRef(hyp, ref, Bleu.Smoothing.EXP);
        assertArrayEquals(new double[] {500.0 / 6, 60, 25, 100.0 / 6}, exp.precisions(), EPS);
        assertEquals(100 * Math.pow(5.0 / 6 * 0.6 * 0.25 * (1.0 / 6), 0.25), exp.score(), EPS);   // 37.99
        assertEquals(exp.score(), Bleu.corpus(hyp, List.of("the cat was on the mat")).score(), 0.0);
        // none: a zero precision zeroes the score
        Bleu.Result none = Bleu.corpusMultiRef(hyp, ref, Bleu.Smoothing.NONE);
        assertEquals(0.0, none.precisions()[3], 0.0);
        assertEquals(0.0, none.score(), 0.0);
        // floor: 0.1 matches instead of 0, 100 * 0.1 / 3
        Bleu.Result floor = Bleu.corpusMultiRef(hyp, ref, Bleu.Smoothing.FLOOR);
        assertEquals(10.0 / 3, floor.precisions()[3], EPS);
        assertEquals(100 * Math.pow(5.0 / 6 * 0.6 * 0.25 * (1.0 / 30), 0.25), floor.score(), EPS); // 25.41
    }

    @Test
    void expSmoothingHalvesAgainForEachFurtherZero() {
        // hyp "a b c d", ref "a b x y": 1-grams 2/4, 2-grams 1/3 ("a b"), 3-grams 0/2, 4-grams 0/1
        // exp: p3 = 100 / (2 * 2) = 25, p4 = 100 / (4 * 1) = 25
        Bleu.Result r = Bleu.corpus(List.of("a b c d"), List.of("a b x y"));
        assertArrayEquals(new double[] {50, 100.0 / 3, 25, 25}, r.precisions(), EPS);
        assertEquals(100 * Math.pow(0.5 / 3 * 0.25 * 0.25, 0.25), r.score(), EPS);        // 31.95
    }

    @Test
    void noMatchesOrTooShortGiveZero() {
        // No n-gram matches at all: sacreBLEU stops early with score 0 and zero precisions (but reports BP).
        Bleu.Result none = Bleu.corpus(List.of("x y"), List.of("a b c d"));
        assertEquals(0.0, none.score(), 0.0);
        assertArrayEquals(new double[4], none.precisions(), 0.0);
        assertEquals(Math.exp(1 - 4.0 / 2), none.bp(), EPS);
        // Three tokens have no 4-gram: the loop stops at order 4 with precision 0, so even a perfect
        // short corpus scores 0 (sacreBLEU without effective order does the same).
        Bleu.Result shortOne = Bleu.corpus(List.of("a b c"), List.of("a b c"));
        assertArrayEquals(new double[] {100, 100, 100, 0}, shortOne.precisions(), EPS);
        assertEquals(0.0, shortOne.score(), 0.0);
        // An empty hypothesis: BP 0.
        Bleu.Result empty = Bleu.corpus(List.of(""), List.of("a b c d"));
        assertEquals(0.0, empty.score(), 0.0);
        assertEquals(0.0, empty.bp(), 0.0);
    }

    @Test
    void statisticsAddUpOverTheCorpus() {
        // The two sentences above: correct 6+5, 4+3, 3+1, 2+0; totals 6+6, 5+5, 4+4, 3+3;
        // hyp length 12, ref length 8 + 6 = 14, BP exp(1 - 14/12).
        Bleu.Result r = Bleu.corpus(List.of("the cat sat on the mat", "the cat is on the mat"),
                List.of("the cat sat on the red mat today", "the cat was on the mat"));
        assertArrayEquals(new long[] {11, 7, 4, 2}, r.correct());
        assertArrayEquals(new long[] {12, 10, 8, 6}, r.total());
        assertEquals(Math.exp(1 - 14.0 / 12), r.bp(), EPS);
        assertEquals(100 * Math.exp(1 - 14.0 / 12) * Math.pow(11.0 / 12 * 0.7 * 0.5 * (1.0 / 3), 0.25), r.score(), EPS);
        assertEquals(48.40688577985837, r.score(), 1e-9);
    }

    @Test
    void multipleReferencesClipAgainstTheBestAndUseTheClosestLength() {
        // hyp "the cat sat on the mat"; ref1 "the cat is on the mat" (6), ref2 "a cat sat on a mat today" (7)
        // 1-grams: the x2 (ref1), cat, sat (ref2), on, mat                                6/6
        // 2-grams: the cat, on the, the mat (ref1); cat sat, sat on (ref2)               5/5
        // 3-grams: on the mat (ref1), cat sat on (ref2) | the cat sat, sat on the        2/4
        // 4-grams: none                                                                  0/3 -> 100/6
        // ref length: |6 - 6| = 0 beats |6 - 7|, so 6 and BP 1
        Bleu.Result r = Bleu.corpusMultiRef(List.of("the cat sat on the mat"),
                List.of(List.of("the cat is on the mat", "a cat sat on a mat today")), Bleu.Smoothing.EXP);
        assertArrayEquals(new long[] {6, 5, 2, 0}, r.correct());
        assertEquals(6, r.refLen());
        assertEquals(100 * Math.pow(1 * 1 * 0.5 * (1.0 / 6), 0.25), r.score(), EPS);      // 53.73
        // A tie in distance takes the shorter reference (sacreBLEU's _get_closest_ref_len).
        assertEquals(5, Bleu.closestRefLength(6, new int[] {7, 5}));
        assertEquals(5, Bleu.closestRefLength(6, new int[] {5, 7}));
        assertEquals(9, Bleu.closestRefLength(10, new int[] {3, 9, 12}));
    }

    @Test
    void tokenizer13a() {
        // Symbols (ASCII punctuation except ' , - .) are split off.
        assertEquals("Hello , world !", Bleu.tokenize13a("Hello, world!"));
        assertEquals("( a ) a / b x _ y # 1 $ 5 ; c : d ? e @ f { g } ~ h [ i ] ^ ` * + = < >",
                Bleu.tokenize13a("(a) a/b x_y #1 $5; c:d? e@f {g}~h [i]^`*+=<>"));
        // The apostrophe stays; a period or comma stays only with a digit on both sides.
        assertEquals("it's 3.5 % .", Bleu.tokenize13a("it's 3.5%."));
        assertEquals("1,000 people , 2.5 kg .", Bleu.tokenize13a("1,000 people, 2.5 kg."));
        assertEquals("e . g . U . S . A .", Bleu.tokenize13a("e.g. U.S.A."));
        assertEquals(". 5 and 5 . and a , 1", Bleu.tokenize13a(".5 and 5. and a,1"));
        // A hyphen is split only after a digit.
        assertEquals("well-known 1990 - 2000 -5 a-5", Bleu.tokenize13a("well-known 1990-2000 -5 a-5"));
        // The four entities are unescaped first (then their characters are symbols like any other).
        assertEquals("\" Yes \" & < no >", Bleu.tokenize13a("&quot;Yes&quot; &amp; &lt;no&gt;"));
        // Other entities are not unescaped: & and ; are symbols.
        assertEquals("& apos ;", Bleu.tokenize13a("&apos;"));
        // <skipped> is dropped, "-\n" joins, other newlines are spaces; whitespace collapses.
        assertEquals("foobar baz", Bleu.tokenize13a("foo-\nbar<skipped>\nbaz"));
        assertEquals("a b", Bleu.tokenize13a("  a \t\u00a0 b  "));
        // Non-ASCII punctuation is left alone.
        assertEquals("« Grüße » —", Bleu.tokenize13a("« Grüße » —"));
        assertEquals("", Bleu.tokenize13a("   "));
    }

    @Test
    void tokenizationIsPartOfTheScore() {
        // "Hello, world!" tokenizes to the reference's 4 tokens: every n-gram matches.
        assertEquals(100.0, Bleu.corpus(List.of("Hello, world!"), List.of("Hello , world !")).score(), EPS);
        // Case matters (sacreBLEU's default is case-sensitive): "hello" no longer matches.
        assertEquals(3, Bleu.corpus(List.of("hello, world!"), List.of("Hello , world !")).correct()[0]);
        // Trailing whitespace is stripped before tokenizing.
        assertEquals(100.0, Bleu.corpus(List.of("a b c d \n"), List.of("a b c d")).score(), EPS);
    }

    @Test
    void exactMatchAndTokenAccuracy() {
        assertEquals(0.5, Bleu.exactMatch(List.of("a b", "c"), List.of("a b", "c d")), EPS);
        assertEquals(0.0, Bleu.exactMatch(List.of("a b "), List.of("a b")), EPS);
        // Row 1: 2 of 3 reference tokens match; row 2: the hypothesis is short, 1 of 2 match; row 3: the
        // extra hypothesis token is ignored, 1 of 1: (2 + 1 + 1) / (3 + 2 + 1).
        int[][] hyp = {{1, 2, 9}, {4}, {6, 7}};
        int[][] ref = {{1, 2, 3}, {4, 5}, {6}};
        assertEquals(4.0 / 6, Bleu.tokenAccuracy(hyp, ref), EPS);
    }

    @Test
    void rejectsMismatchedInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Bleu.corpus(List.of("a"), List.of("a", "b")));
        assertEquals("BLEU: 1 hypotheses but 2 references", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Bleu.corpusMultiRef(List.of("a"), List.of(List.of()), Bleu.Smoothing.EXP));
        assertThrows(IllegalArgumentException.class, () -> Bleu.tokenAccuracy(new int[1][], new int[2][]));
        assertThrows(IllegalArgumentException.class, () -> Bleu.tokenAccuracy(new int[][] {{}}, new int[][] {{}}));
        assertThrows(IllegalArgumentException.class, () -> Bleu.exactMatch(List.of(), List.of()));
    }
}
