package dev.jbert.core.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Multi-label classification metrics from multi-hot rows ({@code n × numLabels}, 1 = label present), matching
 * scikit-learn's {@code precision_recall_fscore_support} (micro, macro, weighted, samples),
 * {@code hamming_loss} and {@code accuracy_score} (subset accuracy) with {@code zero_division=0}.
 */
public final class MultiLabelMetrics {

    private MultiLabelMetrics() {
    }

    /**
     * Scores multi-hot predictions against multi-hot truth.
     *
     * @param yTrue     one row per example, {@code numLabels} entries of 0 or 1
     * @param yPred     same shape
     * @param numLabels how many labels each row has
     * @return per-label scores and their averages
     * @throws IllegalArgumentException when the matrices are null, empty or differently shaped, a row is not
     *                                  {@code numLabels} long, or an entry is neither 0 nor 1
     */
    public static MultiLabelReport evaluate(int[][] yTrue, int[][] yPred, int numLabels) {
        Checks.numLabels(numLabels);
        return compute(toBoolean(yTrue, numLabels, "yTrue"), toBoolean(yPred, numLabels, "yPred"),
                Checks.labelNames(null, numLabels));
    }

    /**
     * As {@link #evaluate(int[][], int[][], int)} with one label per name, named in {@link ClassScores#name()}.
     *
     * @param yTrue      one row per example, one entry of 0 or 1 per label
     * @param yPred      same shape
     * @param labelNames the labels' names, in id order
     * @return per-label scores and their averages
     */
    public static MultiLabelReport evaluate(int[][] yTrue, int[][] yPred, List<String> labelNames) {
        Checks.notNull(labelNames, "labelNames");
        Checks.numLabels(labelNames.size());
        int numLabels = labelNames.size();
        return compute(toBoolean(yTrue, numLabels, "yTrue"), toBoolean(yPred, numLabels, "yPred"),
                Checks.labelNames(labelNames, numLabels));
    }

    /**
     * As {@link #evaluate(int[][], int[][], int)} with {@code true} for a present label.
     *
     * @param yTrue     one row per example, {@code numLabels} entries
     * @param yPred     same shape
     * @param numLabels how many labels each row has
     * @return per-label scores and their averages
     */
    public static MultiLabelReport evaluate(boolean[][] yTrue, boolean[][] yPred, int numLabels) {
        Checks.numLabels(numLabels);
        checkShape(yTrue, numLabels, "yTrue");
        checkShape(yPred, numLabels, "yPred");
        return compute(yTrue, yPred, Checks.labelNames(null, numLabels));
    }

    private static MultiLabelReport compute(boolean[][] yTrue, boolean[][] yPred, List<String> names) {
        Checks.sameLength(yTrue.length, yPred.length, "rows");
        Checks.notEmpty(yTrue.length, "row");
        int n = yTrue.length;
        int numLabels = names.size();
        int[] truePositives = new int[numLabels];
        int[] support = new int[numLabels];
        int[] predicted = new int[numLabels];
        long wrongEntries = 0;
        int exactRows = 0;
        double samplePrecision = 0;
        double sampleRecall = 0;
        double sampleF1 = 0;
        for (int i = 0; i < n; i++) {
            int rowTp = 0;
            int rowTrue = 0;
            int rowPred = 0;
            for (int c = 0; c < numLabels; c++) {
                boolean t = yTrue[i][c];
                boolean p = yPred[i][c];
                if (t) {
                    support[c]++;
                    rowTrue++;
                }
                if (p) {
                    predicted[c]++;
                    rowPred++;
                }
                if (t && p) {
                    truePositives[c]++;
                    rowTp++;
                }
            }
            int rowWrong = rowTrue + rowPred - 2 * rowTp;
            wrongEntries += rowWrong;
            if (rowWrong == 0) {
                exactRows++;
            }
            Scores row = Scores.fromCounts(rowTp, rowPred, rowTrue);
            samplePrecision += row.precision();
            sampleRecall += row.recall();
            sampleF1 += row.f1();
        }
        List<ClassScores> perClass = new ArrayList<>(numLabels);
        for (int c = 0; c < numLabels; c++) {
            perClass.add(ClassScores.of(c, names.get(c), truePositives[c], support[c], predicted[c]));
        }
        Scores samples = new Scores(samplePrecision / n, sampleRecall / n, sampleF1 / n);
        return new MultiLabelReport(n, (double) exactRows / n, (double) wrongEntries / ((double) n * numLabels),
                Averages.micro(perClass), Averages.macro(perClass), Averages.weighted(perClass), samples, perClass);
    }

    private static boolean[][] toBoolean(int[][] rows, int numLabels, String name) {
        Checks.notNull(rows, name);
        boolean[][] out = new boolean[rows.length][numLabels];
        for (int i = 0; i < rows.length; i++) {
            checkRow(name, i, rows[i] == null ? -1 : rows[i].length, numLabels);
            for (int c = 0; c < numLabels; c++) {
                int v = rows[i][c];
                if (v != 0 && v != 1) {
                    throw new IllegalArgumentException("expected multi-hot entries 0 or 1, found " + name + "[" + i
                            + "][" + c + "] = " + v);
                }
                out[i][c] = v == 1;
            }
        }
        return out;
    }

    private static void checkShape(boolean[][] rows, int numLabels, String name) {
        Checks.notNull(rows, name);
        for (int i = 0; i < rows.length; i++) {
            checkRow(name, i, rows[i] == null ? -1 : rows[i].length, numLabels);
        }
    }

    /** A width of -1 stands for a null row. */
    private static void checkRow(String name, int index, int width, int numLabels) {
        if (width != numLabels) {
            throw new IllegalArgumentException("expected " + numLabels + " labels in every row, found "
                    + (width < 0 ? "null" : Integer.toString(width)) + " in " + name + "[" + index + "]");
        }
    }
}
