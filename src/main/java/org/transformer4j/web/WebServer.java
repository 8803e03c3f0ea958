package org.transformer4j.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.transformer4j.model.ConfigJson;
import org.transformer4j.nn.Module;

/**
 * The web workbench: the JDK's HTTP server serving the pages (Figure, Attention, Playground, Training)
 * and the JSON API under {@code /api/} (docs/API.md) for one {@link Workbench}.
 *
 * <pre>{@code
 * try (WebServer s = WebServer.start(workbench, "127.0.0.1", 0, ServerLimits.defaults(), System.err)) {
 *     System.out.println("listening on " + s.url());
 * }
 * }</pre>
 *
 * <p>Requests are served by a fixed pool of handler threads with a bounded queue (a connection beyond it is
 * closed); model computations run in at most {@link ServerLimits#maxConcurrent()} compute slots (429
 * beyond). Every error is a JSON body {@code {"error": "..."}}; an unexpected exception in a handler is a
 * 500 for that request only. When bound to a loopback address, requests must name a loopback host in
 * their Host header (so that another web site cannot reach the server through DNS rebinding).
 */
public final class WebServer implements AutoCloseable {
    private final HttpServer server;
    private final ThreadPoolExecutor handlers;
    private final Jobs jobs;
    private final Workbench wb;
    private final ServerLimits limits;
    private final FigureService figures;
    private final Generations generations;
    private final AttentionService attention;
    private final TrainingLog training;
    private final PrintStream log;
    private final boolean loopback;
    private final long started = System.nanoTime();
    private volatile String modelJson;

