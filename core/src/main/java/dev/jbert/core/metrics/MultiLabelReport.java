package dev.jbert.core.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Multi-label classification metrics over multi-hot rows, equal to scikit-learn's with
 * {@code zero_division=0}. Unlike the single-label case, the macro average runs over every label, since
 * scikit-learn takes all columns of an indicator matrix.
 *
 * <p>{@link #toMap()} names: {@code subset_accuracy}, {@code hamming_loss}, and {@code f1_}, {@code precision_},
 * {@code recall_} each followed by {@code micro}, {@code macro}, {@code weighted} and {@code samples}.
 *
 * @param numExamples    how many rows were scored
 * @param subsetAccuracy the fraction of rows predicted exactly (scikit-learn's {@code accuracy_score})
 * @param hammingLoss    the fraction of wrong entries over all rows and labels
 * @param micro          the scores of the counts pooled over all labels
 * @param macro          the unweighted mean over labels
 * @param weighted       the mean over labels weighted by support; 0 when no row has any label
 * @param samples        the mean over rows of each row's scores; a row with no true and no predicted label
 *                       scores 0
 * @param perClass       one entry per label
 */
public record MultiLabelReport(int numExamples, double subsetAccuracy, double hammingLoss, Scores micro,
                               Scores macro, Scores weighted, Scores samples, List<ClassScores> perClass)
        implements MetricReport {

    /**
     * Checks the averages and copies the per-class list.
     *
     * @param micro          the scores of the counts pooled over all labels
     * @param numExamples    how many rows were scored
     * @param subsetAccuracy the fraction of rows predicted exactly (scikit-learn's {@code accuracy_score})
     * @param hammingLoss    the fraction of wrong entries over all rows and labels
     * @param macro          the unweighted mean over labels
     * @param weighted       the mean over labels weighted by support; 0 when no row has any label
     * @param samples        the mean over rows of each row's scores; a row with no true and no predicted label
     *                       scores 0
     * @param perClass       one entry per label
     * @throws NullPointerException if an average is null
     */
    public MultiLabelReport {
        Objects.requireNonNull(micro, "micro");
        Objects.requireNonNull(macro, "macro");
        Objects.requireNonNull(weighted, "weighted");
        Objects.requireNonNull(samples, "samples");
        perClass = List.copyOf(perClass);
    }

    @Override
    public Map<String, Double> toMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("subset_accuracy", subsetAccuracy);
        m.put("hamming_loss", hammingLoss);
        put(m, "micro", micro);
        put(m, "macro", macro);
        put(m, "weighted", weighted);
        put(m, "samples", samples);
        return Collections.unmodifiableMap(m);
    }

    private static void put(Map<String, Double> m, String average, Scores s) {
        m.put("f1_" + average, s.f1());
        m.put("precision_" + average, s.precision());
        m.put("recall_" + average, s.recall());
    }
}
