package org.transformer4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BatcherTest {
    private static final int PAD = 0;
    private static final int BOS = 1;
    private static final int EOS = 2;

    /** n examples with source and target lengths in [0, 30] and ids from 4 on. */
    private static List<TokenPair> examples(int n, long seed) {
        Random r = new Random(seed);
        List<TokenPair> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new TokenPair(r.ints(r.nextInt(31), 4, 100).toArray(), r.ints(r.nextInt(31), 4, 100).toArray()));
        }
        return out;
    }

    @Test
    void everyExampleOncePerEpochWithinTheTokenBudget() {
        List<TokenPair> data = examples(1000, 1);
        Batcher b = new Batcher(data, new Batcher.Options(200, 16, 128), 42, PAD, BOS, EOS);
        for (int epoch = 0; epoch < 3; epoch++) {
            int[] seen = new int[data.size()];
            for (int k = 0; k < b.batchCount(epoch); k++) {
                Batch batch = b.batch(new DataPosition(epoch, k));
                assertTrue(batch.paddedTokens() <= 200, "batch " + k + " has " + batch.paddedTokens() + " tokens");
                assertTrue(batch.size() <= 16);
                for (int e : batch.examples()) {
                    seen[e]++;
                }
            }
            int[] once = new int[data.size()];
            Arrays.fill(once, 1);
            assertArrayEquals(once, seen, "epoch " + epoch);
        }
    }

    @Test
    void decoderArraysAreTheTargetShiftedByOne() {
        List<TokenPair> data = examples(300, 2);
        Batcher b = new Batcher(data, Batcher.Options.of(256), 5, PAD, BOS, EOS);
        Batch batch = b.batch(DataPosition.START);
        for (int row = 0; row < batch.size(); row++) {
            TokenPair e = data.get(batch.examples()[row]);
            int[] t = e.target();
            PaddedIds in = batch.decoderInput();
            PaddedIds out = batch.decoderTarget();
            assertEquals(t.length + 1, in.lengths()[row]);
            assertEquals(t.length + 1, out.lengths()[row]);
            assertEquals(BOS, in.at(row, 0));
            for (int i = 0; i < t.length; i++) {
                assertEquals(t[i], in.at(row, i + 1));
                assertEquals(t[i], out.at(row, i));
            }
            assertEquals(EOS, out.at(row, t.length));
            for (int i = t.length + 1; i < in.length(); i++) {
                assertEquals(PAD, in.at(row, i));
                assertEquals(PAD, out.at(row, i));
            }
            PaddedIds src = batch.source();
            assertEquals(e.source().length, src.lengths()[row]);
            for (int i = 0; i < src.length(); i++) {
                assertEquals(i < e.source().length ? e.source()[i] : PAD, src.at(row, i));
                assertEquals(i < e.source().length ? 0f : 1f, src.paddingMask().get(row, i));
            }
        }
    }

    @Test
    void sameSeedSameBatchesOtherEpochOrSeedOtherOrder() {
        List<TokenPair> data = examples(500, 3);
        Batcher.Options o = Batcher.Options.of(150).withBucketSize(100);
        Batcher a = new Batcher(data, o, 9, PAD, BOS, EOS);
        Batcher again = new Batcher(data, o, 9, PAD, BOS, EOS);
        for (int epoch = 0; epoch < 3; epoch++) {
            assertTrue(Arrays.deepEquals(a.plan(epoch), again.plan(epoch)), "epoch " + epoch);
        }
        assertFalse(Arrays.deepEquals(a.plan(0), a.plan(1)));
        assertFalse(Arrays.deepEquals(a.plan(0), new Batcher(data, o, 10, PAD, BOS, EOS).plan(0)));
    }

    @Test
    void resumingFromAPositionGivesTheSameBatches() {
        Batcher b = new Batcher(examples(200, 4), Batcher.Options.of(120), 1, PAD, BOS, EOS);
        List<int[]> straight = new ArrayList<>();
        Iterator<Batch> it = b.from(DataPosition.START);
        int total = b.batchCount(0) + b.batchCount(1) + 3;
        DataPosition saved = null;
        for (int k = 0; k < total; k++) {
            Batch batch = it.next();
            straight.add(batch.examples());
            if (k == b.batchCount(0) - 2) {
                saved = b.next(batch.position()); // what a checkpoint stores
            }
        }
        Batcher fresh = new Batcher(examples(200, 4), Batcher.Options.of(120), 1, PAD, BOS, EOS);
        Iterator<Batch> resumed = fresh.from(saved);
        for (int k = b.batchCount(0) - 1; k < total; k++) {
            assertArrayEquals(straight.get(k), resumed.next().examples(), "batch " + k);
        }
        assertEquals(new DataPosition(1, 0), b.next(new DataPosition(0, b.batchCount(0) - 1)));
    }

    @Test
    void oneBucketSortsByLengthSoBatchesDoNotOverlap() {
        Batcher b = new Batcher(examples(400, 5), new Batcher.Options(100, 1000, 1_000_000), 3, PAD, BOS, EOS);
        List<int[]> ranges = new ArrayList<>();
        for (int k = 0; k < b.batchCount(0); k++) {
            int[] lengths = b.batch(new DataPosition(0, k)).source().lengths();
            ranges.add(new int[] {Arrays.stream(lengths).min().orElseThrow(), Arrays.stream(lengths).max().orElseThrow()});
        }
        ranges.sort((x, y) -> x[0] != y[0] ? Integer.compare(x[0], y[0]) : Integer.compare(x[1], y[1]));
        for (int k = 1; k < ranges.size(); k++) {
            assertTrue(ranges.get(k - 1)[1] <= ranges.get(k)[0], "overlap at " + k);
        }
    }

    @Test
    void rejectsExamplesOverTheBudgetAndBadPositions() {
        List<TokenPair> data = List.of(new TokenPair(new int[5], new int[3]), new TokenPair(new int[2], new int[12]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Batcher(data, Batcher.Options.of(10), 0, PAD, BOS, EOS));
        assertEquals("example 1 (source length 2, target length 12) needs 13 padded tokens, more than maxTokens 10;"
                + " filter long examples first", e.getMessage());
        Batcher b = new Batcher(data, Batcher.Options.of(13), 0, PAD, BOS, EOS);
        assertThrows(IllegalArgumentException.class, () -> b.batch(new DataPosition(0, 2)));
        assertThrows(IllegalArgumentException.class, () -> new DataPosition(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Batcher.Options(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Batcher(List.of(), Batcher.Options.of(8), 0, 0, 1, 2));
    }
}
