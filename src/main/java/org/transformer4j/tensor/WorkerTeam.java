package org.transformer4j.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed team of threads for short, frequent parallel jobs that must not allocate: the matrix-vector
 * products of one decoded token (about fifty per token, each well under a millisecond). Unlike
 * {@link Parallel}, which submits fork-join tasks (objects) per call, a job here is an object the caller
 * keeps and reuses; the workers wait for it by spinning briefly, then parking, so back-to-back jobs start
 * within microseconds without a thread ever being created or a task object allocated.
 *
 * <p>A job runs as {@code parts} calls {@code job.run(part, parts)}, part 0 on the calling thread; each part
 * decides its own range, and the split must not change a result (each output written by one part). One job
 * runs at a time; a second caller waits for the first.
 */
public final class WorkerTeam implements AutoCloseable {

    /** One piece of a job: part of parts, numbered from 0. */
    @FunctionalInterface
    public interface Job {
        void run(int part, int parts);
    }

    private static final int SPINS = 20_000;   // about 20-50 microseconds of Thread.onSpinWait before parking

    private final int size;
    private final Thread[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Job job;
    private volatile int generation;
    private volatile Thread waiting;           // the caller, while it parks for the workers
    private volatile Throwable failure;
    private volatile boolean closed;
    private final boolean shared;

    /** A team of size threads in all: the caller plus size - 1 workers (daemon threads). */
    public WorkerTeam(int size) {
        this(size, false);
    }

    private WorkerTeam(int size, boolean shared) {
        this.shared = shared;
        if (size < 1) {
            throw new IllegalArgumentException("a worker team needs at least 1 thread, got " + size);
        }
        this.size = size;
        this.workers = new Thread[size - 1];
        for (int i = 0; i < workers.length; i++) {
            int part = i + 1;
            workers[i] = Thread.ofPlatform().daemon().name("t4j-decode-" + part).unstarted(() -> work(part));
            workers[i].start();
        }
    }

    private static final class Shared {
        static final WorkerTeam TEAM = new WorkerTeam(KernelDefaults.THREADS, true);
    }

    /** The team sized as the default kernels' thread count (system property t4j.threads, else the processors). */
    public static WorkerTeam shared() {
        return Shared.TEAM;
    }

    /** The number of parts a job is split into. */
    public int size() {
        return size;
    }

    /** Runs job on every member of the team and returns when all parts are done; rethrows a part's failure. */
    public synchronized void run(Job job) {
        if (closed) {
            throw new IllegalStateException("this worker team is closed");
        }
        if (size == 1) {
            job.run(0, 1);
            return;
        }
        failure = null;
        this.job = job;
        pending.set(size - 1);
        generation++;                                     // publishes job to the workers
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        Throwable mine = null;
        try {
            job.run(0, size);
        } catch (Throwable t) {
            mine = t;
        }
        awaitWorkers();
        this.job = null;
        Throwable t = mine != null ? mine : failure;
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
    }

    private void awaitWorkers() {
        for (int i = 0; pending.get() != 0 && i < SPINS; i++) {
            Thread.onSpinWait();
        }
        if (pending.get() != 0) {
            waiting = Thread.currentThread();
            while (pending.get() != 0) {
                LockSupport.park(this);
            }
            waiting = null;
        }
    }

    private void work(int part) {
        int seen = 0;
        while (true) {
            int spins = 0;
            while (generation == seen) {
                if (closed) {
                    return;
                }
                if (spins++ < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            seen = generation;
            try {
                job.run(part, size);
            } catch (Throwable t) {
                failure = t;
            }
            if (pending.decrementAndGet() == 0) {
                Thread caller = waiting;
                if (caller != null) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }

    /** Ends the workers (after the job in progress, if any); {@link #run} then refuses. The shared team is never closed. */
    @Override
    public synchronized void close() {
        if (shared) {
            throw new IllegalStateException("the shared worker team is not closed");
        }
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }

    /** The half-open range [from, to) of part of parts when n items are split evenly in multiples of align. */
    public static int start(int n, int part, int parts, int align) {
        long blocks = (n + (long) align - 1) / align;
        return (int) Math.min(n, blocks * part / parts * align);
    }
}
