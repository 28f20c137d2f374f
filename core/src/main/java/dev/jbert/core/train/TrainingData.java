package dev.jbert.core.train;

import dev.jbert.core.data.Batch;

import java.util.List;

/**
 * The training set as the loop consumes it: one list of batches per epoch. The trainer calls it on the training
 * thread only; the data of {@link #fixed} is immutable.
 */
public interface TrainingData {

    /**
     * The batches of an epoch, in an order that depends only on {@code seed} and {@code epoch}, so
     * that a resumed run sees exactly the batches the interrupted one would have.
     *
     * @param epoch the epoch, from 0
     * @param seed  the run's seed
     * @return the epoch's batches, {@link #batchesPerEpoch()} of them
     */
    List<Batch> epoch(int epoch, long seed);

    /**
     * Batches per epoch (the same every epoch).
     *
     * @return the number of batches in every epoch
     */
    int batchesPerEpoch();

    /**
     * Identifies the data, recorded in checkpoints so a resume on other data is refused.
     *
     * @return a string that differs for different data, batch sizes or sampling
     */
    String fingerprint();

    /**
     * The same batches, in the same order, every epoch: for benchmarks and reference trajectories.
     *
     * @param batches     the batches of every epoch, copied
     * @param fingerprint what {@link #fingerprint()} returns
     * @return the training data
     */
    static TrainingData fixed(List<Batch> batches, String fingerprint) {
        List<Batch> copy = List.copyOf(batches);
        return new TrainingData() {
            @Override
            public List<Batch> epoch(int epoch, long seed) {
                return copy;
            }

            @Override
            public int batchesPerEpoch() {
                return copy.size();
            }

            @Override
            public String fingerprint() {
                return fingerprint;
            }
        };
    }
}
