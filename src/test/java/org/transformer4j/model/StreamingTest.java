package org.transformer4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.transformer4j.tensor.Rng;

/** Streaming greedy decoding gives Decoding's ids, hands each to the callback in order and stops when told. */
class StreamingTest {
    private static final int[][] SOURCES = {{3, 4, 5, 6}, {7, 8}, {9, 10, 11, 12, 13, 14}, {15, 3}};

    private static EncoderDecoder translator() {
        TransformerConfig c = TransformerConfig.tinyPaper().withDModel(32).withDFF(64).withVocabSize(20)
                .withDropout(0f).withTieOutput(false);
        EncoderDecoder m = new EncoderDecoder(c, new Rng(1));
        m.eval();
        return m;
    }

    private static DecoderOnly gpt() {
        DecoderOnly m = new DecoderOnly(TransformerConfig.tinyGpt().withDModel(32).withDFF(64).withVocabSize(30)
                .withDropout(0f).withTieOutput(false), new Rng(2));
        m.eval();
        return m;
    }

    @Test
    void encoderDecoderStreamsDecodingsGreedyIds() {
        EncoderDecoder m = translator();
        int lengths = 0;
        for (int eos : new int[] {12, 2}) {
            for (int[] src : SOURCES) {
                List<Integer> seen = new ArrayList<>();
                int[] streamed = Streaming.greedy(m, src, 1, eos, 10, id -> seen.add(id));
                int[] expected = Decoding.greedy(m, Tokens.of(src), 1, eos, 10).get(0);
                assertArrayEquals(expected, streamed, Arrays.toString(src));
                assertEquals(Arrays.stream(expected).boxed().toList(), seen);
                lengths += streamed.length;
            }
        }
        assertTrue(lengths > 0, "some source produced ids, so the comparison means something");
    }

    /** Greedy continuation by recomputing the whole sequence at every step (no cache). */
    private static int[] recomputed(DecoderOnly m, int[] prompt, int maxNew) {
        int[] seq = prompt.clone();
        try (org.transformer4j.autograd.Grad.Scope ignored = org.transformer4j.autograd.Grad.off()) {
            for (int step = 0; step < maxNew; step++) {
                org.transformer4j.tensor.Tensor logits = m.forward(Tokens.of(seq)).value();   // (1, T, V)
                int next = Math.round(logits.select(1, seq.length - 1).argmax(-1, false).item());
                seq = Arrays.copyOf(seq, seq.length + 1);
                seq[seq.length - 1] = next;
            }
        }
        return Arrays.copyOfRange(seq, prompt.length, seq.length);
    }

    @Test
    void decoderOnlyStreamsTheGreedyIdsOfFullRecomputation() {
        DecoderOnly m = gpt();
        for (int[] prompt : SOURCES) {
            List<Integer> seen = new ArrayList<>();
            int[] streamed = Streaming.greedy(m, prompt, 12, -1, id -> seen.add(id));
            assertArrayEquals(recomputed(m, prompt, 12), streamed);
            assertEquals(12, streamed.length);
            assertEquals(Arrays.stream(streamed).boxed().toList(), seen);
            int eos = streamed[3];
            int[] stopped = Streaming.greedy(m, prompt, 12, eos, id -> true);
            assertArrayEquals(Decoding.greedy(m, prompt, 12, eos), stopped);
            assertTrue(stopped.length <= 3, "stops before eos");
        }
    }

    @Test
    void theCallbackStopsDecodingAndItsIdIsKept() {
        int[] calls = {0};
        int[] out = Streaming.greedy(gpt(), new int[] {1, 2}, 12, -1, id -> ++calls[0] < 4);
        assertEquals(4, out.length);
        assertEquals(4, calls[0]);
        int[] full = Decoding.greedy(gpt(), new int[] {1, 2}, 12, -1);
        assertArrayEquals(Arrays.copyOf(full, 4), out);
        int[] one = Streaming.greedy(translator(), SOURCES[2], 1, 19, 10, id -> false);
        assertTrue(one.length <= 1);
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Streaming.greedy(gpt(), new int[0], 3, -1, id -> true));
        assertThrows(IllegalArgumentException.class, () -> Streaming.greedy(gpt(), new int[] {1}, -1, -1, id -> true));
        assertThrows(IllegalArgumentException.class, () -> Streaming.greedy(gpt(), new int[] {1}, 3, 30, id -> true));
        assertThrows(IllegalArgumentException.class, () -> Streaming.greedy(translator(), new int[0], 1, 2, 5, id -> true));
        assertThrows(IllegalArgumentException.class, () -> Streaming.greedy(translator(), new int[] {3}, 1, 20, 5, id -> true));
        assertThrows(IllegalArgumentException.class, () -> Streaming.greedy(translator(), new int[] {3}, 1, 2, 0, id -> true));
    }
}
