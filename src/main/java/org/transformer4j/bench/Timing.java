package org.transformer4j.bench;

import java.util.Arrays;

/**
 * Wall-clock timing of repeated work: warm-up runs that are thrown away, then timed repetitions of which
 * the median is reported (robust against the odd slow repetition on a shared machine).
 */
public final class Timing {
    private Timing() {
    }

    /** Work to time; one call is one repetition. */
    @FunctionalInterface
    public interface Work {
        /** Runs one repetition. */
        void run() throws Exception;
    }

    /** Seconds of each timed repetition, in order. */
    public static double[] time(int warmup, int reps, Work work) throws Exception {
        if (warmup < 0 || reps < 1) {
            throw new IllegalArgumentException("need warmup >= 0 and repetitions >= 1, got " + warmup + " and " + reps);
        }
        for (int i = 0; i < warmup; i++) {
            work.run();
        }
        double[] s = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            work.run();
            s[i] = (System.nanoTime() - t0) / 1e9;
        }
        return s;
    }

    /** The median of the values (the mean of the middle two for an even count). */
    public static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /** The smallest value. */
    public static double min(double[] values) {
        return Arrays.stream(values).min().orElseThrow();
    }
}
