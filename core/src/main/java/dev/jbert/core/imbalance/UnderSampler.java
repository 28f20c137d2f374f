package dev.jbert.core.imbalance;

import java.util.random.RandomGenerator;

/**
 * Balances classes by dropping examples: each epoch keeps every example of the rarest class and a
 * random subset of the same size from every other class, then shuffles them. Class ids that no
 * example carries are ignored rather than shrinking every epoch to nothing. Immutable; the draws come
 * only from the generator passed to {@link #sample(RandomGenerator)}.
 */
public final class UnderSampler implements EpochSampler {

    /** Example indices of each present class, in ascending order. */
    private final int[][] byClass;
    private final int perClass;

    private UnderSampler(int[][] byClass, int perClass) {
        this.byClass = byClass;
        this.perClass = perClass;
    }

    /**
     * A sampler over the given labels.
     *
     * @param labels one class id {@code >= 0} per example (single-label data)
     * @return the sampler
     * @throws IllegalArgumentException if labels is empty or holds a negative id
     */
    public static UnderSampler of(int[] labels) {
        long[] counts = Labels.count(labels);
        int present = 0;
        int rarest = Integer.MAX_VALUE;
        for (long n : counts) {
            if (n > 0) {
                present++;
                rarest = Math.min(rarest, (int) n);
            }
        }
        int[][] byClass = new int[present][];
        int[] slotOfClass = new int[counts.length];
        for (int c = 0, slot = 0; c < counts.length; c++) {
            if (counts[c] > 0) {
                slotOfClass[c] = slot;
                byClass[slot++] = new int[(int) counts[c]];
            }
        }
        int[] filled = new int[present];
        for (int i = 0; i < labels.length; i++) {
            int slot = slotOfClass[labels[i]];
            byClass[slot][filled[slot]++] = i;
        }
        return new UnderSampler(byClass, rarest);
    }

    /**
     * How many examples of each class an epoch keeps: the size of the rarest class.
     *
     * @return the examples per class
     */
    public int perClass() {
        return perClass;
    }

    @Override
    public int numSamples() {
        return perClass * byClass.length;
    }

    @Override
    public int[] sample(RandomGenerator rng) {
        int[] out = new int[numSamples()];
        int filled = 0;
        for (int[] members : byClass) {
            int[] pool = members.clone();
            // A partial Fisher-Yates shuffle: its first perClass entries are a uniform random subset.
            for (int k = 0; k < perClass; k++) {
                swap(pool, k, k + rng.nextInt(pool.length - k));
            }
            System.arraycopy(pool, 0, out, filled, perClass);
            filled += perClass;
        }
        for (int k = out.length - 1; k > 0; k--) {
            swap(out, k, rng.nextInt(k + 1));
        }
        return out;
    }

    private static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
