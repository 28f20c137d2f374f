package dev.jbert.core.train;

import dev.jbert.core.data.Batch;

import java.util.List;

/**
 * One optimizer step as the trainer plans it before it is taken: its micro-batches, each with its dropout seed, the
 * scale of each micro-batch's gradient (1 / gradient_accumulation_steps, as transformers scales even a short last
 * accumulation) and the schedule's learning rate.
 *
 * <p>The list and seeds are copied in, but {@link #dropoutSeeds()} returns the record's own array and the batches
 * hold theirs: treat them as read-only, and the step may be shared between threads.
 *
 * @param step         optimizer steps done before this one (0-based)
 * @param microBatches the batches whose gradients the step adds up
 * @param dropoutSeeds one per micro-batch
 * @param scale        factor on each micro-batch's gradient and loss
 * @param learningRate the rate the schedule gives this step
 */
public record PlannedStep(long step, List<Batch> microBatches, long[] dropoutSeeds, double scale, double learningRate) {

    /**
     * Checks that there is one dropout seed per micro-batch, and copies the list and the seeds.
     *
     * @param microBatches the batches whose gradients the step adds up
     * @param step         optimizer steps done before this one (0-based)
     * @param dropoutSeeds one per micro-batch
     * @param scale        factor on each micro-batch's gradient and loss
     * @param learningRate the rate the schedule gives this step
     * @throws IllegalArgumentException if the seeds and micro-batches differ in number
     */
    public PlannedStep {
        microBatches = List.copyOf(microBatches);
        if (dropoutSeeds.length != microBatches.size()) {
            throw new IllegalArgumentException(microBatches.size() + " micro-batches but " + dropoutSeeds.length + " dropout seeds");
        }
        dropoutSeeds = dropoutSeeds.clone();
    }

    /**
     * Examples the step consumes.
     *
     * @return the examples of all its micro-batches
     */
    public int examples() {
        return microBatches.stream().mapToInt(Batch::size).sum();
    }
}
