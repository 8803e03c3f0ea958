package org.transformer4j.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.transformer4j.web.WebFixtures.get;
import static org.transformer4j.web.WebFixtures.post;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.transformer4j.model.DecoderOnly;
import org.transformer4j.model.TransformerConfig;
import org.transformer4j.tensor.Rng;

/** The concurrency limit (429), the per-request timeout (503) and a client leaving mid-stream. */
class LimitsTest {
    /** A GPT with room for a long generation, so that one request keeps its slot for seconds. */
    private static Workbench longGpt() {
        DecoderOnly m = new DecoderOnly(TransformerConfig.tinyGpt().withDModel(32).withDFF(64).withDropout(0f)
                .withTieOutput(false).withMaxPositions(4096), new Rng(3));
        return Workbench.preset("long-gpt", m, m.config());
    }

    private static HttpResponse<InputStream> openStream(WebServer s, int tokens) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(WebFixtures.uri(s, "/api/generate")).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"a\", \"max_new_tokens\": " + tokens
                        + ", \"stream\": true}")).build();
        return WebFixtures.CLIENT.send(req, HttpResponse.BodyHandlers.ofInputStream());
    }

    /** Waits until the server reports no computation running (at most 60 s). */
    private static void awaitIdle(WebServer s) throws Exception {
        long end = System.nanoTime() + 60_000_000_000L;
        while (((Number) get(s, "/api/health").object().get("busy")).intValue() != 0) {
            assertTrue(System.nanoTime() < end, "the computation never ended");
            Thread.sleep(50);
        }
    }

    @Test
    void beyondMaxConcurrentIs429AndAClientThatLeavesFreesItsSlot() throws Exception {
        ServerLimits limits = ServerLimits.defaults().withMaxConcurrent(1).withMaxNewTokens(4000);
        try (WebServer s = WebServer.start(longGpt(), "127.0.0.1", 0, limits, null)) {
            HttpResponse<InputStream> first = openStream(s, 4000);
            assertEquals(200, first.statusCode());
            BufferedReader events = new BufferedReader(new InputStreamReader(first.body(), StandardCharsets.UTF_8));
            assertEquals("event: token", events.readLine(), "the first generation is running");
            assertEquals(1, ((Number) get(s, "/api/health").object().get("busy")).intValue());
            WebFixtures.Reply second = post(s, "/api/generate", "{\"prompt\": \"b\", \"max_new_tokens\": 3}");
            assertEquals(429, second.status(), second.body());
            assertTrue(second.error().contains("--max-concurrent"), second.body());
            assertEquals(429, post(s, "/api/attention", "{\"text\": \"b\"}").status(), "attention shares the slots");
            assertEquals(200, get(s, "/api/health").status(), "health needs no slot");
            events.close();                                   // the client goes away mid-stream
            awaitIdle(s);
            assertEquals(200, post(s, "/api/generate", "{\"prompt\": \"b\", \"max_new_tokens\": 3}").status());
        }
    }

    @Test
    void aRequestPastTheTimeoutIs503AndTheServerRecovers() throws Exception {
        ServerLimits limits = ServerLimits.defaults().withTimeout(Duration.ofMillis(300)).withMaxNewTokens(4000);
        try (WebServer s = WebServer.start(longGpt(), "127.0.0.1", 0, limits, null)) {
            WebFixtures.Reply late = post(s, "/api/generate", "{\"prompt\": \"a\", \"max_new_tokens\": 4000}");
            assertEquals(503, late.status(), late.body());
            assertTrue(late.error().contains("time limit of 0.3 s (--timeout)"), late.body());
            HttpResponse<String> streamed = WebFixtures.CLIENT.send(HttpRequest.newBuilder(WebFixtures.uri(s, "/api/generate"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"a\", \"max_new_tokens\": 4000, \"stream\": true}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            var events = WebFixtures.events(streamed.body());
            String[] last = events.get(events.size() - 1);
            assertEquals("error", last[0], streamed.body());
            assertTrue(last[1].contains("--timeout"), last[1]);
            awaitIdle(s);
            assertEquals(200, post(s, "/api/generate", "{\"prompt\": \"b\", \"max_new_tokens\": 3}").status());
        }
    }

    @Test
    void jobsRefuseBeyondTheirSlotsAndReleaseThemWhenWorkFails() {
        try (Jobs jobs = new Jobs(2, Duration.ofSeconds(30))) {
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            Jobs.Running<Integer> a = jobs.start(stop -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return 1;
            });
            Jobs.Running<Integer> b = jobs.start(stop -> {
                throw new IllegalArgumentException("bad input");
            });
            ApiError bad = org.junit.jupiter.api.Assertions.assertThrows(ApiError.class, () -> jobs.await(b));
            assertEquals(400, bad.status());
            assertEquals("bad input", bad.getMessage());
            assertEquals(1, jobs.busy(), "the failed job gave its slot back");
            Jobs.Running<Integer> c = jobs.start(stop -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return 2;
            });
            ApiError busy = org.junit.jupiter.api.Assertions.assertThrows(ApiError.class, () -> jobs.start(stop -> 3));
            assertEquals(429, busy.status());
            release.countDown();
            assertEquals(1, jobs.await(a));
            assertEquals(2, jobs.await(c));
            assertEquals(0, jobs.busy(), "every slot is free again");
        }
    }
}
