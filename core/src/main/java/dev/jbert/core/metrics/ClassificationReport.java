package dev.jbert.core.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Single-label classification metrics, equal to scikit-learn's with {@code zero_division=0}.
 *
 * <p>The macro average runs over the classes that occur in the true or the predicted labels, as
 * scikit-learn's {@code f1_score(y_true, y_pred, average="macro")} does without a {@code labels} argument;
 * {@link #perClass()} still lists every class, an absent one with support and predictions 0. Micro
 * precision, recall and F1 all equal the accuracy for single-label input.
 *
 * <p>{@link #toMap()} names: {@code accuracy}, {@code f1_macro}, {@code f1_micro}, {@code f1_weighted},
 * {@code precision_macro}, {@code precision_micro}, {@code precision_weighted}, {@code recall_macro},
 * {@code recall_micro}, {@code recall_weighted}, {@code mcc}.
 *
 * @param numExamples     how many examples were scored
 * @param accuracy        the fraction predicted correctly
 * @param macro           the unweighted mean over the classes present in either array
 * @param micro           the scores of the pooled counts
 * @param weighted        the mean weighted by each class's support
 * @param mcc             Matthews correlation coefficient, multiclass form (Gorodkin's R_K) as scikit-learn's
 *                        {@code matthews_corrcoef}; 0 when all true or all predicted labels are one class
 * @param perClass        one entry per class {@code 0 .. numLabels-1}
 * @param confusionMatrix rows = true labels, columns = predicted labels
 */
public record ClassificationReport(int numExamples, double accuracy, Scores macro, Scores micro, Scores weighted,
                                   double mcc, List<ClassScores> perClass, ConfusionMatrix confusionMatrix)
        implements MetricReport {

    /**
     * Checks the averages and the matrix, and copies the per-class list.
     *
     * @param macro           the unweighted mean over the classes present in either array
     * @param numExamples     how many examples were scored
     * @param accuracy        the fraction predicted correctly
     * @param micro           the scores of the pooled counts
     * @param weighted        the mean weighted by each class's support
     * @param mcc             Matthews correlation coefficient, multiclass form (Gorodkin's R_K) as scikit-learn's
     *                        {@code matthews_corrcoef}; 0 when all true or all predicted labels are one class
     * @param perClass        one entry per class {@code 0 .. numLabels-1}
     * @param confusionMatrix rows = true labels, columns = predicted labels
     * @throws NullPointerException if an average or the matrix is null
     */
    public ClassificationReport {
        Objects.requireNonNull(macro, "macro");
        Objects.requireNonNull(micro, "micro");
        Objects.requireNonNull(weighted, "weighted");
        Objects.requireNonNull(confusionMatrix, "confusionMatrix");
        perClass = List.copyOf(perClass);
    }

    @Override
    public Map<String, Double> toMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("accuracy", accuracy);
        m.put("f1_macro", macro.f1());
        m.put("f1_micro", micro.f1());
        m.put("f1_weighted", weighted.f1());
        m.put("precision_macro", macro.precision());
        m.put("precision_micro", micro.precision());
        m.put("precision_weighted", weighted.precision());
        m.put("recall_macro", macro.recall());
        m.put("recall_micro", micro.recall());
        m.put("recall_weighted", weighted.recall());
        m.put("mcc", mcc);
        return Collections.unmodifiableMap(m);
    }
}
