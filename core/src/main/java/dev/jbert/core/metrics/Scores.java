package dev.jbert.core.metrics;

/**
 * Precision, recall and F1 of one class or one average, as fractions in [0, 1].
 *
 * @param precision true positives over predicted positives, 0 when nothing was predicted
 * @param recall    true positives over actual positives, 0 when there are none
 * @param f1        their harmonic mean, 0 when both are 0
 */
public record Scores(double precision, double recall, double f1) {

    /**
     * From counts, as scikit-learn with {@code zero_division=0}: F1 is {@code 2tp / (actual + predicted)}
     * rather than a mean of the two ratios, which is how scikit-learn computes it and what makes it 0
     * (not NaN) when both ratios are 0.
     */
    static Scores fromCounts(long truePositives, long predicted, long actual) {
        return new Scores(divide(truePositives, predicted), divide(truePositives, actual),
                divide(2 * truePositives, actual + predicted));
    }

    static double divide(double numerator, double denominator) {
        return denominator == 0 ? 0.0 : numerator / denominator;
    }
}
