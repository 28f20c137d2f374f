package dev.jbert.core.data;

import java.util.List;

/**
 * How many real and how many synthetic training examples carry each label, as a run's report and log state them.
 * Single-label: examples of the class; multi-label: examples where the label is positive; regression has no labels
 * and only the totals.
 *
 * @param labels            the label names, in class-id order; empty for regression
 * @param real              real examples per label
 * @param synthetic         synthetic examples per label
 * @param realExamples      real examples in all
 * @param syntheticExamples synthetic examples in all
 * @param syntheticWeight   the loss weight of each synthetic example (real ones weigh 1)
 */
public record ExampleCounts(List<String> labels, long[] real, long[] synthetic, int realExamples, int syntheticExamples,
                            float syntheticWeight) {

    /**
     * Checks that there is one count per label, and copies the lists and arrays.
     *
     * @param labels            the label names, in class-id order; empty for regression
     * @param real              real examples per label
     * @param synthetic         synthetic examples per label
     * @param realExamples      real examples in all
     * @param syntheticExamples synthetic examples in all
     * @param syntheticWeight   the loss weight of each synthetic example (real ones weigh 1)
     * @throws IllegalArgumentException if the count arrays are not as long as the label list
     */
    public ExampleCounts {
        labels = List.copyOf(labels);
        if (real.length != labels.size() || synthetic.length != labels.size()) {
            throw new IllegalArgumentException(labels.size() + " labels but " + real.length + " real and " + synthetic.length
                    + " synthetic counts");
        }
        real = real.clone();
        synthetic = synthetic.clone();
    }

    /**
     * Examples per label that balancing counts.
     *
     * @param counts whether synthetic examples count
     * @return the count per label, a new array
     */
    public long[] forBalance(BalanceCounts counts) {
        long[] out = real.clone();
        if (counts == BalanceCounts.REAL_AND_SYNTHETIC) {
            for (int c = 0; c < out.length; c++) out[c] += synthetic[c];
        }
        return out;
    }

    /**
     * Examples in all that balancing counts.
     *
     * @param counts whether synthetic examples count
     * @return the example count
     */
    public int examplesForBalance(BalanceCounts counts) {
        return counts == BalanceCounts.REAL_AND_SYNTHETIC ? realExamples + syntheticExamples : realExamples;
    }

    /**
     * Real examples per label.
     *
     * @return the counts, a new array
     */
    @Override
    public long[] real() {
        return real.clone();
    }

    /**
     * Synthetic examples per label.
     *
     * @return the counts, a new array
     */
    @Override
    public long[] synthetic() {
        return synthetic.clone();
    }
}
