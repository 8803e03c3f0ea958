package org.transformer4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.transformer4j.autograd.Grad;
import org.transformer4j.nn.DecoderLayer;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;

/**
 * The self-attention cache grows in place (doubling buffers): decoding in chunks that cross several growths
 * gives the logits of one pass over the whole sequence, and reordering or clearing the cache still works.
 */
class KvCacheGrowthTest {

    @Test
    void chunkedDecodingMatchesOnePass() {
        DecoderOnly model = new DecoderOnly(TransformerConfig.tinyGpt().withDropout(0f), new Rng(3));
        model.eval();
        Rng rng = new Rng(5);
        int[] ids = new int[200];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rng.nextInt(128);
        }
        try (Grad.Scope ignored = Grad.off()) {
            Tensor full = model.forward(Tokens.of(ids)).value();                     // (1, 200, vocab)
            List<DecoderLayer.Cache> cache = model.newCache();
            int[] chunks = {10, 1, 1, 60, 1, 70, 1, 56};
            int pos = 0;
            for (int n : chunks) {
                int[] part = java.util.Arrays.copyOfRange(ids, pos, pos + n);
                Tensor logits = model.forward(Tokens.of(part), cache).value();       // (1, n, vocab)
                float[] want = full.narrow(1, pos, n).toArray();
                float[] got = logits.toArray();
                for (int i = 0; i < want.length; i++) {
                    assertEquals(want[i], got[i], 1e-4f, "position " + (pos + i / 128));
                }
                pos += n;
            }
            assertEquals(ids.length, pos);
            assertEquals(200, cache.get(0).self().length());
            assertEquals(200, cache.get(0).self().keys().dim(2));
        }
    }

    @Test
    void reorderThenAppendKeepsTheRows() {
        DecoderOnly model = new DecoderOnly(TransformerConfig.tinyGpt().withDropout(0f), new Rng(3));
        model.eval();
        try (Grad.Scope ignored = Grad.off()) {
            List<DecoderLayer.Cache> cache = model.newCache();
            model.forward(new Tokens(new int[] {1, 2, 3, 4, 5, 6}, 2, 3, null), cache);
            for (DecoderLayer.Cache c : cache) {
                c.self().reorder(new int[] {1, 1});
            }
            Tensor a = model.forward(new Tokens(new int[] {7, 7}, 2, 1, null), cache).value();   // (2, 1, vocab)
            Tensor b = model.forward(Tokens.of(4, 5, 6, 7)).value();
            float[] want = b.narrow(1, 3, 1).toArray();
            assertArrayEquals(want, a.narrow(0, 0, 1).toArray(), 1e-4f);
            assertArrayEquals(want, a.narrow(0, 1, 1).toArray(), 1e-4f);
        }
    }
}
