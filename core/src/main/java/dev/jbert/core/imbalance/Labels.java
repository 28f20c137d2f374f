package dev.jbert.core.imbalance;

/** Checks and counts of single-label class ids, shared by the weights and the samplers. */
final class Labels {

    private Labels() {
    }

    /**
     * How many examples carry each class id in {@code [0, numLabels)}.
     *
     * @throws IllegalArgumentException if a label lies outside that range, naming the example
     */
    static long[] count(int[] labels, int numLabels) {
        requireNonEmpty(labels);
        if (numLabels < 1) {
            throw new IllegalArgumentException("numLabels must be at least 1, got " + numLabels);
        }
        long[] counts = new long[numLabels];
        for (int i = 0; i < labels.length; i++) {
            int label = labels[i];
            if (label < 0 || label >= numLabels) {
                throw new IllegalArgumentException("label of example " + i + " is " + label
                        + "; expected a class id in [0, " + numLabels + ")");
            }
            counts[label]++;
        }
        return counts;
    }

    /**
     * Counts over class ids {@code 0..max(labels)}, for callers that are not told the number of labels.
     * Multi-label (multi-hot) data cannot reach here: it has no single class id per example.
     *
     * @throws IllegalArgumentException if a label is negative (such as the ignore index -100)
     */
    static long[] count(int[] labels) {
        requireNonEmpty(labels);
        int max = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("label of example " + i + " is " + labels[i]
                        + "; sampling needs a class id >= 0 for every example (single-label data only)");
            }
            max = Math.max(max, labels[i]);
        }
        return count(labels, max + 1);
    }

    private static void requireNonEmpty(int[] labels) {
        if (labels == null || labels.length == 0) {
            throw new IllegalArgumentException("labels must not be null or empty");
        }
    }
}
