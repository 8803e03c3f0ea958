package org.transformer4j.web;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.regex.Pattern;

/** The workbench's pages, scripts and styles, served from the classpath folder {@code web/}. */
final class StaticPages {
    private static final Map<String, String> PAGES = Map.of(
            "/", "index.html", "/figure", "figure.html", "/attention", "attention.html",
            "/playground", "playground.html", "/training", "training.html");
    private static final Pattern ASSET = Pattern.compile("/static/([a-z][a-z0-9-]*\\.(js|css|svg))");

    private StaticPages() {
    }

    static void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String name = PAGES.get(path);
        if (name == null) {
            var m = ASSET.matcher(path);
            if (m.matches()) {
                name = m.group(1);
            }
        }
        byte[] bytes = name == null ? null : resource(name);
        if (bytes == null) {
            throw new ApiError(404, "no page " + RequestJson.abbreviate(path) + "; the pages are /figure, /attention, "
                    + "/playground and /training, the API is under /api/ (see docs/API.md)");
        }
        Http.requireMethod(ex, "GET");
        Http.send(ex, 200, contentType(name), bytes);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = StaticPages.class.getResourceAsStream("/web/" + name)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    private static String contentType(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        return "image/svg+xml";
    }
}
