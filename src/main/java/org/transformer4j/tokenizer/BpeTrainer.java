package org.transformer4j.tokenizer;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Learns byte-level BPE merges from pair counts (Sennrich et al. 2016, "Neural Machine Translation of Rare
 * Words with Subword Units", Algorithm 1) with incremental updates instead of a recount per merge.
 *
 * <p>The corpus is reduced to distinct pre-tokens with their frequencies. Pair counts are weighted by
 * frequency; each pair keeps the list of word types it occurs in, and a max-heap with lazy deletion picks
 * the next pair (highest count; ties to the smaller left id, then the smaller right id, so training is
 * deterministic). A merge rewrites only the word types in that pair's list and changes only the counts of
 * the pairs next to each merged occurrence. Cost: O(C) to count the corpus, then per merge O(sum of the
 * lengths of the affected word types + log H) per changed pair, where H is the heap size; nothing is ever
 * recounted. Only pairs containing the new symbol can gain count, so only those are (re)pushed.
 */
final class BpeTrainer {
    /** Ids 0..3 are specials, 4..259 the 256 byte values, merges follow. */
    static final int BYTE_BASE = Tokenizer.SPECIALS.size();
    static final int FIRST_MERGE = BYTE_BASE + 256;

    // word types: symbols (rewritten in place), live length, frequency, last merge that visited it
    private int[][] sym;
    private int[] len;
    private long[] freq;
    private int[] visited;

    // pairs: index by packed key; count, ids, word-type occurrence lists (may hold stale entries)
    private final LongIntMap index = new LongIntMap(1 << 16);
    private long[] count = new long[1 << 12];
    private int[] left = new int[1 << 12];
    private int[] right = new int[1 << 12];
    private int[][] occ = new int[1 << 12][];
    private int[] occN = new int[1 << 12];
    private boolean[] inGained = new boolean[1 << 12];
    private int pairs;

    // heap of (count, pair), largest count first
    private long[] heapCount = new long[1 << 12];
    private int[] heapPair = new int[1 << 12];
    private int heapSize;

    // pairs that gained count during the current merge
    private int[] gained = new int[64];
    private int gainedN;
    private boolean loading;

    private BpeTrainer() {
    }

    /** The merges learned from texts, as {left ids, right ids}; fewer than wanted when no pair is left. */
    static int[][] train(Iterable<String> texts, int wanted) {
        BpeTrainer t = new BpeTrainer();
        t.load(texts);
        return t.learn(wanted);
    }

    private void load(Iterable<String> texts) {
        Map<String, long[]> words = new HashMap<>();
        for (String text : texts) {
            for (String w : PreTokenizer.split(text)) {
                words.computeIfAbsent(w, k -> new long[1])[0]++;
            }
        }
        int n = words.size();
        sym = new int[n][];
        len = new int[n];
        freq = new long[n];
        visited = new int[n];
        int w = 0;
        loading = true;
        for (Map.Entry<String, long[]> e : words.entrySet()) {
            byte[] bytes = Wtf8.encode(e.getKey());
            if (bytes.length < 2) {
                continue; // no pairs, nothing to learn
            }
            int[] s = new int[bytes.length];
            for (int i = 0; i < s.length; i++) {
                s[i] = BYTE_BASE + (bytes[i] & 0xFF);
            }
            sym[w] = s;
            len[w] = s.length;
            freq[w] = e.getValue()[0];
            for (int i = 0; i + 1 < s.length; i++) {
                add(s[i], s[i + 1], freq[w], w);
            }
            w++;
        }
        loading = false;
        for (int p = 0; p < pairs; p++) {
            push(p);
        }
    }

    private int[][] learn(int wanted) {
        int[] outLeft = new int[wanted];
        int[] outRight = new int[wanted];
        int k = 0;
        for (; k < wanted; k++) {
            int p = popBest();
            if (p < 0) {
                break;
            }
            int a = left[p];
            int b = right[p];
            int z = FIRST_MERGE + k;
            outLeft[k] = a;
            outRight[k] = b;
            int[] words = occ[p];
            int n = occN[p];
            occ[p] = null; // (a, b) never reappears: every new pair contains z
            gainedN = 0;
            for (int i = 0; i < n; i++) {
                int w = words[i];
                if (visited[w] != k + 1) {
                    visited[w] = k + 1;
                    merge(w, a, b, z);
                }
            }
            if (count[p] != 0) {
                throw new IllegalStateException("BPE pair count drifted: " + count[p] + " left after merge " + k);
            }
            for (int i = 0; i < gainedN; i++) {
                inGained[gained[i]] = false;
                push(gained[i]);
            }
        }
        return new int[][] {Arrays.copyOf(outLeft, k), Arrays.copyOf(outRight, k)};
    }

    /**
     * Replaces each non-overlapping (a, b) in word w, left to right, by z and adjusts the counts of the
     * pairs around each replaced occurrence. A pair (b, a) between two adjacent occurrences is handled by
     * the second one's left side only, so nothing is counted twice.
     */
    private void merge(int w, int a, int b, int z) {
        int[] s = sym[w];
        int n = len[w];
        long f = freq[w];
        int out = 0;
        int prevOld = -1; // the old symbol before position i
        int i = 0;
        while (i < n) {
            if (i + 1 < n && s[i] == a && s[i + 1] == b) {
                add(a, b, -f, w);
                if (out > 0) {
                    add(prevOld, a, -f, w);
                    add(s[out - 1], z, f, w);
                }
                if (i + 2 < n && !(i + 3 < n && s[i + 2] == a && s[i + 3] == b)) {
                    add(b, s[i + 2], -f, w);
                    add(z, s[i + 2], f, w);
                }
                s[out++] = z;
                prevOld = b;
                i += 2;
            } else {
                prevOld = s[i];
                s[out++] = s[i];
                i++;
            }
        }
        len[w] = out;
    }

    /** Adds delta to the count of (x, y); a gain records word w in the pair's occurrence list. */
    private void add(int x, int y, long delta, int w) {
        long key = LongIntMap.pair(x, y);
        int p = index.get(key, -1);
        if (p < 0) {
            p = newPair(key, x, y);
        }
        count[p] += delta;
        if (delta > 0) {
            int[] list = occ[p];
            int n = occN[p];
            if (n == 0 || list[n - 1] != w) {
                if (n == list.length) {
                    occ[p] = list = Arrays.copyOf(list, n * 2);
                }
                list[n] = w;
                occN[p] = n + 1;
            }
            if (!loading && !inGained[p]) {
                inGained[p] = true;
                if (gainedN == gained.length) {
                    gained = Arrays.copyOf(gained, gainedN * 2);
                }
                gained[gainedN++] = p;
            }
        }
    }

    private int newPair(long key, int x, int y) {
        if (pairs == count.length) {
            int cap = pairs * 2;
            count = Arrays.copyOf(count, cap);
            left = Arrays.copyOf(left, cap);
            right = Arrays.copyOf(right, cap);
            occ = Arrays.copyOf(occ, cap);
            occN = Arrays.copyOf(occN, cap);
            inGained = Arrays.copyOf(inGained, cap);
        }
        int p = pairs++;
        index.put(key, p);
        left[p] = x;
        right[p] = y;
        occ[p] = new int[2];
        return p;
    }

    // ---- heap with lazy deletion: an entry is valid when its count equals the pair's current count ----

    private void push(int p) {
        if (count[p] <= 0) {
            return;
        }
        if (heapSize == heapCount.length) {
            heapCount = Arrays.copyOf(heapCount, heapSize * 2);
            heapPair = Arrays.copyOf(heapPair, heapSize * 2);
        }
        int i = heapSize++;
        heapCount[i] = count[p];
        heapPair[i] = p;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(i, parent)) {
                break;
            }
            swap(i, parent);
            i = parent;
        }
    }

    /** The pair with the highest current count (ties: smaller left, then right id), or -1 when none is left. */
    private int popBest() {
        while (heapSize > 0) {
            long c = heapCount[0];
            int p = heapPair[0];
            heapSize--;
            heapCount[0] = heapCount[heapSize];
            heapPair[0] = heapPair[heapSize];
            siftDown(0);
            if (c == count[p] && c > 0) {
                return p;
            }
            if (count[p] > 0 && c > count[p]) {
                push(p); // stale high entry: re-enter with the true count
            }
        }
        return -1;
    }

    private void siftDown(int i) {
        while (true) {
            int l = 2 * i + 1;
            if (l >= heapSize) {
                return;
            }
            int best = l + 1 < heapSize && before(l + 1, l) ? l + 1 : l;
            if (!before(best, i)) {
                return;
            }
            swap(i, best);
            i = best;
        }
    }

    private boolean before(int i, int j) {
        if (heapCount[i] != heapCount[j]) {
            return heapCount[i] > heapCount[j];
        }
        int pi = heapPair[i];
        int pj = heapPair[j];
        return left[pi] != left[pj] ? left[pi] < left[pj] : right[pi] < right[pj];
    }

    private void swap(int i, int j) {
        long c = heapCount[i];
        heapCount[i] = heapCount[j];
        heapCount[j] = c;
        int p = heapPair[i];
        heapPair[i] = heapPair[j];
        heapPair[j] = p;
    }
}
