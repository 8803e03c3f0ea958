package org.transformer4j.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.transformer4j.autograd.Grad;
import org.transformer4j.autograd.Variable;
import org.transformer4j.nn.DecoderLayer;
import org.transformer4j.tensor.Indexing;
import org.transformer4j.tensor.Tensor;

/**
 * Output sequences from a trained model with the KV cache: batched greedy decoding and beam search with
 * the GNMT length penalty for encoder-decoders, and greedy continuation of a prompt for decoder-only models.
 *
 * <p>For Hugging Face generate's conventions (start token and eos in the output, its beam scoring and
 * early stopping) see {@link Generation}.
 *
 * <p>Every method runs under {@link Grad#off()}; putting the model in eval mode is the caller's job. The
 * returned sequences hold the generated ids without bos and without the final eos. {@code maxLength} counts
 * decoding steps, the eos step included, so a returned sequence has at most {@code maxLength} ids (exactly
 * that many when the model never emitted eos).
 *
 * <pre>{@code
 * model.eval();
 * List<int[]> out = Decoding.beam(model, Tokens.padded(sources, pad), bos, eos, 50, 4, 0.6);
 * }</pre>
 */
public final class Decoding {
    private Decoding() {
    }

    /**
     * Greedy decoding of every source row at once: one decoder step per position for the whole batch; a
     * row that emitted eos stops growing (it is fed eos and its outputs are ignored).
     */
    public static List<int[]> greedy(EncoderDecoder model, Tokens src, int bos, int eos, int maxLength) {
        checkIds(model.config().vocabSize(), bos, eos);
        checkPositive("maxLength", maxLength);
        int b = src.batch();
        int[][] out = new int[b][maxLength];
        int[] lengths = new int[b];
        boolean[] done = new boolean[b];
        int remaining = b;
        try (Grad.Scope ignored = Grad.off()) {
            Variable memory = model.encode(src);                                  // (B, S, d)
            List<DecoderLayer.Cache> cache = model.newCache();
            int[] next = filled(b, bos);
            for (int step = 0; step < maxLength && remaining > 0; step++) {
                Variable logits = model.decode(new Tokens(next, b, 1, null), memory, src, cache); // (B, 1, V)
                int[] best = logits.value().argmax(-1, false).toIntArray();                  // (B, 1)
                for (int r = 0; r < b; r++) {
                    if (done[r]) {
                        next[r] = eos;
                    } else if (best[r] == eos) {
                        done[r] = true;
                        remaining--;
                        next[r] = eos;
                    } else {
                        out[r][lengths[r]++] = best[r];
                        next[r] = best[r];
                    }
                }
            }
        }
        List<int[]> result = new ArrayList<>(b);
        for (int r = 0; r < b; r++) {
            result.add(Arrays.copyOf(out[r], lengths[r]));
        }
        return result;
    }

    /**
     * Greedy continuation of a prompt: at most maxNew new ids, stopping before eos (eos -1: never stop
     * early). Returns only the new ids.
     */
    public static int[] greedy(DecoderOnly model, int[] prompt, int maxNew, int eos) {
        return Streaming.greedy(model, prompt, maxNew, eos, id -> true);
    }

    /**
     * The length penalty of Wu et al. 2016 (GNMT, eq. 14): lp(Y) = (5 + |Y|)^alpha / (5 + 1)^alpha, where
     * |Y| counts the generated ids including the final eos (as tensor2tensor and OpenNMT count it) and
     * excluding bos. alpha 0 gives 1 (plain log-probability).
     */
    public static double lengthPenalty(int length, double alpha) {
        return Math.pow((5.0 + length) / 6.0, alpha);
    }

    /** The beam-search score of a hypothesis: log P(Y|X) / lp(Y) (GNMT's s(Y, X) without the coverage term). */
    public static double score(double logProb, int length, double alpha) {
        return logProb / lengthPenalty(length, alpha);
    }

