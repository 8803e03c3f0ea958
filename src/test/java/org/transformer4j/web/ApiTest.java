package org.transformer4j.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.transformer4j.web.WebFixtures.get;
import static org.transformer4j.web.WebFixtures.ids;
import static org.transformer4j.web.WebFixtures.post;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transformer4j.autograd.Grad;
import org.transformer4j.figure.FigureJson;
import org.transformer4j.inspect.AttentionMaps;
import org.transformer4j.io.Json;
import org.transformer4j.model.Decoding;
import org.transformer4j.model.DecoderOnly;
import org.transformer4j.model.EncoderDecoder;
import org.transformer4j.model.Tokens;
import org.transformer4j.nn.Module;

/** The JSON API against in-process servers: what each endpoint answers is what the library computes. */
class ApiTest {
    static WebServer translator;
    static WebServer gpt;
    static Workbench translatorBench;
    static Workbench gptBench;

    @BeforeAll
    static void start() throws Exception {
        translatorBench = WebFixtures.translatorBench();
        gptBench = WebFixtures.gptBench();
        translator = WebServer.start(translatorBench, "127.0.0.1", 0, ServerLimits.defaults(), null);
        gpt = WebServer.start(gptBench, "127.0.0.1", 0, ServerLimits.defaults(), null);
    }

    @AfterAll
    static void stop() {
        translator.close();
        gpt.close();
    }

    @Test
    void healthAndModel() throws Exception {
        WebFixtures.Reply h = get(translator, "/api/health");
        assertEquals(200, h.status());
        assertEquals("ok", h.object().get("status"));
        assertEquals("encoder_decoder", h.object().get("architecture"));
        Map<String, Object> m = get(gpt, "/api/model").object();
        assertEquals("decoder_only", m.get("architecture"));
        assertEquals(gptBench.model().parameterCount(), ((Number) m.get("parameters")).longValue());
        assertEquals(List.of("generate", "attention", "figure"), m.get("endpoints"));
        Map<String, Long> params = new java.util.HashMap<>();
        for (Object o : (List<?>) m.get("modules")) {
            Map<?, ?> mod = (Map<?, ?>) o;
            params.put((String) mod.get("path"), ((Number) mod.get("parameters")).longValue());
        }
        Module attn = gptBench.modules().get("decoder.layers.1.self_attn");
        assertTrue(attn.parameterCount() > 0);
        assertEquals(attn.parameterCount(), params.get("decoder.layers.1.self_attn"));
        assertEquals(gptBench.model().parameterCount(), params.get(""));
    }

    @Test
    void figureAtEachLevelAndExpandChangesIt() throws Exception {
        int previous = -1;
        for (String level : List.of("paper", "blocks", "ops")) {
            WebFixtures.Reply r = get(translator, "/api/figure?level=" + level + "&format=json");
            assertEquals(200, r.status(), r.body());
            var f = FigureJson.read(r.body());
            assertEquals(level, f.level().name().toLowerCase(java.util.Locale.ROOT));
            assertTrue(f.nodes().size() > previous, level + " has more boxes than the level above");
            previous = f.nodes().size();
        }
        var closed = FigureJson.read(get(translator, "/api/figure?level=blocks").body());
        var open = FigureJson.read(get(translator, "/api/figure?level=blocks&expand=encoder.layers.0.self_attn").body());
        assertTrue(open.nodes().size() > closed.nodes().size(), "opening the attention shows its ops");
        assertTrue(open.hasGroup("group:encoder.layers.0.self_attn"), "and frames them");
        var collapsed = FigureJson.read(get(translator, "/api/figure?level=ops&collapse=decoder").body());
        var ops = FigureJson.read(get(translator, "/api/figure?level=ops").body());
        assertTrue(collapsed.nodes().size() < ops.nodes().size(), "closing the decoder at the ops level");
        WebFixtures.Reply svg = get(translator, "/api/figure?level=blocks&format=svg&expand=encoder.layers.0.self_attn");
        assertEquals(200, svg.status());
        assertEquals("image/svg+xml; charset=utf-8", svg.contentType());
        assertTrue(svg.body().startsWith("<?xml") && svg.body().contains("data-group=\"group:encoder.layers.0.self_attn\""));
        assertEquals(svg.body(), get(translator, "/api/figure?expand=encoder.layers.0.self_attn&format=svg&level=blocks").body(),
                "the same request (parameters in any order) gives the same drawing");
    }

