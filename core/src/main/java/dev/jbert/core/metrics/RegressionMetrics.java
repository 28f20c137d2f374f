package dev.jbert.core.metrics;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Regression metrics as scipy ({@code pearsonr}, {@code spearmanr}) and scikit-learn
 * ({@code mean_squared_error}, {@code mean_absolute_error}) compute them.
 */
public final class RegressionMetrics {

    private RegressionMetrics() {
    }

    /**
     * Scores predictions against true values.
     *
     * @param yTrue the true values
     * @param yPred the predictions, same length
     * @return the scores
     * @throws IllegalArgumentException when the arrays are null, empty or of different lengths, or hold a NaN
     *                                  or infinite value
     */
    public static RegressionReport evaluate(double[] yTrue, double[] yPred) {
        Checks.notNull(yTrue, "yTrue");
        Checks.notNull(yPred, "yPred");
        Checks.sameLength(yTrue.length, yPred.length, "values");
        Checks.notEmpty(yTrue.length, "value");
        checkFinite(yTrue, "yTrue");
        checkFinite(yPred, "yPred");
        int n = yTrue.length;
        double squared = 0;
        double absolute = 0;
        for (int i = 0; i < n; i++) {
            double d = yTrue[i] - yPred[i];
            squared += d * d;
            absolute += Math.abs(d);
        }
        return new RegressionReport(n, pearson(yTrue, yPred), pearson(ranks(yTrue), ranks(yPred)), squared / n,
                absolute / n);
    }

    /** Pearson's r, computed on centred values to avoid cancellation; NaN for a constant side. */
    private static double pearson(double[] x, double[] y) {
        double meanX = Arrays.stream(x).average().orElseThrow();
        double meanY = Arrays.stream(y).average().orElseThrow();
        double xy = 0;
        double xx = 0;
        double yy = 0;
        for (int i = 0; i < x.length; i++) {
            double dx = x[i] - meanX;
            double dy = y[i] - meanY;
            xy += dx * dy;
            xx += dx * dx;
            yy += dy * dy;
        }
        if (xx == 0 || yy == 0) {
            return Double.NaN;
        }
        // rounding can push a perfect correlation a hair past 1; scipy clips the same way
        return Math.max(-1.0, Math.min(1.0, xy / Math.sqrt(xx * yy)));
    }

    /** 1-based ranks, ties sharing the mean of the ranks they span (scipy's {@code rankdata(method="average")}). */
    private static double[] ranks(double[] values) {
        Integer[] order = IntStream.range(0, values.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
        double[] ranks = new double[values.length];
        int start = 0;
        while (start < order.length) {
            int end = start;
            while (end + 1 < order.length && values[order[end + 1]] == values[order[start]]) {
                end++;
            }
            double average = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++) {
                ranks[order[k]] = average;
            }
            start = end + 1;
        }
        return ranks;
    }

    private static void checkFinite(double[] values, String name) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException("expected finite values, found " + name + "[" + i + "] = "
                        + values[i]);
            }
        }
    }
}
