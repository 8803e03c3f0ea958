package org.transformer4j.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.transformer4j.web.WebFixtures.get;
import static org.transformer4j.web.WebFixtures.post;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every kind of bad request gets a 4xx with a JSON {"error"} body that says what was wrong, and the server
 * stays healthy after each one.
 */
class BadRequestTest {
    static final ServerLimits LIMITS = ServerLimits.defaults().withMaxInputTokens(16).withMaxNewTokens(20)
            .withMaxBodyBytes(2048).withMaxBeam(4);
    static WebServer translator;
    static WebServer gpt;

    @BeforeAll
    static void start() throws Exception {
        translator = WebServer.start(WebFixtures.translatorBench(), "127.0.0.1", 0, LIMITS, null);
        gpt = WebServer.start(WebFixtures.gptBench(), "127.0.0.1", 0, LIMITS, null);
    }

    @AfterAll
    static void stop() {
        translator.close();
        gpt.close();
    }

    /** After every test both servers answer health checks and real work. */
    @AfterEach
    void stillHealthy() throws Exception {
        for (WebServer s : List.of(translator, gpt)) {
            WebFixtures.Reply h = get(s, "/api/health");
            assertEquals(200, h.status(), h.body());
            assertEquals("ok", h.object().get("status"));
        }
        assertEquals(200, post(translator, "/api/translate", "{\"text\": \"hallo\", \"max_tokens\": 3}").status());
        assertEquals(200, post(gpt, "/api/generate", "{\"prompt\": \"hi\", \"max_new_tokens\": 3}").status());
    }

    private static void refused(int status, String needle, WebFixtures.Reply r) {
        assertEquals(status, r.status(), r.body());
        String error = r.error();
        assertNotNull(error, r.body());
        assertTrue(error.contains(needle), "expected \"" + needle + "\" in: " + error);
    }