    @Test
    void translateIsDecodingsGreedyAndBeam() throws Exception {
        EncoderDecoder m = (EncoderDecoder) translatorBench.model();
        int[] src = translatorBench.codec().encode("guten abend");
        Map<String, Object> r = post(translator, "/api/translate", "{\"text\": \"guten abend\", \"max_tokens\": 12}").object();
        int[] expected = Decoding.greedy(m, Tokens.of(src), 1, 2, 12).get(0);
        assertArrayEquals(expected, ids(r.get("ids")));
        assertEquals(translatorBench.codec().decode(expected), r.get("text"));
        assertEquals(src.length, ((Number) r.get("input_tokens")).intValue());
        Map<String, Object> b = post(translator, "/api/translate", "{\"ids\": " + java.util.Arrays.toString(src)
                + ", \"beam\": 3, \"max_tokens\": 12}").object();
        assertArrayEquals(Decoding.beam(m, Tokens.of(src), 1, 2, 12, 3, 1.0).get(0), ids(b.get("ids")));
        assertEquals(3, ((Number) b.get("beam")).intValue());
    }

    @Test
    void aMarianFolderWithItsSentencePieceFilesTranslatesText(@TempDir Path dir) throws Exception {
        // The tiny HF Marian model with an Opus-MT-style tokenizer (tokenizer/MarianTokenizerTest): text in, text out,
        // the ids being HF generate's for MarianTokenizer's ids of the text.
        Path marian = Path.of("src/test/resources/fixtures/hf/marian-tiny");
        for (String f : new String[] {"config.json", "generation_config.json", "model.safetensors"}) {
            Files.copy(marian.resolve(f), dir.resolve(f));
        }
        org.transformer4j.tokenizer.MarianTokenizerTest.folder(dir);
        EncoderDecoder m = org.transformer4j.model.HfMarian.load(dir);
        Workbench bench = Workbench.folder("opus", m, m.config(), dir);
        org.transformer4j.tokenizer.MarianTokenizer t = org.transformer4j.tokenizer.MarianTokenizer.load(dir);
        try (WebServer s = WebServer.start(bench, "127.0.0.1", 0, ServerLimits.defaults(), null)) {
            Map<String, Object> r = post(s, "/api/translate", "{\"text\": \"Guten Morgen!\", \"max_tokens\": 8}").object();
            int[] out = org.transformer4j.model.Generation.generate(m, Tokens.of(t.encode("Guten Morgen!")),
                    org.transformer4j.model.HfMarian.generationConfig(dir).withMaxLength(9)).get(0);
            int end = out[out.length - 1] == 0 ? out.length - 1 : out.length;
            int[] expected = java.util.Arrays.copyOfRange(out, 1, end);
            assertArrayEquals(expected, ids(r.get("ids")));
            assertEquals(t.decodeTranslation(expected), r.get("text"));
        }
    }

    @Test
    void streamedTranslationSendsEveryTokenThenTheResult() throws Exception {
        WebFixtures.Reply r = post(translator, "/api/translate", "{\"text\": \"guten abend\", \"max_tokens\": 12, \"stream\": true}");
        assertEquals(200, r.status());
        assertEquals("text/event-stream; charset=utf-8", r.contentType());
        List<String[]> events = WebFixtures.events(r.body());
        String[] last = events.get(events.size() - 1);
        assertEquals("done", last[0], r.body());
        int[] all = ids(((Map<?, ?>) Json.parse(last[1])).get("ids"));
        assertEquals(all.length, events.size() - 1, "one token event per id");
        for (int i = 0; i < all.length; i++) {
            Map<?, ?> e = (Map<?, ?>) Json.parse(events.get(i)[1]);
            assertEquals("token", events.get(i)[0]);
            assertEquals(all[i], ((Number) e.get("id")).intValue());
            assertEquals(translatorBench.codec().decode(java.util.Arrays.copyOf(all, i + 1)), e.get("text"));
        }
    }

