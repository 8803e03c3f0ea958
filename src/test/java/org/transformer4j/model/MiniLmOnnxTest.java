package org.transformer4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.transformer4j.autograd.Grad;
import org.transformer4j.nn.Activation;
import org.transformer4j.tokenizer.PretrainedTokenizer;

/**
 * all-MiniLM-L6-v2 read from its ONNX file by OnnxBert against ONNX Runtime running the same file: sentence
 * embeddings (mean-pooled, L2-normalised) with cosine >= 0.9999 on the 50 fixture sentences and on our own
 * (empty, unicode, code, near 256 and exactly 512 tokens, batched with padding), and the hidden states themselves.
 */
class MiniLmOnnxTest {
    static final double MIN_COSINE = 0.9999;

    @Test
    void configComesFromTheGraphAndIsThePresetsShape() {
        TransformerConfig c = MiniLmFixtures.model().config();
        TransformerConfig preset = TransformerConfig.preset("minilm-l6");
        assertEquals(30522, c.vocabSize());
        assertEquals(384, c.dModel());
        assertEquals(12, c.heads());
        assertEquals(6, c.encoderLayers());
        assertEquals(1536, c.dFF());
        assertEquals(512, c.maxPositions());
        assertEquals(2, c.tokenTypes());
        assertEquals(1e-12f, c.layerNormEps());
        assertEquals(Activation.GELU, c.activation());
        assertEquals(preset.withDropout(0f), c);
        assertEquals(Models.parameterCount(preset), MiniLmFixtures.model().parameterCount());
    }

