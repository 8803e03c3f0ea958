package org.transformer4j.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.transformer4j.tensor.Rng;

/**
 * Groups translation examples into padded batches of similar length under a token budget, in an order that
 * is a pure function of (seed, epoch), so training can stop and resume at any {@link DataPosition}.
 *
 * <p>Each epoch: shuffle all examples, cut the shuffled list into buckets of {@code bucketSize}, sort each
 * bucket by (source length, target length), fill batches greedily while rows x padded length stays within
 * {@code maxTokens} (padded length = max(source, target + 1); fairseq's "max tokens") and rows stay within
 * {@code maxExamples}, then shuffle the batches. Every example appears exactly once per epoch.
 *
 * <pre>{@code
 * Batcher batcher = new Batcher(TokenPair.encode(splits.train(), bpe, bpe), Batcher.Options.of(4096), 42,
 *         bpe.pad(), bpe.bos(), bpe.eos());
 * for (DataPosition p = DataPosition.START; ; p = batcher.next(p)) {
 *     Batch b = batcher.batch(p);   // b.source(), b.decoderInput(), b.decoderTarget()
 * }
 * }</pre>
 */
public final class Batcher {

    /**
     * How batches are formed.
     *
     * @param maxTokens the most padded tokens in one batch: rows x max(source length, target length + 1)
     * @param maxExamples the most rows in one batch
     * @param bucketSize how many shuffled examples are sorted by length together (larger: less padding,
     *     less variety between epochs)
     */
    public record Options(int maxTokens, int maxExamples, int bucketSize) {
        public Options {
            if (maxTokens < 1 || maxExamples < 1 || bucketSize < 1) {
                throw new IllegalArgumentException("batch options must be positive, got maxTokens " + maxTokens
                        + ", maxExamples " + maxExamples + ", bucketSize " + bucketSize);
            }
        }

        /** A token budget with no row limit and buckets of 8192 examples. */
        public static Options of(int maxTokens) {
            return new Options(maxTokens, Integer.MAX_VALUE, 8192);
        }

        public Options withMaxExamples(int maxExamples) {
            return new Options(maxTokens, maxExamples, bucketSize);
        }

        public Options withBucketSize(int bucketSize) {
            return new Options(maxTokens, maxExamples, bucketSize);
        }
    }

    private final List<TokenPair> examples;
    private final Options options;
    private final long seed;
    private final int pad;
    private final int bos;
    private final int eos;
    private int plannedEpoch = -1;
    private int[][] plan;

    /**
     * A batcher over examples (kept by reference, not copied); every example must fit the token budget
     * alone, and there must be at least one.
     */
    public Batcher(List<TokenPair> examples, Options options, long seed, int pad, int bos, int eos) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no examples to batch");
        }
        for (int i = 0; i < examples.size(); i++) {
            int cost = cost(examples.get(i));
            if (cost > options.maxTokens()) {
                TokenPair p = examples.get(i);
                throw new IllegalArgumentException("example " + i + " (source length " + p.source().length
                        + ", target length " + p.target().length + ") needs " + cost
                        + " padded tokens, more than maxTokens " + options.maxTokens() + "; filter long examples first");
            }
        }
        this.examples = examples;
        this.options = options;
        this.seed = seed;
        this.pad = pad;
        this.bos = bos;
        this.eos = eos;
    }

    /** The padded tokens one example needs: max(source length (at least 1), target length + 1). */
    static int cost(TokenPair p) {
        return Math.max(Math.max(1, p.source().length), p.target().length + 1);
    }

    /** The number of examples. */
    public int size() {
        return examples.size();
    }

    /** The number of batches in the given epoch. */
    public int batchCount(int epoch) {
        return planned(epoch).length;
    }

    /** The example indices of every batch of the epoch, in the order training sees them (a copy). */
    public int[][] plan(int epoch) {
        int[][] p = planned(epoch);
        int[][] copy = new int[p.length][];
        for (int i = 0; i < p.length; i++) {
            copy[i] = p[i].clone();
        }
        return copy;
    }

    private synchronized int[][] planned(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be non-negative, got " + epoch);
        }
        if (epoch != plannedEpoch) {
            plan = makePlan(epoch);
            plannedEpoch = epoch;
        }
        return plan;
    }

    private int[][] makePlan(int epoch) {
        Rng rng = new Rng(Rng.mix(seed) ^ Rng.mix(0x5EED_0000_0000L + epoch));
        int n = examples.size();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        shuffle(order, rng);
        List<int[]> batches = new ArrayList<>();
        int[] rows = new int[Math.min(n, options.maxExamples())];
        for (int start = 0; start < n; start += options.bucketSize()) {
            int end = (int) Math.min(n, (long) start + options.bucketSize());
            Arrays.sort(order, start, end, (a, b) -> {
                TokenPair x = examples.get(a);
                TokenPair y = examples.get(b);
                int c = Integer.compare(x.source().length, y.source().length);
                return c != 0 ? c : Integer.compare(x.target().length, y.target().length);
            });
            int size = 0;
            int longest = 0;
            for (int k = start; k < end; k++) {
                int cost = cost(examples.get(order[k]));
                int newLongest = Math.max(longest, cost);
                if (size > 0 && (size == options.maxExamples() || (long) (size + 1) * newLongest > options.maxTokens())) {
                    batches.add(Arrays.copyOf(rows, size));
                    size = 0;
                    newLongest = cost;
                }
                rows[size++] = order[k];
                longest = newLongest;
            }
            if (size > 0) {
                batches.add(Arrays.copyOf(rows, size));
            }
        }
        int[][] out = batches.toArray(int[][]::new);
        shuffle(out, rng);
        return out;
    }

    private static <T> void shuffle(T[] a, Rng rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            T t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** The batch at position p. */
    public Batch batch(DataPosition p) {
        int[][] epochPlan = planned(p.epoch());
        if (p.batch() >= epochPlan.length) {
            throw new IllegalArgumentException("batch " + p.batch() + " is past the end of epoch " + p.epoch()
                    + ", which has " + epochPlan.length + " batches");
        }
        int[] rows = epochPlan[p.batch()];
        int[][] src = new int[rows.length][];
        int[][] in = new int[rows.length][];
        int[][] out = new int[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            TokenPair e = examples.get(rows[r]);
            int[] t = e.target();
            src[r] = e.source();
            in[r] = new int[t.length + 1];
            in[r][0] = bos;
            System.arraycopy(t, 0, in[r], 1, t.length);
            out[r] = Arrays.copyOf(t, t.length + 1);
            out[r][t.length] = eos;
        }
        return new Batch(p, rows.clone(), PaddedIds.of(src, pad), PaddedIds.of(in, pad), PaddedIds.of(out, pad));
    }

    /** The position after p: the next batch, or the first batch of the next epoch. */
    public DataPosition next(DataPosition p) {
        return p.batch() + 1 < batchCount(p.epoch()) ? new DataPosition(p.epoch(), p.batch() + 1)
                : new DataPosition(p.epoch() + 1, 0);
    }

    /** The endless sequence of batches from start on, across epochs. */
    public Iterator<Batch> from(DataPosition start) {
        return new Iterator<>() {
            private DataPosition p = start;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Batch next() {
                Batch b = batch(p);
                p = Batcher.this.next(p);
                return b;
            }
        };
    }
}
