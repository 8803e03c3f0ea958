package org.transformer4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.transformer4j.io.Json;
import org.transformer4j.tensor.Rng;

/**
 * The sampling processors against the same processors written in torch from HF's definitions
 * (tools/make_sampling_fixtures.py), hand-worked cases, and the sampler's frequencies against the softmax.
 */
class LogitsProcessorsTest {

    @SuppressWarnings("unchecked")
    static Stream<Map<String, Object>> cases() throws Exception {
        Map<String, Object> f = (Map<String, Object>) Json.parse(
                Files.readString(Path.of("src/test/resources/fixtures/sampling/processors.json")));
        return ((List<Map<String, Object>>) f.get("cases")).stream();
    }

    private static float[] floats(Object list) {
        List<?> l = (List<?>) list;
        float[] out = new float[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = l.get(i) == null ? Float.NEGATIVE_INFINITY : ((Number) l.get(i)).floatValue();
        }
        return out;
    }

    private static double number(Map<String, Object> c, String key) {
        return ((Number) c.get(key)).doubleValue();
    }

    /** HF generate's order for one row: penalty, temperature, top-k, top-p; "off" settings skipped. */
    private static float[] process(Map<String, Object> c) {
        float[] s = floats(c.get("logits"));
        int[] ids = ((List<?>) c.get("ids")).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
        if (number(c, "penalty") != 1) {
            LogitsProcessors.repetitionPenalty(s, ids, (float) number(c, "penalty"));
        }
        if (number(c, "temperature") != 1) {
            LogitsProcessors.temperature(s, (float) number(c, "temperature"));
        }
        if (number(c, "top_k") != 0) {
            LogitsProcessors.topK(s, (int) number(c, "top_k"));
        }
        if (number(c, "top_p") < 1) {
            LogitsProcessors.topP(s, number(c, "top_p"));
        }
        return s;
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("cases")
    void processorsMatchTorch(Map<String, Object> c) {
        String name = String.valueOf(c.get("name"));
        float[] expected = floats(c.get("scores"));
        float[] got = process(c);
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] == Float.NEGATIVE_INFINITY) {
                assertEquals(Float.NEGATIVE_INFINITY, got[i], name + ": token " + i + " is removed");
            } else {
                // float32 products and quotients as torch's: equal to the last bit
                assertEquals(expected[i], got[i], 0f, name + ": score of token " + i);
            }
        }
        double[] probs = LogitsProcessors.softmax(got);
        List<?> expectedProbs = (List<?>) c.get("probs");
        for (int i = 0; i < probs.length; i++) {
            assertEquals(((Number) expectedProbs.get(i)).doubleValue(), probs[i], 1e-6, name + ": probability of " + i);
        }
    }

    @Test
    void handWorkedCases() {
        float[] s = {2f, -2f, 0f, 1f};
        LogitsProcessors.repetitionPenalty(s, new int[] {0, 1, 2, 0, 0}, 2f);
        assertArrayEquals(new float[] {1f, -4f, 0f, 1f}, s, "positive / 2, negative * 2, repeats once, 0 stays");
        s = new float[] {1f, 3f, 3f, 2f, 0f};
        LogitsProcessors.topK(s, 2);
        assertArrayEquals(new float[] {Float.NEGATIVE_INFINITY, 3f, 3f, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, s);
        s = new float[] {1f, 3f, 3f, 2f, 0f};
        LogitsProcessors.topK(s, 3);
        assertArrayEquals(new float[] {Float.NEGATIVE_INFINITY, 3f, 3f, 2f, Float.NEGATIVE_INFINITY}, s,
                "ties with the k-th largest are kept");
        // probabilities 0.5, 0.25, 0.125, 0.125 (log-probabilities): top-p 0.7 keeps {0, 1}; 0.75 keeps {0, 1}
        // too (the cumulative 0.25 of the others is <= 1 - 0.75); 0.76 needs a third token, and of two equal
        // ones the lower id ranks higher.
        float[] probs = {(float) Math.log(0.5), (float) Math.log(0.25), (float) Math.log(0.125), (float) Math.log(0.125)};
        float inf = Float.NEGATIVE_INFINITY;
        s = probs.clone();
        LogitsProcessors.topP(s, 0.7);
        assertArrayEquals(new float[] {probs[0], probs[1], inf, inf}, s);
        s = probs.clone();
        LogitsProcessors.topP(s, 0.76);
        assertArrayEquals(new float[] {probs[0], probs[1], probs[2], inf}, s);
        s = probs.clone();
        LogitsProcessors.topP(s, 0);
        assertArrayEquals(new float[] {probs[0], inf, inf, inf}, s, "p = 0 keeps the most probable token");
        s = probs.clone();
        LogitsProcessors.topP(s, 1);
        assertArrayEquals(probs, s, "p = 1 keeps everything");
        s = new float[] {1f, 1f, 1f, 1f};
        LogitsProcessors.topP(s, 0.3);
        assertArrayEquals(new float[] {1f, 1f, inf, inf}, s, "equal scores: the lower ids are kept");
        assertEquals(1, LogitsProcessors.argmax(new float[] {0f, 5f, 5f, -1f}), "ties go to the lowest id");
        assertEquals(2, LogitsProcessors.argmax(new float[] {inf, inf, 0f}));
    }

    @Test
    void drawPicksTheIntervalHoldingU() {
        double[] p = {0.2, 0.0, 0.5, 0.3};
        assertEquals(0, LogitsProcessors.draw(p, 0.0));
        assertEquals(0, LogitsProcessors.draw(p, 0.1999));
        assertEquals(2, LogitsProcessors.draw(p, 0.2), "an id of probability 0 is never drawn");
        assertEquals(2, LogitsProcessors.draw(p, 0.6999));
        assertEquals(3, LogitsProcessors.draw(p, 0.7));
        assertEquals(3, LogitsProcessors.draw(p, Math.nextDown(1.0)));
        assertEquals(2, LogitsProcessors.draw(new double[] {0.3, 0.3, 0.3999999, 0}, 0.99999999), "rounding: the last "
                + "id of positive probability");
    }

    /** With temperature 1, each id's frequency over many seeded draws is its softmax probability, within 4.5 SE. */
    @Test
    void sampledFrequenciesMatchTheSoftmax() {
        float[] logits = {1.5f, 0.2f, -1f, 0.9f, Float.NEGATIVE_INFINITY, 0f};
        double[] p = LogitsProcessors.softmax(logits);
        int n = 200_000;
        int[] counts = new int[logits.length];
        Rng rng = new Rng(12345);
        for (int i = 0; i < n; i++) {
            counts[LogitsProcessors.sample(logits, rng)]++;
        }
        assertEquals(0, counts[4], "a removed token is never drawn");
        for (int v = 0; v < logits.length; v++) {
            double se = Math.sqrt(p[v] * (1 - p[v]) / n);
            double freq = counts[v] / (double) n;
            assertTrue(Math.abs(freq - p[v]) <= 4.5 * se + 1e-12, "token " + v + ": frequency " + freq + ", probability "
                    + p[v] + ", standard error " + se);
        }
        // A chi-square over the five possible tokens: 4 degrees of freedom, 30 is far beyond its 99.99th percentile.
        double chi2 = 0;
        for (int v = 0; v < logits.length; v++) {
            if (p[v] > 0) {
                double e = p[v] * n;
                chi2 += (counts[v] - e) * (counts[v] - e) / e;
            }
        }
        assertTrue(chi2 < 30, "chi-square " + chi2);
    }

    @Test
    void badSettingsAreRefused() {
        float[] s = {1f, 2f};
        assertThrows(IllegalArgumentException.class, () -> LogitsProcessors.repetitionPenalty(s, new int[] {0}, 0f));
        assertThrows(IllegalArgumentException.class, () -> LogitsProcessors.repetitionPenalty(s, new int[] {2}, 1.2f));
        assertThrows(IllegalArgumentException.class, () -> LogitsProcessors.temperature(s, 0f));
        assertThrows(IllegalArgumentException.class, () -> LogitsProcessors.topK(s, 0));
        assertThrows(IllegalArgumentException.class, () -> LogitsProcessors.topP(s, 1.01));
        assertThrows(IllegalArgumentException.class, () -> LogitsProcessors.topP(s, Double.NaN));
        assertThrows(IllegalArgumentException.class,
                () -> LogitsProcessors.softmax(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TextGenerationConfig.greedy(5).withTopP(2));
        assertTrue(e.getMessage().contains("top_p") && e.getMessage().contains("2.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TextGenerationConfig.greedy(0));
        assertThrows(IllegalArgumentException.class, () -> TextGenerationConfig.greedy(5).withTemperature(-0.1));
        assertThrows(IllegalArgumentException.class, () -> TextGenerationConfig.greedy(5).withTopK(-1));
        assertThrows(IllegalArgumentException.class, () -> TextGenerationConfig.greedy(5).withRepetitionPenalty(0));
        assertThrows(IllegalArgumentException.class, () -> TextGenerationConfig.greedy(5).withEosTokenIds(List.of(-1)));
    }
}
