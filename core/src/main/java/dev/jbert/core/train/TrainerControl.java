package dev.jbert.core.train;

/**
 * What listeners ask of the loop, as transformers' {@code TrainerControl}: the flow listener asks
 * for evaluations and checkpoints, early stopping asks to stop. The loop reads and resets the
 * flags after each step and epoch. Not thread-safe: plain fields, set by listeners on the training thread.
 */
public final class TrainerControl {

    boolean shouldEvaluate;
    boolean shouldSave;
    boolean shouldStop;

    /** Asks for an evaluation after the current step or epoch; the loop clears the request when it evaluates. */
    public void requestEvaluation() {
        shouldEvaluate = true;
    }

    /** Asks for a checkpoint after the current step or epoch; the loop clears the request when it saves. */
    public void requestCheckpoint() {
        shouldSave = true;
    }

    /** Asks the loop to stop after the current step; the request is not cleared. */
    public void requestStop() {
        shouldStop = true;
    }

    /**
     * Whether a listener has asked to stop.
     *
     * @return true once {@link #requestStop()} was called
     */
    public boolean stopRequested() {
        return shouldStop;
    }
}
