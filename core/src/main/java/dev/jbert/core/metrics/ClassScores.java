package dev.jbert.core.metrics;

import java.util.Objects;

/**
 * One row of a per-class report, as scikit-learn's {@code classification_report}, with the counts behind it.
 *
 * @param label         the class index
 * @param name          the class name when names were given, otherwise the index as text
 * @param precision     true positives over predicted positives, 0 when the class was never predicted
 * @param recall        true positives over actual positives, 0 when the class never occurs
 * @param f1            {@code 2tp / (support + predicted)}, 0 when both are 0
 * @param support       how many examples truly have this class
 * @param predicted     how many examples were predicted to have it
 * @param truePositives how many examples have it and were predicted to
 */
public record ClassScores(int label, String name, double precision, double recall, double f1, int support,
                          int predicted, int truePositives) {

    /**
     * Checks the name.
     *
     * @param name          the class name when names were given, otherwise the index as text
     * @param label         the class index
     * @param precision     true positives over predicted positives, 0 when the class was never predicted
     * @param recall        true positives over actual positives, 0 when the class never occurs
     * @param f1            {@code 2tp / (support + predicted)}, 0 when both are 0
     * @param support       how many examples truly have this class
     * @param predicted     how many examples were predicted to have it
     * @param truePositives how many examples have it and were predicted to
     * @throws NullPointerException if the name is null
     */
    public ClassScores {
        Objects.requireNonNull(name, "name");
    }

    static ClassScores of(int label, String name, int truePositives, int support, int predicted) {
        Scores s = Scores.fromCounts(truePositives, predicted, support);
        return new ClassScores(label, name, s.precision(), s.recall(), s.f1(), support, predicted, truePositives);
    }
}
