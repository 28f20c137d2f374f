package dev.jbert.core.train;

import dev.jbert.core.train.optim.AdamW;

import java.util.List;

/**
 * A model trained as several replicas that each take their own optimizer steps on their part of every batch and are
 * averaged after a round of steps (local SGD with parameter averaging), instead of summing one gradient per step.
 * {@link Trainer} plans the steps as for any model, hands them over a round at a time, and keeps everything else:
 * the schedule, evaluation, checkpoints (of the averaged model and optimizer state), resume, best model.
 *
 * <p>A round ends after every {@link #stepsPerRound()}-th step of the run (counted from its start, so a resumed run
 * keeps the same rounds), at the end of every epoch and at the run's last step; evaluations and checkpoints happen
 * only there, where the replicas agree, so a step interval for either must be a multiple of the round.
 *
 * <p>The trainer calls every method on the training thread; running the replicas in parallel is the implementation's
 * own business.
 */
public interface LocalStepsModel extends TrainableModel {

    /**
     * Optimizer steps each replica takes between averages, at least 1.
     *
     * @return the steps per round
     */
    int stepsPerRound();

    /**
     * Takes the round's steps on every replica, each starting from this model's parameters and {@code optimizer}'s
     * state and clipping its own gradient to {@code maxGradNorm} (0: no clipping) before its own AdamW step with
     * {@code optimizer}'s settings; then sets this model's parameters and {@code optimizer}'s state to the replicas'
     * average. A replica skips a step whose loss or gradient is not finite, making no update.
     *
     * @param steps       the round's steps, in order
     * @param optimizer   the driver's optimizer, whose state is replaced by the average
     * @param maxGradNorm the clipping threshold, 0 for none
     * @return one outcome per step, in order: loss and gradient norm averaged over the replicas, not finite when any
     * replica's was not
     */
    List<StepOutcome> round(List<PlannedStep> steps, AdamW optimizer, double maxGradNorm);
}
