package dev.jbert.core.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Single-label classification metrics from class indices, matching scikit-learn ({@code accuracy_score},
 * {@code precision_recall_fscore_support}, {@code classification_report}, {@code confusion_matrix},
 * {@code matthews_corrcoef}) with {@code zero_division=0}.
 *
 * <pre>{@code
 * ClassificationReport report = ClassificationMetrics.evaluate(labels, predictions, 3);
 * double best = report.metric("f1_macro");
 * }</pre>
 */
public final class ClassificationMetrics {

    private ClassificationMetrics() {
    }

    /**
     * Scores predictions against true labels.
     *
     * @param yTrue     the true class of each example, in {@code [0, numLabels)}
     * @param yPred     the predicted class of each example, same length, same range
     * @param numLabels how many classes there are
     * @return per-class scores, accuracy and averages
     * @throws IllegalArgumentException when the arrays are null, empty or of different lengths, or a label is
     *                                  outside {@code [0, numLabels)}
     */
    public static ClassificationReport evaluate(int[] yTrue, int[] yPred, int numLabels) {
        Checks.numLabels(numLabels);
        return compute(yTrue, yPred, Checks.labelNames(null, numLabels));
    }

    /**
     * As {@link #evaluate(int[], int[], int)} with one class per name, named in {@link ClassScores#name()}.
     *
     * @param yTrue      the true class of each example
     * @param yPred      the predicted class of each example, same length
     * @param labelNames the name of each class, by index
     * @return per-class scores, accuracy and averages
     */
    public static ClassificationReport evaluate(int[] yTrue, int[] yPred, List<String> labelNames) {
        Checks.notNull(labelNames, "labelNames");
        Checks.numLabels(labelNames.size());
        return compute(yTrue, yPred, Checks.labelNames(labelNames, labelNames.size()));
    }

    private static ClassificationReport compute(int[] yTrue, int[] yPred, List<String> names) {
        Checks.notNull(yTrue, "yTrue");
        Checks.notNull(yPred, "yPred");
        Checks.sameLength(yTrue.length, yPred.length, "labels");
        Checks.notEmpty(yTrue.length, "example");
        int numLabels = names.size();
        Checks.labelsInRange(yTrue, numLabels, "yTrue");
        Checks.labelsInRange(yPred, numLabels, "yPred");
        return report(ConfusionMatrix.count(yTrue, yPred, numLabels), names);
    }

    /**
     * The same report from counts alone: every figure is a function of the confusion matrix, so partial matrices
     * summed across the parts of a dataset give exactly the report of the whole.
     *
     * @param cm         the counts, rows true classes and columns predicted ones
     * @param labelNames the name of each class, by index; as many as the matrix has rows
     * @return per-class scores, accuracy and averages
     */
    public static ClassificationReport evaluate(ConfusionMatrix cm, List<String> labelNames) {
        Checks.notNull(cm, "cm");
        Checks.notNull(labelNames, "labelNames");
        Checks.sameLength(cm.numLabels(), labelNames.size(), "labels");
        return report(cm, Checks.labelNames(labelNames, labelNames.size()));
    }

    private static ClassificationReport report(ConfusionMatrix cm, List<String> names) {
        int numLabels = names.size();
        int n = 0;
        for (int t = 0; t < numLabels; t++) n += cm.support(t);
        Checks.notEmpty(n, "example");
        List<ClassScores> perClass = new ArrayList<>(numLabels);
        List<ClassScores> present = new ArrayList<>(numLabels);
        int correct = 0;
        for (int c = 0; c < numLabels; c++) {
            ClassScores scores = ClassScores.of(c, names.get(c), cm.count(c, c), cm.support(c), cm.predicted(c));
            perClass.add(scores);
            if (scores.support() > 0 || scores.predicted() > 0) {
                present.add(scores);
            }
            correct += cm.count(c, c);
        }
        return new ClassificationReport(n, (double) correct / n, Averages.macro(present),
                Averages.micro(perClass), Averages.weighted(perClass), mcc(cm, n, correct), perClass, cm);
    }

    /**
     * scikit-learn's multiclass MCC: {@code (c·s − Σ t_k p_k) / sqrt((s² − Σ p_k²)(s² − Σ t_k²))} with
     * {@code t_k}, {@code p_k} the true and predicted counts of class k, c the correct and s all examples.
     * Sums in double, as scikit-learn does, so large evaluations cannot overflow.
     */
    private static double mcc(ConfusionMatrix cm, int n, int correct) {
        double truePred = 0;
        double predPred = 0;
        double trueTrue = 0;
        for (int k = 0; k < cm.numLabels(); k++) {
            double t = cm.support(k);
            double p = cm.predicted(k);
            truePred += t * p;
            predPred += p * p;
            trueTrue += t * t;
        }
        double s = n;
        double covTruePred = (double) correct * s - truePred;
        double covPredPred = s * s - predPred;
        double covTrueTrue = s * s - trueTrue;
        if (covPredPred * covTrueTrue == 0) {
            return 0.0;
        }
        return covTruePred / Math.sqrt(covTrueTrue * covPredPred);
    }
}
