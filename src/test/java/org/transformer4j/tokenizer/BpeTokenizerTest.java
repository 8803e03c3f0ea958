package org.transformer4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeTokenizerTest {

    /**
     * Computed by hand. Pre-tokens: "low", " lower", " lowest", " newer", " wider" (the space joins the
     * following word), once each. Pair counts: (l,o) 3, (o,w) 3, (w,e) 3, (e,r) 3, (" ",l) 2, the rest 1.
     * <ol>
     * <li>Four pairs tie at 3; the smaller left id wins: 'e' (byte 101, id 105) &lt; 'l' &lt; 'o' &lt; 'w', so
     * "e"+"r". Now (w,e) drops to 1 (only " lowest" keeps it) and (w,er) = 2.</li>
     * <li>(l,o) 3 and (o,w) 3 tie; 'l' &lt; 'o', so "l"+"o".</li>
     * <li>(lo,w) is the only pair at 3: "lo"+"w".</li>
     * <li>(" ",low) = 2 (" lower", " lowest") beats (w,er) = 2 on the smaller left id (space, id 36): " "+"low".</li>
     * <li>Everything is 1 now; the smallest left id is the space, and of (" ",n) and (" ",w) 'n' is smaller:
     * " "+"n".</li>
     * </ol>
     */
    @Test
    void learnsTheHandComputedFirstMergesOnTheSennrichExample() {
        BpeTokenizer bpe = BpeTokenizer.train(List.of("low lower lowest newer wider"), 265);
        assertEquals(5, bpe.mergeCount());
        assertEquals(List.of("e", "r"), bpe.merge(0));
        assertEquals(List.of("l", "o"), bpe.merge(1));
        assertEquals(List.of("lo", "w"), bpe.merge(2));
        assertEquals(List.of(" ", "low"), bpe.merge(3));
        assertEquals(List.of(" ", "n"), bpe.merge(4));
        assertEquals(List.of("low", " low", "er", " low", "e", "s", "t"),
                tokens(bpe, bpe.encode("low lower lowest")));
    }

    @Test
    void incrementalTrainingEqualsNaiveRecountingOnRandomCorpora() {
        for (int seed = 0; seed < 12; seed++) {
            Random r = new Random(seed);
            List<String> corpus = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                // few letters so pairs repeat and overlap ("aaaa", "abab"), plus some random Unicode
                StringBuilder sb = new StringBuilder();
                int words = 1 + r.nextInt(6);
                for (int w = 0; w < words; w++) {
                    int len = 1 + r.nextInt(9);
                    for (int k = 0; k < len; k++) {
                        sb.append("aab\u00e4".charAt(r.nextInt(4)));
                    }
                    sb.append(r.nextInt(5) == 0 ? RandomText.string(r, 3) : " ");
                }
                corpus.add(sb.toString());
            }
            int merges = 150;
            BpeTokenizer bpe = BpeTokenizer.train(corpus, 260 + merges);
            List<int[]> expected = naiveMerges(corpus, merges);
            assertEquals(expected.size(), bpe.mergeCount(), "seed " + seed);
            for (int k = 0; k < expected.size(); k++) {
                assertArrayEquals(expected.get(k), bpe.mergeIds(k), "seed " + seed + ", merge " + k);
            }
        }
    }

    @Test
    void encodingMatchesTheGpt2MergeLoop() {
        BpeTokenizer bpe = BpeTokenizer.train(RandomText.strings(3, 3000, 30), 2000);
        Map<List<Integer>, Integer> ranks = new HashMap<>();
        for (int r = 0; r < bpe.mergeCount(); r++) {
            int[] m = bpe.mergeIds(r);
            ranks.put(List.of(m[0], m[1]), r);
        }
        for (String s : RandomText.strings(4, 2000, 40)) {
            List<Integer> expected = new ArrayList<>();
            for (String piece : PreTokenizer.split(s)) {
                expected.addAll(naiveEncode(bpe, ranks, piece));
            }
            assertEquals(expected, boxed(bpe.encode(s)), s);
        }
    }

    @Test
    void trainingIsDeterministicAndIndependentOfTextOrder() {
        List<String> corpus = new ArrayList<>(RandomText.strings(11, 500, 30));
        BpeTokenizer a = BpeTokenizer.train(corpus, 700);
        Collections.shuffle(corpus, new Random(5));
        BpeTokenizer b = BpeTokenizer.train(corpus, 700);
        assertEquals(a, b);
        assertEquals(700, a.vocabSize());
    }

    @Test
    void stopsWhenNoPairIsLeft() {
        BpeTokenizer bpe = BpeTokenizer.train(List.of("abc"), 1000);
        assertEquals(2, bpe.mergeCount()); // "ab", then "abc"
        assertEquals(262, bpe.vocabSize());
        assertArrayEquals(new int[] {261}, bpe.encode("abc"));
        assertEquals(260, BpeTokenizer.train(List.of("a b c"), 260).vocabSize());
    }

    @Test
    void rejectsTooSmallVocabulary() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BpeTokenizer.train(List.of("x"), 100));
        assertTrue(e.getMessage().contains("100"), e.getMessage());
    }

    @Test
    void showsPartialCharactersAsBytes() {
        BpeTokenizer bpe = BpeTokenizer.train(List.of("ü"), 260);
        assertArrayEquals(new int[] {4 + 0xC3, 4 + 0xBC}, bpe.encode("ü"));
        assertEquals("<0xC3>", bpe.token(4 + 0xC3));
        assertEquals("a", bpe.token(4 + 'a'));
        assertEquals("<unk>", bpe.token(Tokenizer.UNK));
        assertEquals("ü", BpeTokenizer.train(List.of("ü ü"), 261).token(260));
    }

    @Test
    void decodeDropsSpecialsAndRejectsUnknownIds() {
        BpeTokenizer bpe = BpeTokenizer.train(List.of("hallo"), 262);
        int[] ids = bpe.encode("hallo");
        int[] framed = new int[ids.length + 4];
        framed[0] = Tokenizer.BOS;
        System.arraycopy(ids, 0, framed, 1, ids.length);
        framed[ids.length + 1] = Tokenizer.UNK;
        framed[ids.length + 2] = Tokenizer.EOS;
        framed[ids.length + 3] = Tokenizer.PAD;
        assertEquals("hallo\uFFFD", bpe.decode(framed));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bpe.decode(new int[] {262}));
        assertTrue(e.getMessage().contains("262"), e.getMessage());
        assertEquals("\uFFFD", bpe.decode(new int[] {4 + 0xC3})); // half a character
    }

    @Test
    void saveAndLoadGiveAnIdenticalTokenizer(@TempDir Path dir) throws Exception {
        BpeTokenizer bpe = BpeTokenizer.train(RandomText.strings(21, 400, 30), 900);
        Path file = dir.resolve("bpe.json");
        bpe.save(file);
        Tokenizer loaded = Tokenizer.load(file);
        assertEquals(bpe, loaded);
        for (String s : RandomText.strings(22, 300, 40)) {
            assertArrayEquals(bpe.encode(s), loaded.encode(s));
        }
        for (int id = 0; id < bpe.vocabSize(); id++) {
            assertEquals(bpe.token(id), loaded.token(id));
        }
    }

    /** Sennrich et al.'s loop: recount every pair, merge the best everywhere, repeat. */
    static List<int[]> naiveMerges(List<String> corpus, int merges) {
        Map<String, Integer> words = new HashMap<>();
        for (String text : corpus) {
            for (String w : PreTokenizer.split(text)) {
                words.merge(w, 1, Integer::sum);
            }
        }
        List<List<Integer>> syms = new ArrayList<>();
        List<Integer> freqs = new ArrayList<>();
        words.forEach((w, f) -> {
            List<Integer> s = new ArrayList<>();
            for (byte b : Wtf8.encode(w)) {
                s.add(4 + (b & 0xFF));
            }
            syms.add(s);
            freqs.add(f);
        });
        List<int[]> out = new ArrayList<>();
        for (int k = 0; k < merges; k++) {
            Map<List<Integer>, Integer> counts = new HashMap<>();
            for (int w = 0; w < syms.size(); w++) {
                List<Integer> s = syms.get(w);
                for (int i = 0; i + 1 < s.size(); i++) {
                    counts.merge(List.of(s.get(i), s.get(i + 1)), freqs.get(w), Integer::sum);
                }
            }
            List<Integer> best = null;
            int bestCount = 0;
            for (Map.Entry<List<Integer>, Integer> e : counts.entrySet()) {
                List<Integer> p = e.getKey();
                int c = e.getValue();
                if (best == null || c > bestCount || c == bestCount && (p.get(0) < best.get(0)
                        || p.get(0).equals(best.get(0)) && p.get(1) < best.get(1))) {
                    best = p;
                    bestCount = c;
                }
            }
            if (best == null) {
                break;
            }
            out.add(new int[] {best.get(0), best.get(1)});
            for (List<Integer> s : syms) {
                mergeAll(s, best.get(0), best.get(1), 260 + k);
            }
        }
        return out;
    }

    /** GPT-2's bpe(): merge all occurrences of the lowest-ranked pair, left to right, until none applies. */
    static List<Integer> naiveEncode(BpeTokenizer bpe, Map<List<Integer>, Integer> ranks, String piece) {
        List<Integer> s = new ArrayList<>();
        for (byte b : Wtf8.encode(piece)) {
            s.add(4 + (b & 0xFF));
        }
        while (true) {
            int bestRank = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < s.size(); i++) {
                bestRank = Math.min(bestRank, ranks.getOrDefault(List.of(s.get(i), s.get(i + 1)), Integer.MAX_VALUE));
            }
            if (bestRank == Integer.MAX_VALUE) {
                return s;
            }
            int[] m = bpe.mergeIds(bestRank);
            mergeAll(s, m[0], m[1], 260 + bestRank);
        }
    }

    private static void mergeAll(List<Integer> s, int a, int b, int z) {
        for (int i = 0; i + 1 < s.size(); i++) {
            if (s.get(i) == a && s.get(i + 1) == b) {
                s.set(i, z);
                s.remove(i + 1);
            }
        }
    }

    private static List<String> tokens(Tokenizer t, int[] ids) {
        List<String> out = new ArrayList<>();
        for (int id : ids) {
            out.add(t.token(id));
        }
        return out;
    }

    private static List<Integer> boxed(int[] ids) {
        List<Integer> out = new ArrayList<>();
        for (int id : ids) {
            out.add(id);
        }
        return out;
    }
}
