package org.transformer4j.web;

import java.time.Duration;

/**
 * What one request may ask of the server; every limit is an option of {@code ./t4j serve}.
 *
 * @param maxInputTokens  the longest input (prompt, source, attention text) in tokens; longer gets 400
 * @param maxNewTokens    the most tokens one generate or translate may produce; more gets 400
 * @param maxConcurrent   model computations (generate, translate, attention, figure layout) running at once;
 *                        a request beyond gets 429
 * @param maxBodyBytes    the largest request body; larger gets 413
 * @param timeout         how long one request may compute; longer gets 503 (or an error event when streaming)
 * @param maxBeam         the widest beam a translate may ask for
 * @param handlerThreads  threads serving HTTP requests (static pages, waiting for and streaming results)
 */
public record ServerLimits(int maxInputTokens, int maxNewTokens, int maxConcurrent, int maxBodyBytes, Duration timeout,
                           int maxBeam, int handlerThreads) {

    public ServerLimits {
        positive("max input tokens", maxInputTokens, 1 << 20);
        positive("max new tokens", maxNewTokens, 1 << 20);
        positive("max concurrent", maxConcurrent, 1024);
        positive("max body bytes", maxBodyBytes, 1 << 30);
        positive("max beam", maxBeam, 64);
        positive("handler threads", handlerThreads, 1024);
        if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.toHours() > 24) {
            throw new IllegalArgumentException("timeout must be in (0, 24 h], got " + timeout);
        }
    }

    /** The defaults of {@code ./t4j serve}. */
    public static ServerLimits defaults() {
        return new ServerLimits(256, 128, 2, 64 * 1024, Duration.ofSeconds(60), 8, 32);
    }

    public ServerLimits withMaxInputTokens(int n) {
        return new ServerLimits(n, maxNewTokens, maxConcurrent, maxBodyBytes, timeout, maxBeam, handlerThreads);
    }

    public ServerLimits withMaxNewTokens(int n) {
        return new ServerLimits(maxInputTokens, n, maxConcurrent, maxBodyBytes, timeout, maxBeam, handlerThreads);
    }

    public ServerLimits withMaxConcurrent(int n) {
        return new ServerLimits(maxInputTokens, maxNewTokens, n, maxBodyBytes, timeout, maxBeam, handlerThreads);
    }

    public ServerLimits withMaxBodyBytes(int n) {
        return new ServerLimits(maxInputTokens, maxNewTokens, maxConcurrent, n, timeout, maxBeam, handlerThreads);
    }

    public ServerLimits withTimeout(Duration t) {
        return new ServerLimits(maxInputTokens, maxNewTokens, maxConcurrent, maxBodyBytes, t, maxBeam, handlerThreads);
    }

    public ServerLimits withMaxBeam(int n) {
        return new ServerLimits(maxInputTokens, maxNewTokens, maxConcurrent, maxBodyBytes, timeout, n, handlerThreads);
    }

    public ServerLimits withHandlerThreads(int n) {
        return new ServerLimits(maxInputTokens, maxNewTokens, maxConcurrent, maxBodyBytes, timeout, maxBeam, n);
    }

    private static void positive(String what, int value, int max) {
        if (value < 1 || value > max) {
            throw new IllegalArgumentException(what + " must be in 1.." + max + ", got " + value);
        }
    }
}
