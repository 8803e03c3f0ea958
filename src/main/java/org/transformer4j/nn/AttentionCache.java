package org.transformer4j.nn;

import org.transformer4j.tensor.Indexing;
import org.transformer4j.tensor.Tensor;

/**
 * What one attention layer keeps between decoding steps: for softmax attention the keys and values
 * seen so far, (batch, kv heads, length, head dim); for linear attention the fast weight matrix and its
 * normaliser. Cross-attention fills it once from the encoder output.
 */
public final class AttentionCache {
    Tensor keys;
    Tensor values;
    // Self-attention: keys and values are views of the first `length` positions of these buffers, which
    // grow by doubling, so a decoding step writes only its new position instead of copying the whole cache.
    Tensor keyStore;      // (batch, kv heads, capacity, head dim) or null
    Tensor valueStore;
    Tensor fastWeights;   // (batch, heads, dv, dk)
    Tensor normalizer;    // (batch, heads, dk)
    int length;

    /** How many positions have been processed (the position offset of the next query). */
    public int length() {
        return length;
    }

    /** The cached keys (null before the first step). */
    public Tensor keys() {
        return keys;
    }

    /** The cached values (null before the first step). */
    public Tensor values() {
        return values;
    }

    /** The fast weight matrix of linear attention, (batch, heads, dv, dk), for inspection. */
    public Tensor fastWeights() {
        return fastWeights;
    }

    /** The normaliser of linear attention with the sum update, (batch, heads, dk), for inspection (null otherwise). */
    public Tensor normalizer() {
        return normalizer;
    }

    /**
     * Keeps the given batch rows, in the given order (rows may repeat): row i of the new cache is row
     * rows[i] of the old one. Beam search calls this when hypotheses are reordered or expanded.
     */
    public void reorder(int[] rows) {
        if (rows.length == 0) {
            throw new IllegalArgumentException("reorder needs at least one row, got none");
        }
        keys = gatherRows(keys, rows);
        values = gatherRows(values, rows);
        keyStore = null;
        valueStore = null;
        fastWeights = gatherRows(fastWeights, rows);
        normalizer = gatherRows(normalizer, rows);
    }

    /** Rows of the batch axis (axis 0) picked by index, as a lookup in a (batch, rest) table. */
    private static Tensor gatherRows(Tensor t, int[] rows) {
        if (t == null) {
            return null;
        }
        int[] shape = t.shape();
        int batch = shape[0];
        for (int r : rows) {
            if (r < 0 || r >= batch) {
                throw new IllegalArgumentException("reorder: row " + r + " is outside the cached batch of " + batch);
            }
        }
        Tensor table = t.contiguous().reshape(batch, t.size() / batch);          // (B, rest)
        shape[0] = rows.length;
        return Indexing.embedding(table, rows, rows.length).reshape(shape);      // (rows, ...)
    }

    /**
     * Appends fresh keys or values (batch, kv heads, n, head dim) after the first {@code length} cached
     * positions, in place when the buffer has room; returns the view of all length + n positions.
     */
    Tensor append(Tensor fresh, boolean isKeys) {
        Tensor store = isKeys ? keyStore : valueStore;
        Tensor old = isKeys ? keys : values;
        int[] s = fresh.shape();                                               // (B, kv, n, hd)
        int needed = length + s[2];
        if (store == null || store.dim(0) != s[0] || store.dim(1) != s[1] || store.dim(3) != s[3]
                || store.dim(2) < needed) {
            int capacity = Math.max(needed, store == null ? 64 : 2 * store.dim(2));
            Tensor grown = Tensor.zeros(fresh.kernels(), s[0], s[1], capacity, s[3]);
            if (length > 0) {
                grown.narrow(2, 0, length).assign(old);
            }
            store = grown;
            if (isKeys) {
                keyStore = store;
            } else {
                valueStore = store;
            }
        }
        store.narrow(2, length, s[2]).assign(fresh);
        Tensor all = store.narrow(2, 0, needed);
        if (isKeys) {
            keys = all;
        } else {
            values = all;
        }
        return all;
    }

    /** Forgets everything (a new sequence). */
    public void clear() {
        keyStore = null;
        valueStore = null;
        keys = null;
        values = null;
        fastWeights = null;
        normalizer = null;
        length = 0;
    }
}
