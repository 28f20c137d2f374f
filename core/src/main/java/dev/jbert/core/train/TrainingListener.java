package dev.jbert.core.train;

import java.nio.file.Path;

/**
 * Hooks into the training loop, each a no-op by default: progress bars, logs, checkpoint
 * schedules and early stopping are all listeners.
 *
 * <p>The trainer calls every hook on the thread that runs {@link Trainer#train}, one at a time, so a listener of one
 * run needs no synchronization; one shared with other threads must guard its own state.
 */
public interface TrainingListener {

    /**
     * Before the first step; {@code state} tells whether the run resumes.
     *
     * @param state   the run's progress
     * @param control where to ask for an evaluation, a checkpoint or a stop
     */
    default void onTrainBegin(TrainerState state, TrainerControl control) {
    }

    /**
     * After each optimizer step, taken or skipped; {@code state} has its step and epoch.
     *
     * @param state   the run's progress
     * @param control where to ask for an evaluation, a checkpoint or a stop
     */
    default void onStepEnd(TrainerState state, TrainerControl control) {
    }

    /**
     * After each log entry: every {@code logging_steps} steps, at the last step and where the run stops.
     *
     * @param log     the entry
     * @param state   the run's progress
     * @param control where to ask for an evaluation, a checkpoint or a stop
     */
    default void onLog(StepLog log, TrainerState state, TrainerControl control) {
    }

    /**
     * After each epoch's last step.
     *
     * @param epoch   the epoch that ended, from 0
     * @param state   the run's progress
     * @param control where to ask for an evaluation, a checkpoint or a stop
     */
    default void onEpochEnd(int epoch, TrainerState state, TrainerControl control) {
    }

    /**
     * After each evaluation, once the best metric has been updated.
     *
     * @param log     the evaluation's metrics
     * @param state   the run's progress, with the best metric updated
     * @param control where to ask for a stop
     */
    default void onEvaluate(EvalLog log, TrainerState state, TrainerControl control) {
    }

    /**
     * After a checkpoint was written and moved into place.
     *
     * @param checkpoint the checkpoint's folder
     * @param state      the run's progress
     */
    default void onCheckpoint(Path checkpoint, TrainerState state) {
    }

    /**
     * When training ends, normally or by early stopping.
     *
     * @param state the run's final progress
     */
    default void onTrainEnd(TrainerState state) {
    }
}
