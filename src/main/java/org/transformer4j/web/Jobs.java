package org.transformer4j.web;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Model computations off the HTTP threads: at most {@code maxConcurrent} run at once (a request beyond
 * gets 429 at once, nothing queues), each on its own compute thread, and the request waits at most the
 * timeout for it. A computation that runs late keeps its slot until it really ends (its {@link Stop} tells
 * it to stop early where it can), so late work never piles up beyond the limit.
 */
final class Jobs implements AutoCloseable {
    private final Semaphore slots;
    private final int maxConcurrent;
    private final Duration timeout;
    private final ExecutorService pool;

    /** Tells a running computation whether to stop: its request timed out or its client went away. */
    static final class Stop {
        private final long deadline;
        private volatile boolean cancelled;

        Stop(long deadlineNanos) {
            this.deadline = deadlineNanos;
        }

        /** Whether the computation should stop now. */
        boolean now() {
            return cancelled || System.nanoTime() - deadline > 0;
        }

        void cancel() {
            cancelled = true;
        }

        /** Nanoseconds left until the deadline (negative when past it). */
        long remainingNanos() {
            return deadline - System.nanoTime();
        }
    }

    /** A computation that has started: its result and its stop switch. */
    record Running<T>(CompletableFuture<T> result, Stop stop) {
    }

    Jobs(int maxConcurrent, Duration timeout) {
        this.maxConcurrent = maxConcurrent;
        this.slots = new Semaphore(maxConcurrent);
        this.timeout = timeout;
        AtomicInteger n = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "t4j-web-compute-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.pool = Executors.newFixedThreadPool(maxConcurrent, threads);
    }

    /** Computations running now. */
    int busy() {
        return maxConcurrent - slots.availablePermits();
    }

    int maxConcurrent() {
        return maxConcurrent;
    }

    Duration timeout() {
        return timeout;
    }

    /** Starts a computation in a free slot, or throws 429 when all are taken. */
    <T> Running<T> start(Function<Stop, T> work) {
        if (!slots.tryAcquire()) {
            throw new ApiError(429, "busy: " + maxConcurrent + " computations are running (--max-concurrent); try again shortly");
        }
        Stop stop = new Stop(System.nanoTime() + timeout.toNanos());
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            pool.execute(() -> {
                T value = null;
                Throwable failure = null;
                try {
                    value = work.apply(stop);
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    slots.release();        // before the result is seen, so an answered request no longer counts as busy
                }
                if (failure != null) {
                    result.completeExceptionally(failure);
                } else {
                    result.complete(value);
                }
            });
        } catch (RuntimeException e) {
            slots.release();
            throw new ApiError(503, "the server is shutting down");
        }
        return new Running<>(result, stop);
    }

    /** Runs a computation in a free slot and waits for its result until the timeout. */
    <T> T run(Function<Stop, T> work) {
        return await(start(work));
    }

    /** Waits for a started computation until its deadline; a late one is told to stop and gives 503. */
    <T> T await(Running<T> r) {
        try {
            return r.result().get(Math.max(0, r.stop().remainingNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            r.stop().cancel();
            throw timedOut();
        } catch (InterruptedException e) {
            r.stop().cancel();
            Thread.currentThread().interrupt();
            throw new ApiError(503, "interrupted while computing");
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    /** The 503 of a request that ran past the timeout. */
    ApiError timedOut() {
        return new ApiError(503, "the request took longer than the time limit of " + timeout.toMillis() / 1000.0
                + " s (--timeout)");
    }

    /** A computation's failure as what the handler should throw: its ApiError, a 400 for bad arguments. */
    static RuntimeException rethrow(Throwable cause) {
        if (cause instanceof ApiError a) {
            return a;
        }
        if (cause instanceof IllegalArgumentException i) {
            return ApiError.badRequest(i.getMessage());
        }
        if (cause instanceof RuntimeException r) {
            return r;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return new IllegalStateException(cause);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
