package org.transformer4j.web;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.transformer4j.io.Json;

/** Reading requests and writing responses on the JDK's {@link HttpExchange}. */
final class Http {
    private Http() {
    }

    /** Sends a JSON body with a status. */
    static void json(HttpExchange ex, int status, String body) throws IOException {
        send(ex, status, "application/json; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends {@code {"error": message}} with a status. */
    static void error(HttpExchange ex, int status, String message) throws IOException {
        if (status == 429 || status == 503) {
            ex.getResponseHeaders().set("Retry-After", "1");
        }
        json(ex, status, new JsonOut().beginObject().name("error").value(message).endObject().toString());
    }

    /** Sends bytes with a status and content type. */
    static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Whether the response headers went out already (then no error status can be sent any more). */
    static boolean responded(HttpExchange ex) {
        return ex.getResponseCode() != -1;
    }

    /** Throws 405 unless the request uses the method. */
    static void requireMethod(HttpExchange ex, String method) {
        String m = ex.getRequestMethod();
        if (!m.equals(method) && !(method.equals("GET") && m.equals("HEAD"))) {
            ex.getResponseHeaders().set("Allow", method.equals("GET") ? "GET, HEAD" : method);
            throw new ApiError(405, ex.getRequestURI().getPath() + " takes " + method + ", not " + RequestJson.abbreviate(m));
        }
    }

    /**
     * The request body as text: at most maxBytes (413 beyond, also when Content-Length says so before
     * reading), strict UTF-8 (400 otherwise).
     */
    static String body(HttpExchange ex, int maxBytes) throws IOException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            long n;
            try {
                n = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                throw ApiError.badRequest("bad Content-Length " + RequestJson.abbreviate(length));
            }
            if (n > maxBytes) {
                ex.getResponseHeaders().set("Connection", "close");
                throw tooLarge(maxBytes, n + " bytes");
            }
        }
        byte[] bytes;
        try (InputStream in = ex.getRequestBody()) {
            bytes = in.readNBytes(maxBytes + 1);
        }
        if (bytes.length > maxBytes) {
            ex.getResponseHeaders().set("Connection", "close");
            throw tooLarge(maxBytes, "more");
        }
        try {
            return Json.decodeUtf8(bytes, 0, bytes.length);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("the request body is not valid UTF-8: " + e.getMessage());
        }
    }

    private static ApiError tooLarge(int max, String got) {
        return new ApiError(413, "the request body is larger than the limit of " + max + " bytes (--max-body), got " + got);
    }

    /**
     * The query parameters, each name with its values in order; names outside {@code allowed} give 400, and
     * so do malformed escapes.
     */
    static Map<String, List<String>> query(HttpExchange ex, List<String> allowed) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String part : raw.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String name = decode(eq < 0 ? part : part.substring(0, eq));
            String value = eq < 0 ? "" : decode(part.substring(eq + 1));
            if (!allowed.contains(name)) {
                throw ApiError.badRequest("unknown query parameter \"" + RequestJson.abbreviate(name) + "\"; known: "
                        + String.join(", ", allowed));
            }
            out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return out;
    }

    /** The one value of a query parameter, or null; repeating it gives 400. */
    static String single(Map<String, List<String>> query, String name) {
        List<String> v = query.get(name);
        if (v == null) {
            return null;
        }
        if (v.size() > 1) {
            throw ApiError.badRequest("query parameter \"" + name + "\" is given " + v.size() + " times");
        }
        return v.get(0);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("malformed query string: " + e.getMessage());
        }
    }
}