    @Test
    void badJsonAndWrongShapes() throws Exception {
        refused(400, "not valid JSON", post(translator, "/api/translate", "{\"text\": "));
        refused(400, "not valid JSON", post(translator, "/api/translate", "{'text': 'x'}"));
        refused(400, "not valid JSON", post(translator, "/api/translate", "{\"text\": \"a\"} trailing"));
        refused(400, "not valid JSON", post(translator, "/api/translate", "{\"text\": \"a\", \"text\": \"b\"}"));
        refused(400, "not valid JSON", post(translator, "/api/attention", "[".repeat(100) + "]".repeat(100)));
        refused(400, "must be a JSON object", post(translator, "/api/translate", "[\"hallo\"]"));
        refused(400, "must be a JSON object", post(translator, "/api/translate", "\"hallo\""));
        refused(400, "body is empty", post(translator, "/api/translate", ""));
        refused(400, "unknown field \"txt\"", post(translator, "/api/translate", "{\"txt\": \"hallo\"}"));
        refused(400, "not valid UTF-8", WebFixtures.send(HttpRequest.newBuilder(WebFixtures.uri(translator, "/api/translate"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3,
                    (byte) 0x28, '"', '}'}))));
    }

    @Test
    void wrongTypes() throws Exception {
        refused(400, "\"text\" must be a string, got a number", post(translator, "/api/translate", "{\"text\": 5}"));
        refused(400, "\"max_tokens\" must be an integer, got a string", post(translator, "/api/translate",
                "{\"text\": \"a\", \"max_tokens\": \"3\"}"));
        refused(400, "\"beam\" must be an integer, got a number", post(translator, "/api/translate", "{\"text\": \"a\", \"beam\": 1.5}"));
        refused(400, "\"stream\" must be true or false", post(translator, "/api/translate", "{\"text\": \"a\", \"stream\": \"yes\"}"));
        refused(400, "\"ids\" must be an array", post(translator, "/api/translate", "{\"ids\": \"1 2\"}"));
        refused(400, "element 1 is not a token id", post(translator, "/api/translate", "{\"ids\": [4, \"x\"]}"));
        refused(400, "\"prompt\" must be a string", post(gpt, "/api/generate", "{\"prompt\": [1, 2]}"));
        refused(400, "\"temperature\" must be a number", post(gpt, "/api/generate", "{\"prompt\": \"a\", \"temperature\": \"hot\"}"));
        refused(400, "\"seed\" must be an integer", post(gpt, "/api/generate", "{\"prompt\": \"a\", \"seed\": 1.5}"));
        refused(400, "\"target\" must be a string", post(translator, "/api/attention", "{\"text\": \"a\", \"target\": false}"));
    }

    @Test
    void negativeAndOversizedValues() throws Exception {
        refused(400, "\"max_tokens\" must be in 1..20", post(translator, "/api/translate", "{\"text\": \"a\", \"max_tokens\": -1}"));
        refused(400, "\"max_tokens\" must be in 1..20", post(translator, "/api/translate", "{\"text\": \"a\", \"max_tokens\": 0}"));
        refused(400, "\"max_tokens\" must be in 1..20", post(translator, "/api/translate",
                "{\"text\": \"a\", \"max_tokens\": 1000000000000000000000}"));
        refused(400, "\"beam\" must be in 1..4", post(translator, "/api/translate", "{\"text\": \"a\", \"beam\": 5}"));
        refused(400, "\"beam\" must be in 1..4", post(translator, "/api/translate", "{\"text\": \"a\", \"beam\": -2}"));
        refused(400, "\"max_new_tokens\" must be in 1..20", post(gpt, "/api/generate", "{\"prompt\": \"a\", \"max_new_tokens\": 21}"));
        refused(400, "\"max_new_tokens\" must be in 1..20", post(gpt, "/api/generate", "{\"prompt\": \"a\", \"max_new_tokens\": -5}"));
        refused(400, "\"temperature\" must be in 0..100", post(gpt, "/api/generate", "{\"prompt\": \"a\", \"temperature\": -1}"));
        refused(400, "\"temperature\" is out of range", post(gpt, "/api/generate", "{\"prompt\": \"a\", \"temperature\": 1e999}"));
        refused(400, "\"top_p\" must be in (0, 1]", post(gpt, "/api/generate", "{\"prompt\": \"a\", \"top_p\": 0}"));
        refused(400, "\"top_k\" must be in 0..128", post(gpt, "/api/generate", "{\"prompt\": \"a\", \"top_k\": -1}"));
        refused(400, "not a token id in 0..", post(translator, "/api/translate", "{\"ids\": [4, 99999]}"));
        refused(400, "not a token id in 0..", post(translator, "/api/translate", "{\"ids\": [-1]}"));
        refused(400, "longer than the limit of 16 tokens (--max-input-tokens)",
                post(translator, "/api/translate", "{\"text\": \"" + "a".repeat(17) + "\"}"));
        refused(400, "longer than the limit of 16 tokens", post(gpt, "/api/attention", "{\"text\": \"" + "x".repeat(1500) + "\"}"));
        refused(413, "larger than the limit of 2048 bytes (--max-body)",
                post(translator, "/api/translate", "{\"text\": \"" + "a".repeat(3000) + "\"}"));
    }

    @Test
    void emptyAndMissingText() throws Exception {
        refused(400, "\"text\" is empty", post(translator, "/api/translate", "{\"text\": \"\"}"));
        refused(400, "\"text\" is empty", post(translator, "/api/attention", "{\"text\": \"  \\n \"}"));
        refused(400, "\"prompt\" is empty", post(gpt, "/api/generate", "{\"prompt\": \"\"}"));
        refused(400, "missing \"text\"", post(translator, "/api/translate", "{\"beam\": 2}"));
        refused(400, "missing \"prompt\"", post(gpt, "/api/generate", "{}"));
        refused(400, "\"ids\" is empty", post(translator, "/api/translate", "{\"ids\": []}"));
        refused(400, "either \"text\" or \"ids\"", post(translator, "/api/translate", "{\"text\": \"a\", \"ids\": [4]}"));
    }

    @Test
    void unknownLevelsPathsAndMethods() throws Exception {
        refused(400, "unknown level \"neurons\"", get(translator, "/api/figure?level=neurons"));
        refused(400, "unknown level \"PAPERS\"", get(translator, "/api/figure?level=PAPERS"));
        refused(400, "unknown format \"png\"", get(translator, "/api/figure?format=png"));
        refused(400, "\"encoder.layers.9\" is not a module path", get(translator, "/api/figure?level=blocks&expand=encoder.layers.9"));
        refused(400, "is not a module path", get(translator, "/api/figure?level=ops&collapse="));
        refused(400, "unknown query parameter \"levle\"", get(translator, "/api/figure?levle=ops"));
        refused(400, "given 2 times", get(translator, "/api/figure?level=ops&level=paper"));
        String malformed = raw(translator, "GET /api/figure?level=%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertTrue(malformed.startsWith("HTTP/1.1 400"), malformed);
        refused(400, "\"from\" must be a byte offset", get(translator, "/api/training?from=abc"));
        refused(404, "no endpoint /api/nope", get(translator, "/api/nope"));
        refused(404, "no page /nope", get(translator, "/nope"));
        refused(404, "no page", get(translator, "/static/..%2Fweb%2Findex.html"));
        refused(404, "no page", get(translator, "/static/secret.class"));
        refused(405, "takes POST, not GET", get(translator, "/api/translate"));
        refused(405, "takes GET, not POST", post(translator, "/api/health", "{}"));
        refused(405, "takes GET, not DELETE", WebFixtures.send(HttpRequest.newBuilder(WebFixtures.uri(translator, "/api/figure"))
                .DELETE()));
        refused(400, "needs a decoder-only model", post(translator, "/api/generate", "{\"prompt\": \"a\"}"));
        refused(400, "needs an encoder-decoder model", post(gpt, "/api/translate", "{\"text\": \"a\"}"));
        refused(400, "\"target\" is for encoder-decoder models", post(gpt, "/api/attention", "{\"text\": \"a\", \"target\": \"b\"}"));
    }

    @Test
    void samplingFieldsAreValidated() throws Exception {
        for (String bad : List.of("\"temperature\": -1", "\"top_k\": -2", "\"top_p\": 0", "\"top_p\": 1.5", "\"seed\": 0.5")) {
            refused(400, "must be", post(gpt, "/api/generate", "{\"prompt\": \"a\", " + bad + "}"));
        }
        for (String greedy : List.of("\"temperature\": 0", "\"top_k\": 1", "\"top_p\": 1", "\"seed\": 7")) {
            assertEquals(200, post(gpt, "/api/generate", "{\"prompt\": \"a\", \"max_new_tokens\": 2, " + greedy + "}").status(), greedy);
        }
    }

    @Test
    void foreignHostsAndBrokenHttpAreRefused() throws Exception {
        String reply = raw(translator, "GET /api/health HTTP/1.1\r\nHost: evil.example:80\r\nConnection: close\r\n\r\n");
        assertTrue(reply.startsWith("HTTP/1.1 403"), reply);
        assertTrue(reply.contains("{\"error\":\"the Host header must name this machine"), reply);
        assertTrue(raw(translator, "GET /api/health HTTP/1.1\r\nHost: localhost:1\r\nConnection: close\r\n\r\n")
                .startsWith("HTTP/1.1 200"));
        raw(translator, "HELLO\r\n\r\n");
        raw(translator, "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "X: y\r\n".repeat(500) + "\r\n");
        String lying = raw(translator, "POST /api/translate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000000\r\n"
                + "Connection: close\r\n\r\n{\"text\": \"a\"}");
        assertTrue(lying.startsWith("HTTP/1.1 413"), lying);
        try (Socket s = new Socket("127.0.0.1", translator.port())) {    // a client that sends half a request and leaves
            s.getOutputStream().write("POST /api/translate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 50\r\n\r\n{\"te"
                    .getBytes(StandardCharsets.US_ASCII));
        }
    }

    /**
     * Sends raw bytes and reads one response (its headers and Content-Length bytes of body), or what arrives
     * until the server closes the connection or 10 s pass.
     */
    private static String raw(WebServer s, String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", s.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            try {
                for (int b; (b = in.read()) >= 0; ) {
                    got.write(b);
                    String text = got.toString(StandardCharsets.UTF_8);
                    int end = text.indexOf("\r\n\r\n");
                    if (end >= 0) {
                        var m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(text.substring(0, end));
                        int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
                        got.write(in.readNBytes(length - (got.size() - end - 4)));
                        break;
                    }
                }
            } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
                // what arrived is the answer
            }
            return got.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void errorBodiesAreJsonEvenForStaticPaths() throws Exception {
        WebFixtures.Reply r = get(translator, "/figure/../../etc/passwd");
        assertFalse(r.status() < 400, r.body());
        assertEquals("application/json; charset=utf-8", r.contentType());
    }
}
