package dev.jbert.heads.inference;

/**
 * Counters of a {@link TextClassifier} since it was loaded; a snapshot, read without stopping the model.
 *
 * @param texts         texts run through the model
 * @param batches       forward passes run; fewer than {@code texts} when requests were micro-batched
 * @param largestBatch  the most texts one forward pass held
 * @param queued        texts waiting or running right now
 * @param rejected      requests refused because the queue was full
 */
public record InferenceStats(long texts, long batches, int largestBatch, int queued, long rejected) {

    /**
     * Mean texts per forward pass, 0 before the first.
     *
     * @return {@code texts / batches}, or 0
     */
    public double meanBatchSize() {
        return batches == 0 ? 0 : (double) texts / batches;
    }
}
