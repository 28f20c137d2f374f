package dev.jbert.core.imbalance;

import java.util.random.RandomGenerator;

/**
 * Draws example indices with replacement, each with probability proportional to its weight, as
 * PyTorch's {@code WeightedRandomSampler(weights, num_samples, replacement=True)} does. With
 * {@link #balanced} every class is drawn equally often in expectation, so rare examples repeat.
 * Immutable; the draws come only from the generator passed to {@link #sample(RandomGenerator)}.
 */
public final class OverSampler implements EpochSampler {

    /** Running sums of the weights: index i owns the interval {@code [cumulative[i-1], cumulative[i])}. */
    private final double[] cumulative;
    private final int lastPositive;
    private final int numSamples;

    private OverSampler(double[] cumulative, int lastPositive, int numSamples) {
        this.cumulative = cumulative;
        this.lastPositive = lastPositive;
        this.numSamples = numSamples;
    }

    /**
     * A sampler that weighs each example by {@code 1 / count(its class)}, so classes come out balanced.
     *
     * @param labels     one class id {@code >= 0} per example (single-label data)
     * @param numSamples indices per epoch, usually {@code labels.length}
     * @return the sampler
     */
    public static OverSampler balanced(int[] labels, int numSamples) {
        long[] counts = Labels.count(labels);
        double[] weights = new double[labels.length];
        for (int i = 0; i < labels.length; i++) {
            weights[i] = 1.0 / counts[labels[i]];
        }
        return weighted(weights, numSamples);
    }

    /**
     * The multi-label counterpart of {@link #balanced}: each example is weighed by {@code 1 / count} of its rarest
     * label (examples with no label count as one more class), so comments carrying a rare emotion come round as
     * often as those carrying a common one. Labels that share examples cannot all be balanced at once; the rarest
     * label decides because that is the one a model otherwise never learns to predict.
     *
     * @param labelSets  the label ids {@code >= 0} of each example
     * @param numSamples indices per epoch, usually {@code labelSets.length}
     * @return the sampler
     */
    public static OverSampler balancedByRarestLabel(int[][] labelSets, int numSamples) {
        if (labelSets == null || labelSets.length == 0) throw new IllegalArgumentException("label sets must not be null or empty");
        int numLabels = 0;
        for (int i = 0; i < labelSets.length; i++) {
            if (labelSets[i] == null) throw new IllegalArgumentException("the label set of example " + i + " is null");
            for (int c : labelSets[i]) {
                if (c < 0) throw new IllegalArgumentException("example " + i + " has label id " + c + "; expected ids >= 0");
                numLabels = Math.max(numLabels, c + 1);
            }
        }
        long[] counts = new long[numLabels + 1];
        for (int[] set : labelSets) {
            if (set.length == 0) counts[numLabels]++;
            for (int c : set) counts[c]++;
        }
        double[] weights = new double[labelSets.length];
        for (int i = 0; i < labelSets.length; i++) {
            long rarest = labelSets[i].length == 0 ? counts[numLabels] : Long.MAX_VALUE;
            for (int c : labelSets[i]) rarest = Math.min(rarest, counts[c]);
            weights[i] = 1.0 / rarest;
        }
        return weighted(weights, numSamples);
    }

    /**
     * A sampler with the given weight per example; weights need not sum to 1.
     *
     * @param exampleWeights one weight {@code >= 0} per example
     * @param numSamples     indices per epoch, at least 1
     * @return the sampler
     * @throws IllegalArgumentException if a weight is negative or not finite, all are 0, or {@code numSamples < 1}
     */
    public static OverSampler weighted(double[] exampleWeights, int numSamples) {
        if (exampleWeights == null || exampleWeights.length == 0) {
            throw new IllegalArgumentException("example weights must not be null or empty");
        }
        if (numSamples < 1) {
            throw new IllegalArgumentException("numSamples must be at least 1, got " + numSamples);
        }
        double[] cumulative = new double[exampleWeights.length];
        double sum = 0;
        int lastPositive = -1;
        for (int i = 0; i < exampleWeights.length; i++) {
            double w = exampleWeights[i];
            if (!Double.isFinite(w) || w < 0) {
                throw new IllegalArgumentException("weight of example " + i + " is " + w + "; expected a finite number >= 0");
            }
            if (w > 0) {
                lastPositive = i;
            }
            sum += w;
            cumulative[i] = sum;
        }
        if (lastPositive < 0) {
            throw new IllegalArgumentException("all example weights are 0; at least one must be positive");
        }
        return new OverSampler(cumulative, lastPositive, numSamples);
    }

    @Override
    public int numSamples() {
        return numSamples;
    }

    @Override
    public int[] sample(RandomGenerator rng) {
        double total = cumulative[cumulative.length - 1];
        int[] out = new int[numSamples];
        for (int k = 0; k < numSamples; k++) {
            out[k] = indexAt(rng.nextDouble() * total);
        }
        return out;
    }

    /** The first index whose running sum exceeds {@code u}; examples of weight 0 own an empty interval. */
    private int indexAt(double u) {
        int lo = 0;
        int hi = cumulative.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] > u) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        // nextDouble() * total can round up to total itself; that draw belongs to the last positive weight.
        return lo < cumulative.length ? lo : lastPositive;
    }
}
