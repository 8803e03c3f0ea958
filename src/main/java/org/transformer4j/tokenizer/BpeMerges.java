package org.transformer4j.tokenizer;

import java.util.function.IntUnaryOperator;

/**
 * Applies ranked BPE merges to one pre-token: a linked list of symbols and a min-heap of candidate merges
 * keyed by (rank, position), so the lowest rank goes first and equal ranks go leftmost first; O(n log n),
 * so a pre-token of a million bytes costs no more than its size says. Shared by the trained BPE
 * ({@link BpeTokenizer}) and GPT-2's ({@link ByteLevelBpeTokenizer}).
 */
final class BpeMerges {
    private BpeMerges() {
    }

    /**
     * The merged ids of the symbols (changed in place): ranks maps a pair of ids to its merge rank, and
     * mergedId gives the id a rank's merge produces.
     */
    static int[] apply(int[] sym, LongIntMap ranks, IntUnaryOperator mergedId) {
        int n = sym.length;
        int[] next = new int[n];
        int[] prev = new int[n];
        for (int i = 0; i < n; i++) {
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        long[] heap = new long[Math.max(4, n)];
        int size = 0;
        for (int i = 0; i + 1 < n; i++) {
            int r = ranks.get(LongIntMap.pair(sym[i], sym[i + 1]), -1);
            if (r >= 0) {
                heap = LongHeap.push(heap, size++, (long) r << 32 | i);
            }
        }
        int live = n;
        while (size > 0) {
            long top = heap[0];
            size = LongHeap.pop(heap, size);
            int r = (int) (top >>> 32);
            int i = (int) top;
            int j = sym[i] < 0 ? -1 : next[i];
            if (j < 0 || ranks.get(LongIntMap.pair(sym[i], sym[j]), -1) != r) {
                continue; // stale: i was absorbed, or its pair changed
            }
            sym[i] = mergedId.applyAsInt(r);
            sym[j] = -1;
            next[i] = next[j];
            if (next[j] >= 0) {
                prev[next[j]] = i;
            }
            live--;
            if (prev[i] >= 0) {
                int rp = ranks.get(LongIntMap.pair(sym[prev[i]], sym[i]), -1);
                if (rp >= 0) {
                    heap = LongHeap.push(heap, size++, (long) rp << 32 | prev[i]);
                }
            }
            if (next[i] >= 0) {
                int rn = ranks.get(LongIntMap.pair(sym[i], sym[next[i]]), -1);
                if (rn >= 0) {
                    heap = LongHeap.push(heap, size++, (long) rn << 32 | i);
                }
            }
        }
        int[] out = new int[live];
        int k = 0;
        for (int i = n > 0 ? 0 : -1; i >= 0; i = next[i]) {
            out[k++] = sym[i];
        }
        return out;
    }
}
