package org.transformer4j.tokenizer;

import java.util.Arrays;

/**
 * A min-heap of longs in a growable array, without boxing; the BPE merge loops keep (rank, position)
 * candidates in one, so the lowest rank pops first and equal ranks leftmost first.
 */
final class LongHeap {
    private LongHeap() {
    }

    /** Adds v to heap[0, size) and returns the array, grown when full; the caller counts size + 1. */
    static long[] push(long[] heap, int size, long v) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        int i = size;
        heap[i] = v;
        while (i > 0 && heap[(i - 1) >>> 1] > heap[i]) {
            int parent = (i - 1) >>> 1;
            long t = heap[parent];
            heap[parent] = heap[i];
            heap[i] = t;
            i = parent;
        }
        return heap;
    }

    /** Removes the minimum; returns the new size. */
    static int pop(long[] heap, int size) {
        size--;
        heap[0] = heap[size];
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            if (l >= size) {
                return size;
            }
            int m = l + 1 < size && heap[l + 1] < heap[l] ? l + 1 : l;
            if (heap[m] >= heap[i]) {
                return size;
            }
            long t = heap[m];
            heap[m] = heap[i];
            heap[i] = t;
            i = m;
        }
    }
}
