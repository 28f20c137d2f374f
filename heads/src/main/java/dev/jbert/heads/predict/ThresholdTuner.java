package dev.jbert.heads.predict;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Per-class thresholds for a multi-label classifier, tuned on a validation set.
 *
 * <p>For each label independently, every candidate threshold is tried and the one giving that label the
 * highest F1 is kept, with a label predicted when its probability is strictly greater than the threshold
 * (as at prediction time). The candidates are the fixed grid 0.05, 0.10, ..., 0.95 ({@link #GRID}) plus the
 * default threshold itself: a coarse grid rather than the distinct predicted probabilities, because a
 * threshold sitting exactly on one validation probability over-fits small validation sets, and round
 * values read well in {@code thresholds.json}. Including the default means no label's F1 can get worse.
 *
 * <p>Ties (equal F1, which happens whenever a range of thresholds separates the classes equally well) go to
 * the candidate closest to 0.5, then to the lower one. A label with no positive example in the validation
 * set cannot be tuned and keeps the default. F1 is {@code 2·TP / (2·TP + FP + FN)}, 0 when that is 0/0
 * (scikit-learn's {@code zero_division=0}).
 */
public final class ThresholdTuner {

    /** The candidate grid: 0.05 to 0.95 in steps of 0.05 (each the double nearest to k/20). */
    public static final List<Double> GRID;

    static {
        List<Double> grid = new ArrayList<>();
        for (int k = 1; k <= 19; k++) grid.add(k / 20.0);
        GRID = List.copyOf(grid);
    }

    private ThresholdTuner() {
    }

    /**
     * As {@link #tune(List, double[][], int[][], double)} with the default threshold 0.5.
     *
     * @param labels        label names by class index
     * @param probabilities validation probabilities {@code [N][numLabels]}, each in [0, 1]
     * @param gold          the validation labels, multi-hot {@code [N][numLabels]} of 0 and 1
     * @return the tuned thresholds and the F1 before and after
     */
    public static ThresholdTuning tune(List<String> labels, double[][] probabilities, int[][] gold) {
        return tune(labels, probabilities, gold, Thresholds.DEFAULT);
    }

    /**
     * Tunes one threshold per label.
     *
     * @param labels           label names by class index
     * @param probabilities    validation probabilities {@code [N][numLabels]}, each in [0, 1]
     * @param gold             the validation labels, multi-hot {@code [N][numLabels]} of 0 and 1
     * @param defaultThreshold the threshold before tuning, kept by labels with no positives; in (0, 1)
     * @return the tuned thresholds and the F1 before and after
     * @throws IllegalArgumentException on empty or mismatched shapes, a probability outside [0, 1], a gold
     *                                  entry other than 0 or 1, or a default outside (0, 1)
     */
    public static ThresholdTuning tune(List<String> labels, double[][] probabilities, int[][] gold,
                                       double defaultThreshold) {
        List<String> names = Copies.labels(labels);
        Thresholds.check(defaultThreshold, "the default threshold");
        check(names.size(), probabilities, gold);
        int n = probabilities.length;
        int numLabels = names.size();

        TreeSet<Double> candidateSet = new TreeSet<>(GRID);
        candidateSet.add(defaultThreshold);
        List<Double> candidates = List.copyOf(candidateSet);

        Map<String, Double> chosen = new LinkedHashMap<>();
        List<ThresholdTuning.ClassResult> classes = new ArrayList<>();
        long[] before = new long[3]; // TP, FP, FN pooled over labels
        long[] after = new long[3];
        double macroBefore = 0;
        double macroAfter = 0;
        for (int c = 0; c < numLabels; c++) {
            int positives = 0;
            for (int[] row : gold) positives += row[c];
            int[] atDefault = counts(probabilities, gold, c, defaultThreshold);
            double f1Before = f1(atDefault);
            double best = defaultThreshold;
            double bestF1 = f1Before;
            if (positives > 0) {
                for (double t : candidates) {
                    double f = f1(counts(probabilities, gold, c, t));
                    if (f > bestF1 + 1e-12 || (Math.abs(f - bestF1) <= 1e-12 && closerToHalf(t, best))) {
                        best = t;
                        bestF1 = f;
                    }
                }
            }
            int[] atBest = counts(probabilities, gold, c, best);
            for (int k = 0; k < 3; k++) {
                before[k] += atDefault[k];
                after[k] += atBest[k];
            }
            macroBefore += f1Before;
            macroAfter += bestF1;
            chosen.put(names.get(c), best);
            classes.add(new ThresholdTuning.ClassResult(names.get(c), best, positives, positives > 0, f1Before, bestF1));
        }
        return new ThresholdTuning(new Thresholds(defaultThreshold, chosen), classes, macroBefore / numLabels,
                macroAfter / numLabels, f1(before), f1(after));
    }

    /**
     * As {@link #tune(List, double[][], int[][], double)} from validation logits, through a sigmoid.
     *
     * @param labels           label names by class index
     * @param logits           validation logits {@code [N][numLabels]}
     * @param gold             the validation labels, multi-hot {@code [N][numLabels]} of 0 and 1
     * @param defaultThreshold the threshold before tuning, kept by labels with no positives; in (0, 1)
     * @return the tuned thresholds and the F1 before and after
     */
    public static ThresholdTuning tuneFromLogits(List<String> labels, float[][] logits, int[][] gold,
                                                 double defaultThreshold) {
        if (logits == null) throw new IllegalArgumentException("logits must not be null");
        double[][] p = new double[logits.length][];
        for (int i = 0; i < logits.length; i++) {
            if (logits[i] == null) throw new IllegalArgumentException("logits row " + i + " is null");
            p[i] = Probabilities.sigmoid(logits[i]);
        }
        return tune(labels, p, gold, defaultThreshold);
    }

    /** Whether {@code t} beats {@code incumbent} on a tie: closer to 0.5, then lower. */
    private static boolean closerToHalf(double t, double incumbent) {
        double d = Math.abs(t - 0.5);
        double di = Math.abs(incumbent - 0.5);
        if (Math.abs(d - di) > 1e-12) return d < di;
        return t < incumbent;
    }

    /** TP, FP, FN of one label at a threshold. */
    private static int[] counts(double[][] probabilities, int[][] gold, int c, double threshold) {
        int tp = 0;
        int fp = 0;
        int fn = 0;
        for (int i = 0; i < probabilities.length; i++) {
            boolean predicted = probabilities[i][c] > threshold;
            boolean actual = gold[i][c] == 1;
            if (predicted && actual) tp++;
            else if (predicted) fp++;
            else if (actual) fn++;
        }
        return new int[]{tp, fp, fn};
    }

    private static double f1(int[] tpFpFn) {
        return f1(new long[]{tpFpFn[0], tpFpFn[1], tpFpFn[2]});
    }

    private static double f1(long[] tpFpFn) {
        long denominator = 2 * tpFpFn[0] + tpFpFn[1] + tpFpFn[2];
        return denominator == 0 ? 0.0 : 2.0 * tpFpFn[0] / denominator;
    }

    private static void check(int numLabels, double[][] probabilities, int[][] gold) {
        if (probabilities == null || gold == null) throw new IllegalArgumentException("probabilities and gold are required");
        if (probabilities.length == 0) throw new IllegalArgumentException("the validation set is empty");
        if (probabilities.length != gold.length) {
            throw new IllegalArgumentException(probabilities.length + " rows of probabilities but " + gold.length
                    + " rows of gold labels");
        }
        for (int i = 0; i < probabilities.length; i++) {
            if (probabilities[i] == null || probabilities[i].length != numLabels) {
                throw new IllegalArgumentException("probabilities row " + i + " must have " + numLabels + " entries, one per label");
            }
            if (gold[i] == null || gold[i].length != numLabels) {
                throw new IllegalArgumentException("gold row " + i + " must have " + numLabels + " entries, one per label");
            }
            for (int c = 0; c < numLabels; c++) {
                double p = probabilities[i][c];
                if (!(p >= 0 && p <= 1)) {
                    throw new IllegalArgumentException("probability [" + i + "][" + c + "] is " + p + "; expected a value in [0, 1]");
                }
                if (gold[i][c] != 0 && gold[i][c] != 1) {
                    throw new IllegalArgumentException("gold [" + i + "][" + c + "] is " + gold[i][c] + "; expected 0 or 1 (multi-hot)");
                }
            }
        }
    }
}