    @Test
    void fiftyFixtureSentencesMatchOnnxRuntimeAndTheReferenceEmbeddings() {
        List<MiniLmFixtures.Reference> refs = MiniLmFixtures.references();
        assertEquals(50, refs.size());
        PretrainedTokenizer tokenizer = MiniLmFixtures.tokenizer();
        int[][] ids = new int[refs.size()][];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = tokenizer.encode(refs.get(i).text());
            assertArrayEquals(refs.get(i).ids(), ids[i], refs.get(i).text());
        }
        float[][] ours = SentenceEmbeddings.embed(MiniLmFixtures.model(), Tokens.padded(ids, 0));   // one padded batch
        float[][] ort = MiniLmFixtures.ortEmbeddings(ids);
        double minOrt = 1;
        double minRef = 1;
        for (int i = 0; i < ids.length; i++) {
            minOrt = Math.min(minOrt, MiniLmFixtures.cosine(ort[i], ours[i]));
            minRef = Math.min(minRef, MiniLmFixtures.cosine(refs.get(i).embedding(), ours[i]));
            assertEquals(1.0, norm(ours[i]), 1e-5, "unit length");
        }
        System.out.printf("MiniLM fixture sentences: min cosine 1 - %.2e vs ONNX Runtime, 1 - %.2e vs reference.jsonl%n",
                1 - minOrt, 1 - minRef);
        assertTrue(minOrt >= MIN_COSINE, "min cosine vs ONNX Runtime " + minOrt);
        assertTrue(minRef >= MIN_COSINE, "min cosine vs the reference embeddings " + minRef);
    }

    @Test
    void ownSentencesMatchOnnxRuntimeRunOneByOne() {
        PretrainedTokenizer tokenizer = MiniLmFixtures.tokenizer();
        List<String> shorts = List.of("", "a", "Hello, world!", "The quick brown fox jumps over the lazy dog.",
                "Größenwahn und Café — naïve façade; 東京は日本の首都です。 Привет, мир! 🙂",
                "ÀÉÎÕÜ ÇÑ ß ǅ İstanbul ΣΑΣ", "  tabs\tand\nnewlines\r\n  between words  ",
                "[CLS] is a special token and so is [SEP], written in the text",
                "for (int i = 0; i < n; i++) { sum += a[i]; } // 3.14159 ≈ π, e ≈ 2.71828",
                "!!!???... ---- ****", "Attention is all you need.");
        String paragraph = "Layer normalization placed between the residual blocks changes how gradients flow through"
                + " a deep transformer, which is why warmup matters for the original post-norm design. ";
        List<int[]> longs = new ArrayList<>();
        longs.add(idsOfLength(tokenizer, paragraph, 256));
        longs.add(idsOfLength(tokenizer, paragraph, 512));
        assertEquals(512, longs.get(1).length, "a text of exactly max_positions tokens");
        assertEquals(256, longs.get(0).length);

        List<int[]> all = new ArrayList<>();
        shorts.forEach(s -> all.add(tokenizer.encode(s)));
        assertArrayEquals(new int[] {101, 102}, all.get(0), "the empty string is [CLS] [SEP]");
        float[][] oursShort = SentenceEmbeddings.embed(MiniLmFixtures.model(), Tokens.padded(all.toArray(int[][]::new), 0));
        float[][] oursLong = SentenceEmbeddings.embed(MiniLmFixtures.model(), Tokens.padded(longs.toArray(int[][]::new), 0));
        all.addAll(longs);
        List<float[]> ours = new ArrayList<>(List.of(oursShort));
        ours.addAll(List.of(oursLong));
        double min = 1;
        for (int i = 0; i < all.size(); i++) {
            float[] ort = MiniLmFixtures.ortEmbeddings(new int[][] {all.get(i)})[0];   // unpadded
            double cos = MiniLmFixtures.cosine(ort, ours.get(i));
            assertTrue(cos >= MIN_COSINE, "sentence " + i + " (" + all.get(i).length + " tokens): cosine " + cos);
            min = Math.min(min, cos);
        }
        System.out.printf("MiniLM own sentences (%d, up to 512 tokens): min cosine 1 - %.2e vs ONNX Runtime%n", all.size(),
                1 - min);
    }

    @Test
    void hiddenStatesMatchOnnxRuntime() {
        int[] ids = MiniLmFixtures.tokenizer().encode("Residual connections carry the signal past each sublayer.");
        float[][][] ort = MiniLmFixtures.ortHiddenStates(new int[][] {ids});
        float[] ours;
        try (Grad.Scope ignored = Grad.off()) {
            ours = MiniLmFixtures.model().forward(Tokens.of(ids), null).value().toArray();   // (1, T, 384)
        }
        double maxDiff = 0;
        double maxAbs = 0;
        for (int t = 0; t < ids.length; t++) {
            for (int j = 0; j < 384; j++) {
                maxDiff = Math.max(maxDiff, Math.abs(ort[0][t][j] - ours[t * 384 + j]));
                maxAbs = Math.max(maxAbs, Math.abs(ort[0][t][j]));
            }
        }
        System.out.printf("MiniLM hidden states: max |ours - ONNX Runtime| = %.3g (max |h| = %.3g)%n", maxDiff, maxAbs);
        assertTrue(maxDiff <= 1e-4 * maxAbs, "max difference " + maxDiff + " of max " + maxAbs);
    }

    @Test
    void inputsLongerThanThePositionTableAreRefused() {
        int[] ids = new int[513];
        java.util.Arrays.fill(ids, 1000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SentenceEmbeddings.embed(MiniLmFixtures.model(), Tokens.of(ids)));
        assertTrue(e.getMessage().contains("513") && e.getMessage().contains("512"), e.getMessage());
    }

    /** The ids of a repetition of paragraph's words that encodes to exactly n ids. */
    static int[] idsOfLength(PretrainedTokenizer tokenizer, String paragraph, int n) {
        String[] words = paragraph.repeat(40).trim().split(" ");
        int lo = 1;
        int hi = words.length;
        while (lo < hi) {                                  // the most words whose ids fit in n
            int mid = (lo + hi + 1) / 2;
            if (tokenizer.encode(String.join(" ", java.util.Arrays.copyOf(words, mid))).length <= n) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        String text = String.join(" ", java.util.Arrays.copyOf(words, lo));
        while (tokenizer.encode(text).length < n) {
            text += " a";                                  // one id each
        }
        return tokenizer.encode(text);
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }
}
