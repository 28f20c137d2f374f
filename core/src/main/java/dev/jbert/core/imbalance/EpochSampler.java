package dev.jbert.core.imbalance;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Chooses which training examples one epoch visits, and in what order. Implementations are
 * deterministic given the random generator, so a run resumed from a checkpoint replays the same
 * order when it passes the same seed for the same epoch. The samplers here are immutable and draw only from the
 * generator given, so one may be shared between threads; a new implementation should keep that.
 */
public interface EpochSampler {

    /**
     * The number of indices each epoch returns.
     *
     * @return the number of indices
     */
    int numSamples();

    /**
     * Example indices for one epoch, drawn with {@code rng}.
     *
     * @param rng the random generator
     * @return {@link #numSamples()} example indices
     */
    int[] sample(RandomGenerator rng);

    /**
     * Example indices for one epoch, drawn with a {@link SplittableRandom} seeded with {@code seed}.
     * Its algorithm is fixed by its specification, so the same seed gives the same epoch on every JDK;
     * derive a distinct seed per epoch (for example {@code runSeed + epoch}).
     *
     * @param seed the epoch's seed
     * @return {@link #numSamples()} example indices
     */
    default int[] sample(long seed) {
        return sample(new SplittableRandom(seed));
    }
}
