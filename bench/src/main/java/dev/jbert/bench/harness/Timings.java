package dev.jbert.bench.harness;

import java.util.Arrays;

/**
 * Percentiles of a set of measured durations, in seconds, by the nearest-rank rule (the p-th
 * percentile is the smallest value with at least p% of the values at or below it), so every figure
 * reported is one that was really measured.
 */
public record Timings(int count, double median, double p10, double p90, double p99, double min) {

    public static Timings of(double[] seconds) {
        if (seconds.length == 0) throw new IllegalArgumentException("no timings to summarise");
        double[] sorted = seconds.clone();
        Arrays.sort(sorted);
        return new Timings(sorted.length, rank(sorted, 50), rank(sorted, 10), rank(sorted, 90), rank(sorted, 99), sorted[0]);
    }

    private static double rank(double[] sorted, double percentile) {
        int r = (int) Math.ceil(percentile / 100 * sorted.length);
        return sorted[Math.max(0, r - 1)];
    }
}
