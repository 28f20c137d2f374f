package dev.jbert.core.train;

/**
 * What listeners ask of the loop, as transformers' {@code TrainerControl}: the flow listener asks
 * for evaluations and checkpoints, early stopping asks to stop. The loop reads and resets the
 * flags after each step and epoch.
 */
public final class TrainerControl {

    boolean shouldEvaluate;
    boolean shouldSave;
    boolean shouldStop;

    public void requestEvaluation() {
        shouldEvaluate = true;
    }

    public void requestCheckpoint() {
        shouldSave = true;
    }

    public void requestStop() {
        shouldStop = true;
    }

    public boolean stopRequested() {
        return shouldStop;
    }
}