    @Test
    void generateIsDecodingsGreedy() throws Exception {
        DecoderOnly m = (DecoderOnly) gptBench.model();
        Map<String, Object> r = post(gpt, "/api/generate", "{\"prompt\": \"Hello\", \"max_new_tokens\": 9, \"seed\": 5, "
                + "\"temperature\": 0}").object();
        int[] prompt = "Hello".chars().toArray();
        assertArrayEquals(Decoding.greedy(m, prompt, 9, -1), ids(r.get("ids")));
        assertEquals("length", r.get("stop_reason"));
        WebFixtures.Reply s = WebFixtures.send(java.net.http.HttpRequest.newBuilder(WebFixtures.uri(gpt, "/api/generate"))
                .header("Accept", "text/event-stream")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"ids\": [72, 101], \"max_new_tokens\": 5}")));
        List<String[]> events = WebFixtures.events(s.body());
        assertEquals(6, events.size(), s.body());
        assertArrayEquals(Decoding.greedy(m, new int[] {72, 101}, 5, -1),
                ids(((Map<?, ?>) Json.parse(events.get(5)[1])).get("ids")));
    }

    @Test
    void generateSamplesAsTextGenerationWithTheSeed() throws Exception {
        DecoderOnly m = (DecoderOnly) gptBench.model();
        String body = "{\"prompt\": \"Hello\", \"max_new_tokens\": 8, \"temperature\": 1.5, \"top_k\": 12, \"top_p\": 0.95, "
                + "\"seed\": 11}";
        int[] first = ids(post(gpt, "/api/generate", body).object().get("ids"));
        assertArrayEquals(first, ids(post(gpt, "/api/generate", body).object().get("ids")), "same seed, same ids");
        int[] expected = org.transformer4j.model.TextGeneration.generate(m, "Hello".chars().toArray(),
                org.transformer4j.model.TextGenerationConfig.greedy(8).withTemperature(1.5).withTopK(12).withTopP(0.95)
                        .withSeed(11), id -> true).ids();
        assertArrayEquals(expected, first);
        int[] other = ids(post(gpt, "/api/generate", body.replace("\"seed\": 11", "\"seed\": 12")).object().get("ids"));
        int[] greedy = Decoding.greedy(m, "Hello".chars().toArray(), 8, -1);
        assertTrue(!java.util.Arrays.equals(first, other) || !java.util.Arrays.equals(first, greedy),
                "sampling with two seeds gives two different outputs or differs from greedy");
    }

    @Test
    void attentionMapsAreTheForwardPasssOwn() throws Exception {
        EncoderDecoder m = (EncoderDecoder) translatorBench.model();
        Map<String, Object> r = post(translator, "/api/attention", "{\"text\": \"guten abend\"}").object();
        Map<?, ?> seqs = (Map<?, ?>) r.get("sequences");
        List<?> source = (List<?>) seqs.get("source");
        List<?> target = (List<?>) seqs.get("target");
        int[] src = translatorBench.codec().encode("guten abend");
        assertEquals(src.length, source.size());
        assertEquals("<s>", target.get(0));
        int[] out = Decoding.greedy(m, Tokens.of(src), 1, 2, 64 - 1).get(0);
        assertEquals(out.length + 1, target.size(), "the target is the model's own translation after <s>");
        List<?> maps = (List<?>) r.get("maps");
        assertEquals(2 + 2 * 2, maps.size(), "2 encoder self, 2 decoder self and 2 cross maps");
        int[] dec = new int[out.length + 1];
        dec[0] = 1;
        System.arraycopy(out, 0, dec, 1, out.length);
        List<AttentionMaps.Map> captured;
        try (Grad.Scope ignored = Grad.off()) {
            captured = AttentionMaps.capture(() -> m.forward(Tokens.of(src), Tokens.of(dec)));
        }
        for (int i = 0; i < maps.size(); i++) {
            Map<?, ?> map = (Map<?, ?>) maps.get(i);
            AttentionMaps.Map c = captured.get(i);
            assertEquals(c.module(), map.get("module"));
            List<?> heads = (List<?>) map.get("weights");
            assertEquals(c.heads(), heads.size());
            int tq = ((List<?>) seqs.get(map.get("queries"))).size();
            int tk = ((List<?>) seqs.get(map.get("keys"))).size();
            for (int h = 0; h < heads.size(); h++) {
                List<?> rows = (List<?>) heads.get(h);
                assertEquals(tq, rows.size());
                for (int q = 0; q < tq; q++) {
                    List<?> row = (List<?>) rows.get(q);
                    assertEquals(tk, row.size());
                    double sum = 0;
                    for (int k = 0; k < tk; k++) {
                        double w = ((Number) row.get(k)).doubleValue();
                        assertEquals(c.head(0, h).get(q, k), w, 5.1e-5, map.get("module") + " head " + h);
                        sum += w;
                    }
                    assertEquals(1, sum, 1e-3);
                }
            }
        }
        assertEquals("cross", ((Map<?, ?>) maps.get(maps.size() - 1)).get("kind"));
        Map<String, Object> g = post(gpt, "/api/attention", "{\"text\": \"Hi there\"}").object();
        assertEquals(8, ((List<?>) ((Map<?, ?>) g.get("sequences")).get("tokens")).size());
        assertEquals("causal_self", ((Map<?, ?>) ((List<?>) g.get("maps")).get(0)).get("kind"));
    }

    @Test
    void trainingFollowsTheLogFromAnOffset(@TempDir Path dir) throws Exception {
        Path run = WebFixtures.runFolder(dir.resolve("run"), 40);
        try (WebServer s = WebServer.start(translatorBench.withTrainingLog(run), "127.0.0.1", 0, ServerLimits.defaults(), null)) {
            Map<String, Object> r = get(s, "/api/training").object();
            assertEquals(40, ((List<?>) r.get("points")).size());
            assertEquals(2, ((List<?>) r.get("evals")).size());
            assertEquals(List.of("data: the web test's run"), r.get("notes"));
            long next = ((Number) r.get("next")).longValue();
            assertEquals(Files.size(run.resolve("metrics.jsonl")), next);
            assertEquals(List.of(), get(s, "/api/training?from=" + next).object().get("points"));
            Files.writeString(run.resolve("metrics.jsonl"), "{\"step\": 41, \"loss\": 0.5}\n{\"step\": 42, \"lo",
                    StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            Map<String, Object> more = get(s, "/api/training?from=" + next).object();
            List<?> points = (List<?>) more.get("points");
            assertEquals(1, points.size(), "a line still being written is not read: " + points);
            assertEquals(41, ((Number) ((List<?>) points.get(0)).get(0)).intValue());
            assertEquals(0.5, ((Number) ((List<?>) points.get(0)).get(1)).doubleValue());
            long after = ((Number) more.get("next")).longValue();
            assertNotEquals(next, after);
            assertEquals(true, get(s, "/api/training?from=999999999").object().get("reset"), "a shorter file is read anew");
        }
        WebFixtures.Reply none = get(translator, "/api/training");
        assertEquals(404, none.status());
        assertTrue(none.error().contains("--run"), none.body());
    }

    @Test
    void pagesAndAssets() throws Exception {
        for (String page : List.of("/", "/figure", "/attention", "/playground", "/training")) {
            WebFixtures.Reply r = get(translator, page);
            assertEquals(200, r.status(), page);
            assertEquals("text/html; charset=utf-8", r.contentType());
            assertTrue(r.body().contains("/static/common.js"), page);
        }
        for (String asset : List.of("common.js", "figure.js", "attention.js", "playground.js", "training.js", "app.css")) {
            assertEquals(200, get(translator, "/static/" + asset).status(), asset);
        }
    }
}
