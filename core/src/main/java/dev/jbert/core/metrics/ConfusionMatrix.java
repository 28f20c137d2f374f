package dev.jbert.core.metrics;

import java.util.Arrays;

/**
 * Counts of (true label, predicted label) pairs: row {@code t}, column {@code p} holds how many examples of
 * class {@code t} were predicted as {@code p}, as scikit-learn's {@code confusion_matrix}. Immutable.
 */
public final class ConfusionMatrix {

    private final int[][] counts;

    private ConfusionMatrix(int[][] counts) {
        this.counts = counts;
    }

    /** Counts the pairs of two equally long label arrays whose values are already checked to lie in range. */
    static ConfusionMatrix count(int[] yTrue, int[] yPred, int numLabels) {
        int[][] counts = new int[numLabels][numLabels];
        for (int i = 0; i < yTrue.length; i++) {
            counts[yTrue[i]][yPred[i]]++;
        }
        return new ConfusionMatrix(counts);
    }

    /**
     * A matrix of counts made elsewhere, such as partial counts summed across the partitions of a distributed
     * evaluation; copied.
     *
     * @param counts {@code [C][C]}, rows true labels, columns predicted labels
     * @return the matrix
     * @throws IllegalArgumentException when the counts are not square, empty or hold a negative count
     */
    public static ConfusionMatrix of(int[][] counts) {
        Checks.notNull(counts, "counts");
        Checks.numLabels(counts.length);
        int[][] copy = new int[counts.length][];
        for (int t = 0; t < counts.length; t++) {
            if (counts[t] == null || counts[t].length != counts.length) {
                throw new IllegalArgumentException("a confusion matrix is square: row " + t + " has "
                        + (counts[t] == null ? "no" : String.valueOf(counts[t].length)) + " columns, expected " + counts.length);
            }
            for (int c : counts[t]) if (c < 0) throw new IllegalArgumentException("row " + t + " holds a negative count " + c);
            copy[t] = counts[t].clone();
        }
        return new ConfusionMatrix(copy);
    }

    /**
     * The number of classes: rows and columns.
     *
     * @return the number of classes
     */
    public int numLabels() {
        return counts.length;
    }

    /**
     * How many examples of class {@code trueLabel} were predicted as {@code predictedLabel}.
     *
     * @param trueLabel      the true class id
     * @param predictedLabel the predicted class id
     * @return the count
     */
    public int count(int trueLabel, int predictedLabel) {
        return counts[trueLabel][predictedLabel];
    }

    /**
     * How many examples truly have {@code label}: the row sum.
     *
     * @param label a class id
     * @return the examples of that class
     */
    public int support(int label) {
        return Arrays.stream(counts[label]).sum();
    }

    /**
     * How many examples were predicted as {@code label}: the column sum.
     *
     * @param label a class id
     * @return the examples predicted as that class
     */
    public int predicted(int label) {
        int sum = 0;
        for (int[] row : counts) {
            sum += row[label];
        }
        return sum;
    }

    /**
     * A copy of the counts, rows = true labels, columns = predicted labels.
     *
     * @return {@code [C][C]}, a new array
     */
    public int[][] toArray() {
        int[][] copy = new int[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            copy[i] = counts[i].clone();
        }
        return copy;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfusionMatrix other && Arrays.deepEquals(counts, other.counts);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(counts);
    }

    @Override
    public String toString() {
        return Arrays.deepToString(counts);
    }
}
