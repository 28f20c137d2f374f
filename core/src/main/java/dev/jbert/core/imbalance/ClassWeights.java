package dev.jbert.core.imbalance;

import java.util.Arrays;

/**
 * One weight per class, for a weighted loss. Immutable.
 *
 * <p>The computed weights follow the classic {@code compute_class_weights}: a raw weight per class
 * from its count, then normalised to mean 1 (equivalently, to sum to the number of classes C, the
 * normalisation of Cui et al. 2019). Everything is computed in double; {@link #toFloatArray()} rounds
 * once at the end, as PyTorch does when it puts the weights in a float32 tensor.
 */
public final class ClassWeights {

    /** The β that {@link ClassWeightStrategy#EFFECTIVE} uses. */
    public static final double DEFAULT_EFFECTIVE_BETA = 0.9999;

    private final double[] weights;

    private ClassWeights(double[] weights) {
        this.weights = weights;
    }

    /**
     * Weights given as they are, for example read from a user's file; they are not normalised.
     *
     * @param weights one weight per class, indexed by class id
     * @return the weights
     * @throws IllegalArgumentException if there are none, one is negative or not finite, or all are 0
     */
    public static ClassWeights of(double... weights) {
        if (weights == null || weights.length == 0) {
            throw new IllegalArgumentException("class weights must not be null or empty");
        }
        boolean anyPositive = false;
        for (int c = 0; c < weights.length; c++) {
            if (!Double.isFinite(weights[c]) || weights[c] < 0) {
                throw new IllegalArgumentException("weight of class " + c + " is " + weights[c]
                        + "; expected a finite number >= 0");
            }
            anyPositive |= weights[c] > 0;
        }
        if (!anyPositive) {
            // A weighted mean with every weight 0 is 0/0: the loss would be NaN from the first step.
            throw new IllegalArgumentException("all class weights are 0; at least one must be positive");
        }
        return new ClassWeights(weights.clone());
    }

    /**
     * Weights from the number of training examples of each class, normalised to mean 1.
     *
     * @param strategy how a count becomes a weight
     * @param counts   the training examples of each class, indexed by class id
     * @return the weights, mean 1
     * @throws IllegalArgumentException if a class has count 0 or less (naming it), or there are no classes
     */
    public static ClassWeights compute(ClassWeightStrategy strategy, long... counts) {
        if (strategy == null) {
            throw new IllegalArgumentException("strategy must not be null");
        }
        requireCounts(counts);
        return switch (strategy) {
            case INVERSE -> normalised(counts, n -> 1.0 / n);
            case SQRT_INVERSE -> normalised(counts, n -> 1.0 / Math.sqrt(n));
            case EFFECTIVE -> classBalanced(counts, DEFAULT_EFFECTIVE_BETA);
        };
    }

    /**
     * Weights from the labels of the training examples.
     *
     * @param strategy  how a count becomes a weight
     * @param labels    one class id in {@code [0, numLabels)} per example
     * @param numLabels the number of classes
     * @return the weights, mean 1
     * @throws IllegalArgumentException if a label is out of range or a class has no example
     */
    public static ClassWeights compute(ClassWeightStrategy strategy, int[] labels, int numLabels) {
        return compute(strategy, Labels.count(labels, numLabels));
    }

    /**
     * Class-balanced weights (Cui et al. 2019): {@code w_c = (1 - β) / (1 - β^n_c)}, normalised to sum to C.
     * Larger β weighs rare classes more; β → 0 gives equal weights, β → 1 approaches {@link ClassWeightStrategy#INVERSE}.
     *
     * @param counts the training examples of each class, indexed by class id
     * @param beta   β, in {@code (0, 1)}
     * @return the weights, summing to the number of classes
     * @throws IllegalArgumentException if β is not strictly between 0 and 1 or a class has count 0 or less
     */
    public static ClassWeights classBalanced(long[] counts, double beta) {
        if (!(beta > 0 && beta < 1)) {
            throw new IllegalArgumentException("beta must lie strictly between 0 and 1, got " + beta);
        }
        requireCounts(counts);
        return normalised(counts, n -> (1 - beta) / (1 - Math.pow(beta, n)));
    }

    private static ClassWeights normalised(long[] counts, RawWeight raw) {
        double[] w = new double[counts.length];
        double sum = 0;
        for (int c = 0; c < counts.length; c++) {
            w[c] = raw.of(counts[c]);
            sum += w[c];
        }
        for (int c = 0; c < w.length; c++) {
            w[c] = w[c] * counts.length / sum;
        }
        return new ClassWeights(w);
    }

    private static void requireCounts(long[] counts) {
        if (counts == null || counts.length == 0) {
            throw new IllegalArgumentException("class counts must not be null or empty");
        }
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] <= 0) {
                throw new IllegalArgumentException("class " + c + " has count " + counts[c]
                        + "; every class needs at least one training example to get a weight");
            }
        }
    }

    @FunctionalInterface
    private interface RawWeight {
        double of(long count);
    }

    /**
     * The number of classes.
     *
     * @return the number of classes
     */
    public int numClasses() {
        return weights.length;
    }

    /**
     * The weight of class {@code classId}.
     *
     * @param classId a class id, in {@code [0, numClasses())}
     * @return its weight
     */
    public double get(int classId) {
        return weights[classId];
    }

    /**
     * A copy of the weights, indexed by class id.
     *
     * @return the weights, a new array
     */
    public double[] toArray() {
        return weights.clone();
    }

    /**
     * The weights rounded to float32, indexed by class id.
     *
     * @return the weights as float32, a new array
     */
    public float[] toFloatArray() {
        float[] out = new float[weights.length];
        for (int c = 0; c < out.length; c++) {
            out[c] = (float) weights[c];
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClassWeights other && Arrays.equals(weights, other.weights);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(weights);
    }

    @Override
    public String toString() {
        return "ClassWeights" + Arrays.toString(weights);
    }
}
