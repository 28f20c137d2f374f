package dev.jbert.core.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Regression metrics.
 *
 * <p>{@link #toMap()} names: {@code pearson}, {@code spearman}, {@code mse}, {@code mae}.
 *
 * @param numExamples how many pairs were scored
 * @param pearson     Pearson's r; NaN when either side is constant (scipy returns NaN there too)
 * @param spearman    Spearman's rho: Pearson's r of the ranks, ties given their average rank as scipy's
 *                    {@code spearmanr}; NaN when either side is constant
 * @param mse         mean squared error
 * @param mae         mean absolute error
 */
public record RegressionReport(int numExamples, double pearson, double spearman, double mse, double mae)
        implements MetricReport {

    @Override
    public Map<String, Double> toMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("pearson", pearson);
        m.put("spearman", spearman);
        m.put("mse", mse);
        m.put("mae", mae);
        return Collections.unmodifiableMap(m);
    }
}