    private WebServer(Workbench wb, InetSocketAddress address, ServerLimits limits, PrintStream log) throws IOException {
        this.wb = wb;
        this.limits = limits;
        this.log = log;
        this.jobs = new Jobs(limits.maxConcurrent(), limits.timeout());
        this.figures = new FigureService(wb, jobs);
        this.generations = new Generations(wb, limits, jobs);
        this.attention = new AttentionService(wb, limits, jobs);
        this.training = new TrainingLog(wb.trainingLog());
        this.loopback = address.getAddress().isLoopbackAddress();
        AtomicInteger n = new AtomicInteger();
        this.handlers = new ThreadPoolExecutor(limits.handlerThreads(), limits.handlerThreads(), 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(4 * limits.handlerThreads()), r -> {
                    Thread t = new Thread(r, "t4j-web-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        // Without TCP_NODELAY a response written as headers then body waits ~40 ms for the client's delayed ACK
        // (Nagle's algorithm); the JDK server reads this property once, when it first starts a server.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        this.server = HttpServer.create(address, 64);
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
    }

    /**
     * Starts serving at host:port (port 0 picks a free one).
     *
     * @param log where unexpected errors are reported (one line each), or null for nowhere
     */
    public static WebServer start(Workbench wb, String host, int port, ServerLimits limits, PrintStream log)
            throws IOException {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0..65535, got " + port);
        }
        WebServer s = new WebServer(wb, new InetSocketAddress(InetAddress.getByName(host), port), limits, log);
        s.server.start();
        return s;
    }

    /** The port the server listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The base URL, e.g. http://127.0.0.1:8080 (IPv6 hosts in brackets). */
    public URI url() {
        InetAddress a = server.getAddress().getAddress();
        String host = a instanceof java.net.Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
        return URI.create("http://" + host + ":" + port());
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
        jobs.close();
    }

    private void handle(HttpExchange ex) {
        try {
            checkHost(ex);
            String path = ex.getRequestURI().getPath();
            if (path.startsWith("/api/") || path.equals("/api")) {
                api(ex, path);
            } else {
                StaticPages.handle(ex);
            }
        } catch (ApiError e) {
            reply(ex, e.status(), e.getMessage());
        } catch (IOException e) {
            // The client went away or sent a broken request: nothing to answer.
        } catch (Throwable t) {
            if (log != null) {
                log.println("t4j serve: internal error on " + ex.getRequestMethod() + " " + ex.getRequestURI().getPath()
                        + ": " + t);
            }
            reply(ex, 500, "internal error: " + t.getClass().getSimpleName()
                    + (t.getMessage() == null ? "" : ": " + t.getMessage().lines().findFirst().orElse("")));
        } finally {
            ex.close();
        }
    }

    private void reply(HttpExchange ex, int status, String message) {
        if (Http.responded(ex)) {
            return;
        }
        try {
            Http.error(ex, status, message);
        } catch (IOException ignored) {
            // the client is gone
        }
    }

    private void checkHost(HttpExchange ex) {
        if (!loopback) {
            return;
        }
        String host = ex.getRequestHeaders().getFirst("Host");
        String h = host == null ? "" : host.toLowerCase(Locale.ROOT);
        int colon = h.lastIndexOf(':');
        String name = colon > h.lastIndexOf(']') ? h.substring(0, colon) : h;
        if (!(name.equals("127.0.0.1") || name.equals("localhost") || name.equals("[::1]"))) {
            throw new ApiError(403, "the Host header must name this machine (127.0.0.1, localhost or [::1]), got \""
                    + RequestJson.abbreviate(host == null ? "" : host) + "\"");
        }
    }

    private void api(HttpExchange ex, String path) throws IOException {
        switch (path) {
            case "/api/health" -> {
                Http.requireMethod(ex, "GET");
                Http.query(ex, List.of());
                Http.json(ex, 200, health());
            }
            case "/api/model" -> {
                Http.requireMethod(ex, "GET");
                Http.query(ex, List.of());
                if (modelJson == null) {
                    modelJson = model();               // the same every time; computed once
                }
                Http.json(ex, 200, modelJson);
            }
            case "/api/figure" -> {
                Http.requireMethod(ex, "GET");
                Map<String, List<String>> q = Http.query(ex, List.of("level", "format", "expand", "collapse"));
                FigureService.Key key = figures.key(Http.single(q, "level"), Http.single(q, "format"),
                        q.getOrDefault("expand", List.of()), q.getOrDefault("collapse", List.of()));
                String text = figures.render(key);
                if (key.format().equals("svg")) {
                    Http.send(ex, 200, "image/svg+xml; charset=utf-8", text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                } else {
                    Http.json(ex, 200, text);
                }
            }
            case "/api/generate" -> {
                Http.requireMethod(ex, "POST");
                Http.query(ex, List.of());
                generations.generate(ex);
            }
            case "/api/translate" -> {
                Http.requireMethod(ex, "POST");
                Http.query(ex, List.of());
                generations.translate(ex);
            }
            case "/api/attention" -> {
                Http.requireMethod(ex, "POST");
                Http.query(ex, List.of());
                attention.handle(ex);
            }
            case "/api/training" -> {
                Http.requireMethod(ex, "GET");
                Map<String, List<String>> q = Http.query(ex, List.of("from"));
                Http.json(ex, 200, training.read(Http.single(q, "from")));
            }
            default -> throw new ApiError(404, "no endpoint " + RequestJson.abbreviate(path) + "; the endpoints are "
                    + "/api/health, /api/model, /api/figure, /api/generate, /api/translate, /api/attention and /api/training");
        }
    }

    private String health() {
        return new JsonOut().beginObject().name("status").value("ok").name("model").value(wb.name())
                .name("architecture").value(wb.architecture()).name("busy").value(jobs.busy())
                .name("max_concurrent").value(jobs.maxConcurrent())
                .name("uptime_s").value((System.nanoTime() - started) / 1_000_000_000L).endObject().toString();
    }

    private String model() {
        JsonOut j = new JsonOut().beginObject();
        j.name("name").value(wb.name()).name("architecture").value(wb.architecture());
        j.name("parameters").value(wb.model().parameterCount());
        j.name("config").raw(ConfigJson.write(wb.config()));
        j.name("tokenizer").beginObject().name("description").value(wb.codec().description())
                .name("encodes_text").value(wb.codec().encodes()).endObject();
        j.name("endpoints").beginArray();
        switch (wb.config().architecture()) {
            case ENCODER_DECODER -> j.value("translate");
            case DECODER_ONLY -> j.value("generate");
            case ENCODER_ONLY -> { }
        }
        j.value("attention").value("figure");
        if (wb.trainingLog() != null) {
            j.value("training");
        }
        j.endArray();
        j.name("training_log").value(wb.trainingLog() == null ? null : wb.trainingLog().toString());
        j.name("limits").beginObject().name("max_input_tokens").value(limits.maxInputTokens())
                .name("max_new_tokens").value(limits.maxNewTokens()).name("max_concurrent").value(limits.maxConcurrent())
                .name("max_body_bytes").value(limits.maxBodyBytes()).name("timeout_s").value(limits.timeout().toMillis() / 1000.0)
                .name("max_beam").value(limits.maxBeam()).name("max_positions").value(wb.config().maxPositions()).endObject();
        j.name("modules").beginArray();
        for (Map.Entry<String, Module> e : wb.modules().entrySet()) {
            j.beginObject().name("path").value(e.getKey()).name("type").value(e.getValue().getClass().getSimpleName())
                    .name("parameters").value(e.getValue().parameterCount()).endObject();
        }
        j.endArray();
        return j.endObject().toString();
    }
}
