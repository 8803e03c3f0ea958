package org.transformer4j.train;

/**
 * Learning-rate schedules from the papers, each a pure function of the step (counted from 1, see
 * {@link LearningRateSchedule}): Noam warmup (Vaswani et al. 2017, eq. 3), linear warmup then cosine decay
 * (Loshchilov and Hutter 2017; GPT-2/3 practice), constant, and ULMFiT's slanted triangle (Howard and Ruder
 * 2018, eq. 3).
 */
public final class Schedules {
    private Schedules() {
    }

    /**
     * The paper's schedule: factor * dModel^-0.5 * min(step^-0.5, step * warmup^-1.5): linear warmup for
     * {@code warmup} steps, then decay with the inverse square root of the step (0 at step 0).
     */
    public static LearningRateSchedule noam(int dModel, long warmup, double factor) {
        positive("dModel", dModel);
        positive("warmup", warmup);
        nonNegative("factor", factor);
        return new Noam(dModel, warmup, factor);
    }

    /**
     * Linear warmup from 0 to {@code peak} over {@code warmup} steps, then a half cosine from {@code peak} down
     * to {@code minimum} at step {@code total}, and {@code minimum} after it.
     */
    public static LearningRateSchedule warmupCosine(double peak, long warmup, long total, double minimum) {
        nonNegative("peak", peak);
        nonNegative("minimum", minimum);
        if (minimum > peak) {
            throw new IllegalArgumentException("minimum " + minimum + " must not exceed peak " + peak);
        }
        positive("total", total);
        if (warmup < 0 || warmup > total) {
            throw new IllegalArgumentException("warmup must be in [0, total=" + total + "], got " + warmup);
        }
        return new WarmupCosine(peak, warmup, total, minimum);
    }

    /** The same learning rate at every step. */
    public static LearningRateSchedule constant(double lr) {
        nonNegative("lr", lr);
        return new Constant(lr);
    }

    /**
     * ULMFiT's slanted triangular learning rate (Howard and Ruder 2018, eq. 3): with cut = floor(total *
     * cutFrac), p = t / cut for t < cut and 1 - (t - cut) / (cut (1 / cutFrac - 1)) after, the rate is
     * peak * (1 + p (ratio - 1)) / ratio. After {@code total} steps p stays at 0 (the rate at peak / ratio).
     * The paper uses cutFrac 0.1 and ratio 32.
     */
    public static LearningRateSchedule slantedTriangular(double peak, long total, double cutFrac, double ratio) {
        nonNegative("peak", peak);
        positive("total", total);
        if (!(cutFrac > 0 && cutFrac < 1)) {
            throw new IllegalArgumentException("cutFrac must be in (0, 1), got " + cutFrac);
        }
        if (!(ratio >= 1) || Double.isInfinite(ratio)) {
            throw new IllegalArgumentException("ratio must be finite and >= 1, got " + ratio);
        }
        long cut = (long) Math.floor(total * cutFrac);
        if (cut < 1) {
            throw new IllegalArgumentException("total * cutFrac = " + total + " * " + cutFrac
                    + " rounds down to 0 steps of increase; use more steps or a larger cutFrac");
        }
        return new SlantedTriangular(peak, total, cutFrac, ratio, cut);
    }

    private record Noam(int dModel, long warmup, double factor) implements LearningRateSchedule {
        @Override
        public double at(long step) {
            checkStep(step);
            if (step == 0) {
                return 0;
            }
            double s = step;
            return factor * Math.pow(dModel, -0.5) * Math.min(Math.pow(s, -0.5), s * Math.pow(warmup, -1.5));
        }

        @Override
        public String toString() {
            return "noam(dModel=" + dModel + ", warmup=" + warmup + ", factor=" + factor + ")";
        }
    }

    private record WarmupCosine(double peak, long warmup, long total, double minimum) implements LearningRateSchedule {
        @Override
        public double at(long step) {
            checkStep(step);
            if (step < warmup) {
                return peak * step / warmup;
            }
            if (step >= total) {
                return step == warmup ? peak : minimum; // warmup == total ends at the peak
            }
            double progress = (double) (step - warmup) / (total - warmup);
            return minimum + 0.5 * (peak - minimum) * (1 + Math.cos(Math.PI * progress));
        }

        @Override
        public String toString() {
            return "warmupCosine(peak=" + peak + ", warmup=" + warmup + ", total=" + total + ", minimum=" + minimum
                    + ")";
        }
    }

    private record Constant(double lr) implements LearningRateSchedule {
        @Override
        public double at(long step) {
            checkStep(step);
            return lr;
        }

        @Override
        public String toString() {
            return "constant(lr=" + lr + ")";
        }
    }

    private record SlantedTriangular(double peak, long total, double cutFrac, double ratio, long cut)
            implements LearningRateSchedule {
        @Override
        public double at(long step) {
            checkStep(step);
            double p = step < cut ? (double) step / cut
                    : 1 - (double) (step - cut) / (cut * (1 / cutFrac - 1));
            p = Math.max(0, p);
            return peak * (1 + p * (ratio - 1)) / ratio;
        }

        @Override
        public String toString() {
            return "slantedTriangular(peak=" + peak + ", total=" + total + ", cutFrac=" + cutFrac + ", ratio=" + ratio
                    + ")";
        }
    }

    private static void checkStep(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
    }

    private static void positive(String what, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be > 0, got " + value);
        }
    }

    private static void nonNegative(String what, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(what + " must be finite and >= 0, got " + value);
        }
    }
}
