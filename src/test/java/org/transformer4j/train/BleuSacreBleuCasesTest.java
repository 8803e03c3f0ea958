package org.transformer4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.transformer4j.io.Json;

/**
 * BLEU against the values sacreBLEU's own test suite asserts (test_bleu.py, test_sentence_bleu.py),
 * transcribed into src/test/resources/bleu/sacrebleu-test-cases.json. Each case runs with the options the
 * sacreBLEU test passes; a failure names the case.
 */
class BleuSacreBleuCasesTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cases() throws IOException {
        try (InputStream in = BleuSacreBleuCasesTest.class.getResourceAsStream("/bleu/sacrebleu-test-cases.json")) {
            return (Map<String, Object>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> list(Object o) {
        return (List<T>) o;
    }

    private static double number(Object o) {
        return ((Number) o).doubleValue();
    }

    private static long[] longs(Object o) {
        return list(o).stream().mapToLong(x -> ((Number) x).longValue()).toArray();
    }

    /** The settings a sacreBLEU corpus test passes: its kwargs, or raw_corpus_bleu's fixed ones. */
    private static Bleu.Settings settings(Map<String, Object> kwargs) {
        Bleu.Settings s = Bleu.Settings.DEFAULT;
        if (kwargs.containsKey("raw")) {
            return s.withTokenizer(BleuTokenizer.NONE).withSmoothing(Bleu.Smoothing.FLOOR, number(kwargs.get("raw")))
                    .withEffectiveOrder(true);
        }
        if (kwargs.containsKey("tokenize")) {
            s = s.withTokenizer(BleuTokenizer.of((String) kwargs.get("tokenize")));
        }
        if (kwargs.containsKey("smooth_method")) {
            s = s.withSmoothing(smoothing((String) kwargs.get("smooth_method")));
        }
        return s;
    }

    private static Bleu.Smoothing smoothing(String name) {
        return Bleu.Smoothing.valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    @Test
    @SuppressWarnings("unchecked")
    void corpusScores() throws IOException {
        int checked = 0;
        for (Object o : list(cases().get("corpus"))) {
            Map<String, Object> c = (Map<String, Object>) o;
            List<String> hyps = list(c.get("hyps"));
            List<List<String>> refs = list(c.get("refs"));
            Bleu.Result r = Bleu.corpusMultiRef(hyps, refs, settings((Map<String, Object>) c.get("settings")));
            assertEquals(number(c.get("score")), r.score(), number(c.get("tolerance")), (String) c.get("name"));
            checked++;
        }
        assertEquals(14, checked);
    }

    @Test
    @SuppressWarnings("unchecked")
    void maxNgramOrder() throws IOException {
        Map<String, Object> all = cases();
        Map<String, Object> readme = (Map<String, Object>) list(all.get("corpus")).get(0);
        for (Object o : list(all.get("max_order"))) {
            Map<String, Object> c = (Map<String, Object>) o;
            int order = ((Number) c.get("order")).intValue();
            Bleu.Result r = Bleu.corpusMultiRef(list(readme.get("hyps")), list(readme.get("refs")),
                    Bleu.Settings.DEFAULT.withMaxOrder(order));
            assertEquals(c.get("formatted"), String.format(Locale.ROOT, "%.2f", r.score()), "order " + order);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void statisticsAndScoringFromStatistics() throws IOException {
        Map<String, Object> all = cases();
        for (Object o : list(all.get("statistics"))) {
            Map<String, Object> c = (Map<String, Object>) o;
            Bleu.Result r = Bleu.corpusMultiRef(List.of((String) c.get("hyp")), List.of(List.of((String) c.get("ref"))),
                    Bleu.Settings.DEFAULT.withTokenizer(BleuTokenizer.NONE).withSmoothing(Bleu.Smoothing.FLOOR, 0.01)
                            .withEffectiveOrder(true));
            assertArrayEquals(longs(c.get("counts")), r.correct());
            assertArrayEquals(longs(c.get("totals")), r.total());
        }
        for (Object o : list(all.get("scoring"))) {
            Map<String, Object> c = (Map<String, Object>) o;
            Bleu.Settings s = c.containsKey("floor")
                    ? Bleu.Settings.DEFAULT.withSmoothing(Bleu.Smoothing.FLOOR, number(c.get("floor")))
                    : Bleu.Settings.DEFAULT;
            Bleu.Result r = Bleu.fromStatistics(longs(c.get("counts")), longs(c.get("totals")),
                    ((Number) c.get("sys_len")).longValue(), ((Number) c.get("ref_len")).longValue(), s);
            assertEquals(number(c.get("score")), r.score(), 1e-6, c.toString());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void sentenceScores() throws IOException {
        Map<String, Object> sentence = (Map<String, Object>) cases().get("sentence");
        String hyp = (String) sentence.get("hyp");
        List<String> ref = List.of((String) sentence.get("ref"));
        double tolerance = number(sentence.get("tolerance"));
        List<String> failures = new ArrayList<>();
        for (Object o : list(sentence.get("cases"))) {
            Map<String, Object> c = (Map<String, Object>) o;
            Bleu.Smoothing method = smoothing((String) c.get("smooth_method"));
            Bleu.Settings s = Bleu.Settings.DEFAULT.withTokenizer(BleuTokenizer.of((String) c.get("tokenize")))
                    .withLowercase((Boolean) c.get("lowercase"));
            s = c.containsKey("smooth_value") ? s.withSmoothing(method, number(c.get("smooth_value"))) : s.withSmoothing(method);
            double score = Bleu.sentence(hyp, ref, s).score();
            if (Math.abs(score - number(c.get("score"))) >= tolerance) {
                failures.add(c + " gave " + score);
            }
        }
        assertEquals(List.of(), failures);
        for (Object m : list(sentence.get("zero_cases"))) {
            Bleu.Result r = Bleu.sentence((String) sentence.get("zero_hyp"), List.of((String) sentence.get("zero_ref")),
                    Bleu.Settings.DEFAULT.withSmoothing(smoothing((String) m)));
            assertEquals(0.0, r.score(), 0.0, (String) m);
        }
    }
}
