package org.transformer4j.web;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** A Server-Sent Events response: {@code event: NAME} and one {@code data:} line of JSON per event, flushed at once. */
final class EventStream {
    private final OutputStream out;

    private EventStream(OutputStream out) {
        this.out = out;
    }

    /** Sends the headers (status 200, chunked) and returns the stream. */
    static EventStream open(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.sendResponseHeaders(200, 0);
        return new EventStream(ex.getResponseBody());
    }

    /** Writes one event; the JSON must be one line (JsonOut's is). */
    void send(String event, String json) throws IOException {
        out.write(("event: " + event + "\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Ends the response. */
    void close() throws IOException {
        out.close();
    }
}
