package org.transformer4j.experiments;

import java.util.Locale;

/** Mean and spread of repeated measurements (seeds), and how a report prints them. */
public record Stats(int n, double mean, double std, double min, double max) {

    /** The statistics of the finite values (n counts only those); all NaN when there are none. */
    public static Stats of(double... values) {
        int n = 0;
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (Double.isFinite(v)) {
                n++;
                sum += v;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (n == 0) {
            return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double mean = sum / n;
        double ss = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                ss += (v - mean) * (v - mean);
            }
        }
        return new Stats(n, mean, n > 1 ? Math.sqrt(ss / (n - 1)) : 0, min, max);
    }

    /** "mean ± sample std (min-max)" with the given decimals; one value prints alone; none prints "n/a". */
    public String format(int decimals, double scale) {
        if (n == 0) {
            return "n/a";
        }
        String f = "%." + decimals + "f";
        if (n == 1) {
            return String.format(Locale.ROOT, f, mean * scale);
        }
        return String.format(Locale.ROOT, f + " ± " + f + " (" + f + "–" + f + ")", mean * scale, std * scale, min * scale,
                max * scale);
    }
}