    /**
     * Beam search with beamWidth hypotheses per source row, scored by {@link #score}. A hypothesis stops at
     * eos and stays in the beam, competing with the growing ones by score; a row is done when all its beams
     * have stopped, or after maxLength steps, and its best-scoring beam is returned (unfinished ones
     * included). All rows run as one decoder batch of rows x beamWidth; width 1 is greedy decoding.
     */
    public static List<int[]> beam(EncoderDecoder model, Tokens src, int bos, int eos, int maxLength, int beamWidth,
                                   double lengthPenalty) {
        int vocab = model.config().vocabSize();
        checkIds(vocab, bos, eos);
        checkPositive("maxLength", maxLength);
        checkPositive("beamWidth", beamWidth);
        if (!(lengthPenalty >= 0) || Double.isInfinite(lengthPenalty)) {
            throw new IllegalArgumentException("beam: lengthPenalty (alpha) must be finite and >= 0, got " + lengthPenalty);
        }
        int rows = src.batch();
        int k = beamWidth;
        int n = rows * k;
        List<List<Hyp>> beams = new ArrayList<>(rows);
        boolean[] rowDone = new boolean[rows];
        try (Grad.Scope ignored = Grad.off()) {
            int[] expand = new int[n];                                            // slot r*k + j serves source row r
            for (int i = 0; i < n; i++) {
                expand[i] = i / k;
            }
            Tokens srcN = repeatRows(src, expand);
            Variable memory = Variable.constant(gatherRows(model.encode(src).value(), expand)); // (rows k, S, d)
            List<DecoderLayer.Cache> cache = model.newCache();
            for (int r = 0; r < rows; r++) {
                beams.add(new ArrayList<>(List.of(new Hyp(new int[0], 0.0, false, r * k, lengthPenalty))));
            }
            int[] feed = filled(n, bos);
            for (int step = 0; step < maxLength && !allTrue(rowDone); step++) {
                float[] logProbs = model.decode(new Tokens(feed, n, 1, null), memory, srcN, cache).value()
                        .logSoftmax(-1).toArray();                                // (rows k, 1, V)
                int[] parent = new int[n];
                int[] nextFeed = filled(n, eos);
                for (int r = 0; r < rows; r++) {
                    int base = r * k;
                    if (!rowDone[r]) {
                        List<Hyp> chosen = expandRow(beams.get(r), logProbs, vocab, k, eos, lengthPenalty);
                        List<Hyp> placed = new ArrayList<>(chosen.size());
                        boolean allFinished = true;
                        for (int j = 0; j < chosen.size(); j++) {
                            Hyp h = chosen.get(j);
                            parent[base + j] = h.slot;
                            placed.add(h.at(base + j));
                            nextFeed[base + j] = h.finished ? eos : h.tokens[h.tokens.length - 1];
                            allFinished &= h.finished;
                        }
                        beams.set(r, placed);
                        rowDone[r] = allFinished;
                        for (int j = chosen.size(); j < k; j++) {
                            parent[base + j] = base;                              // an unused slot: any row will do
                        }
                    } else {
                        for (int j = 0; j < k; j++) {
                            parent[base + j] = base + j;
                        }
                    }
                }
                // Parents never leave their source row, and a row's beams share one cross-attention cache
                // content (its memory), so only the self-attention caches need reordering.
                for (DecoderLayer.Cache c : cache) {
                    c.self().reorder(parent);
                }
                feed = nextFeed;
            }
        }
        List<int[]> result = new ArrayList<>(rows);
        for (List<Hyp> row : beams) {
            Hyp best = row.stream().max(Comparator.comparingDouble(Hyp::score)).orElseThrow();
            result.add(best.finished ? Arrays.copyOf(best.tokens, best.tokens.length - 1) : best.tokens);
        }
        return result;
    }

    /** A hypothesis: generated ids (with the final eos once finished), summed log-probability, batch slot. */
    private record Hyp(int[] tokens, double logProb, boolean finished, int slot, double alpha) {
        double score() {
            return Decoding.score(logProb, tokens.length, alpha);
        }

        Hyp at(int newSlot) {
            return new Hyp(tokens, logProb, finished, newSlot, alpha);
        }
    }

    /**
     * One beam step of one row: finished hypotheses carry over, each growing one offers its best k
     * continuations (only those can enter the top k), and the k best by score survive; ties keep the
     * earlier beam and the lower id.
     */
    private static List<Hyp> expandRow(List<Hyp> row, float[] logProbs, int vocab, int k, int eos, double alpha) {
        List<Hyp> candidates = new ArrayList<>();
        for (Hyp h : row) {
            if (h.finished) {
                candidates.add(h);
                continue;
            }
            int offset = h.slot * vocab;
            for (int id : topIds(logProbs, offset, vocab, Math.min(k, vocab))) {
                int[] tokens = Arrays.copyOf(h.tokens, h.tokens.length + 1);
                tokens[h.tokens.length] = id;
                candidates.add(new Hyp(tokens, h.logProb + logProbs[offset + id], id == eos, h.slot, alpha));
            }
        }
        candidates.sort(Comparator.comparingDouble(Hyp::score).reversed());   // stable: ties keep their order
        return candidates.subList(0, Math.min(k, candidates.size()));
    }

    /** The ids of the m largest values of values[offset .. offset + vocab), best first, lower id first on ties. */
    private static int[] topIds(float[] values, int offset, int vocab, int m) {
        int[] ids = new int[m];
        float[] best = new float[m];
        int filled = 0;
        for (int id = 0; id < vocab; id++) {
            float v = values[offset + id];
            if (filled == m && !(v > best[m - 1])) {
                continue;
            }
            int pos = filled < m ? filled++ : m - 1;
            while (pos > 0 && v > best[pos - 1]) {
                best[pos] = best[pos - 1];
                ids[pos] = ids[pos - 1];
                pos--;
            }
            best[pos] = v;
            ids[pos] = id;
        }
        return ids;
    }

    /** The source batch with row i of the result taken from row rows[i]. */
    static Tokens repeatRows(Tokens src, int[] rows) {
        int len = src.length();
        int[] ids = new int[rows.length * len];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(src.ids(), rows[i] * len, ids, i * len, len);
        }
        Tensor padding = src.padding() == null ? null : gatherRows(src.padding(), rows);   // (rows k, S)
        return new Tokens(ids, rows.length, len, padding);
    }

    /** Rows of axis 0 picked by index, as a lookup in a (batch, rest) table. */
    static Tensor gatherRows(Tensor t, int[] rows) {
        int[] shape = t.shape();
        Tensor table = t.contiguous().reshape(shape[0], t.size() / shape[0]);   // (B, rest)
        shape[0] = rows.length;
        return Indexing.embedding(table, rows, rows.length).reshape(shape);
    }

    private static void checkIds(int vocab, int bos, int eos) {
        if (bos < 0 || bos >= vocab || eos < 0 || eos >= vocab) {
            throw new IllegalArgumentException("bos " + bos + " and eos " + eos + " must be ids of the target vocabulary of "
                    + vocab);
        }
    }

    private static void checkPositive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + value);
        }
    }

    private static int[] filled(int n, int value) {
        int[] a = new int[n];
        Arrays.fill(a, value);
        return a;
    }

    private static boolean allTrue(boolean[] flags) {
        for (boolean f : flags) {
            if (!f) {
                return false;
            }
        }
        return true;
    }
}
