package org.transformer4j.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.transformer4j.io.Json;
import org.transformer4j.model.ConfigJson;
import org.transformer4j.model.DecoderOnly;
import org.transformer4j.model.EncoderDecoder;
import org.transformer4j.model.TransformerConfig;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tokenizer.CharTokenizer;
import org.transformer4j.train.Checkpoint;
import org.transformer4j.train.MetricsLog;
import org.transformer4j.train.TrainingState;

/** Small models, run folders and an HTTP client for the web tests. */
final class WebFixtures {
    private WebFixtures() {
    }

    /** The alphabet of the test translator's character tokenizer. */
    static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzäöüß -";

    /** A tiny random encoder-decoder (untied output, so greedy output is not just a copy of bos). */
    static EncoderDecoder translator(int vocab) {
        TransformerConfig c = TransformerConfig.tinyPaper().withDModel(32).withDFF(64).withVocabSize(vocab)
                .withDropout(0f).withTieOutput(false).withMaxPositions(64);
        EncoderDecoder m = new EncoderDecoder(c, new Rng(1));
        m.eval();
        return m;
    }

    /** A tiny random GPT over 128 ids (ASCII under the preset character mapping). */
    static DecoderOnly gpt() {
        DecoderOnly m = new DecoderOnly(TransformerConfig.tinyGpt().withDModel(32).withDFF(64).withDropout(0f)
                .withTieOutput(false), new Rng(2));
        m.eval();
        return m;
    }

    /** An encoder-decoder with a character tokenizer, as a run folder would give it. */
    static Workbench translatorBench() {
        CharTokenizer tok = CharTokenizer.of(ALPHABET);
        EncoderDecoder m = translator(tok.vocabSize());
        return new Workbench("test-translator", m, m.config(), TextCodec.of(tok, "characters of the test"), null, null);
    }

    /** A tiny GPT served as a preset. */
    static Workbench gptBench() {
        DecoderOnly m = gpt();
        return Workbench.preset("test-gpt", m, m.config());
    }

    /** Writes a run folder as ./t4j train leaves it: config.json, tokenizer.json, a checkpoint and metrics.jsonl. */
    static Path runFolder(Path dir, int steps) throws IOException {
        CharTokenizer tok = CharTokenizer.of(ALPHABET);
        EncoderDecoder m = translator(tok.vocabSize());
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), ConfigJson.write(m.config()));
        tok.save(dir.resolve("tokenizer.json"));
        Checkpoint.save(dir, m, null, TrainingState.at(steps, "constant"));
        try (MetricsLog log = new MetricsLog(dir, new PrintStream(PrintStream.nullOutputStream()), false)) {
            log.note("data: the web test's run");
            for (int s = 1; s <= steps; s++) {
                log.step(s, steps, 5.0 * Math.exp(-s / 20.0) + 0.3, 1e-3, 1.0, 100, s * 0.1, 0);
                if (s % 20 == 0) {
                    log.eval(s, 1 - Math.exp(-s / 30.0));
                }
            }
        }
        return dir;
    }

    /** A response: status, body, content type. */
    record Reply(int status, String body, String contentType) {
        Object json() {
            return Json.parse(body);
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> object() {
            return (Map<String, Object>) json();
        }

        /** The error message of a JSON error body (fails if the body is not one). */
        String error() {
            assertEquals("application/json; charset=utf-8", contentType, body);
            return (String) object().get("error");
        }
    }

    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

    static Reply get(WebServer s, String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(s.url().resolve(path)).GET());
    }

    static Reply post(WebServer s, String path, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(s.url().resolve(path))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .header("Content-Type", "application/json"));
    }

    static Reply send(HttpRequest.Builder b) throws IOException, InterruptedException {
        HttpResponse<String> r = CLIENT.send(b.timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
    }

    /** URI of a path on the server. */
    static URI uri(WebServer s, String path) {
        return s.url().resolve(path);
    }

    /** The ids of a JSON array. */
    static int[] ids(Object list) {
        return ((List<?>) list).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
    }

    /** Parses an SSE body into (event, data) pairs. */
    static List<String[]> events(String body) {
        return body.lines().filter(l -> !l.isEmpty()).toList().stream().reduce(new java.util.ArrayList<String[]>(),
                (acc, line) -> {
                    if (line.startsWith("event: ")) {
                        acc.add(new String[] {line.substring(7), null});
                    } else if (line.startsWith("data: ")) {
                        acc.get(acc.size() - 1)[1] = line.substring(6);
                    }
                    return acc;
                }, (a, b) -> a);
    }
}
