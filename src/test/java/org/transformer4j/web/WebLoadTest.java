package org.transformer4j.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A short version of the load test (LoadHarness): 16 clients for 5 s on loopback, no 5xx, still healthy after. */
class WebLoadTest {
    @Test
    void sixteenClientsGetNo5xx() throws Exception {
        try (WebServer s = WebServer.start(WebFixtures.gptBench(), "127.0.0.1", 0, ServerLimits.defaults(), System.err)) {
            LoadHarness.Result r = LoadHarness.run(s.url(), 16, Duration.ofSeconds(5),
                    "{\"prompt\": \"The quick brown fox\", \"max_new_tokens\": 8}", "level=blocks&format=svg");
            System.out.print(r.report());
            for (String endpoint : new String[] {"generate", "figure"}) {
                LoadHarness.Outcome o = r.endpoints().get(endpoint);
                assertEquals(0, o.serverErrors(), endpoint + ":\n" + r.report());
                assertTrue(o.count(200) > 0, endpoint + " answered some requests:\n" + r.report());
                assertTrue(o.latencies().keySet().stream().allMatch(st -> st == 200 || st == 429), r.report());
            }
            assertEquals(200, WebFixtures.get(s, "/api/health").status());
            assertEquals(0, ((Number) WebFixtures.get(s, "/api/health").object().get("busy")).intValue());
        }
    }
}
