package org.transformer4j.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded load test of a running workbench on loopback: N clients, each alternating POST /api/generate
 * and GET /api/figure as fast as answers come (a 429 is followed by a 50 ms pause, as a polite client
 * would), for a fixed time. Prints, per endpoint, the status counts and the latency percentiles of each
 * status. Run by hand (docs/PERFORMANCE.md):
 *
 * <pre>
 * ./t4j serve --preset tiny-gpt --port 8080 &amp;
 * tools/web-load.sh --url http://127.0.0.1:8080 --clients 16 --seconds 60
 * </pre>
 *
 * {@code WebLoadTest} runs a 5-second version in the test suite.
 */
public final class LoadHarness {
    private LoadHarness() {
    }

    /** One endpoint's outcome: latencies (ms) by status; status 0 counts transport errors. */
    record Outcome(Map<Integer, List<Double>> latencies) {
        long count(int status) {
            List<Double> l = latencies.get(status);
            return l == null ? 0 : l.size();
        }

        long serverErrors() {
            return latencies.entrySet().stream().filter(e -> e.getKey() >= 500 || e.getKey() == 0)
                    .mapToLong(e -> e.getValue().size()).sum();
        }
    }

    /** The result: per endpoint name ("generate", "figure"). */
    record Result(Map<String, Outcome> endpoints, double seconds) {
        String report() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "%-9s %6s %8s %9s %9s %9s %8s%n", "endpoint", "status", "requests",
                    "p50 ms", "p99 ms", "max ms", "req/s"));
            endpoints.forEach((name, o) -> o.latencies().forEach((status, l) -> {
                List<Double> sorted = new ArrayList<>(l);
                Collections.sort(sorted);
                sb.append(String.format(Locale.ROOT, "%-9s %6s %8d %9.1f %9.1f %9.1f %8.1f%n", name,
                        status == 0 ? "error" : status.toString(), sorted.size(), percentile(sorted, 0.50),
                        percentile(sorted, 0.99), sorted.get(sorted.size() - 1), sorted.size() / seconds));
            }));
            return sb.toString();
        }
    }

    /** The p-th percentile (nearest rank) of sorted values. */
    static double percentile(List<Double> sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    /**
     * Runs the load.
     *
     * @param generateBody the JSON body of each generate request
     * @param figureQuery  the query of each figure request, e.g. "level=blocks&amp;format=svg"
     */
    static Result run(URI base, int clients, Duration duration, String generateBody, String figureQuery)
            throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        Map<String, Map<Integer, ConcurrentLinkedQueue<Double>>> seen = new ConcurrentHashMap<>();
        long end = System.nanoTime() + duration.toNanos();
        AtomicLong started = new AtomicLong(System.nanoTime());
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            threads.add(Thread.ofPlatform().name("load-" + c).start(() -> {
                for (long i = client; System.nanoTime() < end; i++) {
                    boolean generate = i % 2 == 0;
                    HttpRequest req = generate
                            ? HttpRequest.newBuilder(base.resolve("/api/generate")).timeout(Duration.ofSeconds(120))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(generateBody)).build()
                            : HttpRequest.newBuilder(base.resolve("/api/figure?" + figureQuery))
                                .timeout(Duration.ofSeconds(120)).GET().build();
                    long t0 = System.nanoTime();
                    int status;
                    try {
                        status = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
                    } catch (Exception e) {
                        status = 0;
                    }
                    double ms = (System.nanoTime() - t0) / 1e6;
                    seen.computeIfAbsent(generate ? "generate" : "figure", k -> new ConcurrentHashMap<>())
                            .computeIfAbsent(status, k -> new ConcurrentLinkedQueue<>()).add(ms);
                    if (status == 429) {
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - started.get()) / 1e9;
        Map<String, Outcome> out = new TreeMap<>();
        seen.forEach((name, byStatus) -> {
            Map<Integer, List<Double>> m = new TreeMap<>();
            byStatus.forEach((s, q) -> m.put(s, new ArrayList<>(q)));
            out.put(name, new Outcome(m));
        });
        return new Result(out, seconds);
    }

    /** {@code --url URL --clients N --seconds S --max-new-tokens N --level LEVEL}. */
    public static void main(String[] args) throws Exception {
        String url = "http://127.0.0.1:8080";
        int clients = 16;
        int seconds = 60;
        int tokens = 16;
        String level = "blocks";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--url" -> url = args[i + 1];
                case "--clients" -> clients = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--max-new-tokens" -> tokens = Integer.parseInt(args[i + 1]);
                case "--level" -> level = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.printf(Locale.ROOT, "%d clients for %d s against %s: generate (%d new tokens) and figure (%s, svg)%n",
                clients, seconds, url, tokens, level);
        Result r = run(URI.create(url), clients, Duration.ofSeconds(seconds),
                "{\"prompt\": \"The quick brown fox\", \"max_new_tokens\": " + tokens + "}", "level=" + level + "&format=svg");
        System.out.print(r.report());
        long bad = r.endpoints().values().stream().mapToLong(Outcome::serverErrors).sum();
        System.out.println(bad == 0 ? "no 5xx, no transport errors" : bad + " responses were 5xx or transport errors");
        System.exit(bad == 0 ? 0 : 1);
    }
}
