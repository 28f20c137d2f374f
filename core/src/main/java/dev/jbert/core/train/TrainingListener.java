package dev.jbert.core.train;

import java.nio.file.Path;

/**
 * Hooks into the training loop, each a no-op by default: progress bars, logs, checkpoint
 * schedules and early stopping are all listeners.
 */
public interface TrainingListener {

    /** Before the first step; {@code state} tells whether the run resumes. */
    default void onTrainBegin(TrainerState state, TrainerControl control) {
    }

    /** After each optimizer step, taken or skipped; {@code state} has its step and epoch. */
    default void onStepEnd(TrainerState state, TrainerControl control) {
    }

    /** After each log entry: every {@code logging_steps} steps, at the last step and where the run stops. */
    default void onLog(StepLog log, TrainerState state, TrainerControl control) {
    }

    /** After each epoch's last step. */
    default void onEpochEnd(int epoch, TrainerState state, TrainerControl control) {
    }

    /** After each evaluation, once the best metric has been updated. */
    default void onEvaluate(EvalLog log, TrainerState state, TrainerControl control) {
    }

    /** After a checkpoint was written and moved into place. */
    default void onCheckpoint(Path checkpoint, TrainerState state) {
    }

    /** When training ends, normally or by early stopping. */
    default void onTrainEnd(TrainerState state) {
    }
}
