package org.transformer4j.web;

/**
 * An error the server answers with its HTTP status and a JSON body {@code {"error": message}}: 4xx for
 * the client's mistakes (bad JSON, out-of-range values, unknown paths), 429 when busy, 501 for options not
 * implemented yet, 503 when a request ran past its time limit.
 */
public final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    /** An error with an HTTP status and a one-line message for the client. */
    public ApiError(int status, String message) {
        super(message);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an error status is 4xx or 5xx, got " + status);
        }
        this.status = status;
    }

    /** 400 Bad Request. */
    public static ApiError badRequest(String message) {
        return new ApiError(400, message);
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }
}
