package dev.jbert.core.train;

/**
 * A log entry, written every {@code logging_steps} optimizer steps and at the run's last step, as transformers'
 * Trainer logs: the loss is the mean over the steps since the previous entry (computed by us: SameDiff's fit()
 * reports 0), the gradient norm is this step's global norm before clipping. A run that resumes starts a new window at
 * its checkpoint's step.
 *
 * @param step         optimizer steps done, this one included (1-based, as transformers logs)
 * @param epoch        fractional epoch at the end of the step
 * @param loss         mean training loss of the steps since the previous entry
 * @param learningRate learning rate this step used
 * @param gradNorm     this step's global gradient norm before clipping
 * @param examples     examples consumed since the previous entry
 * @param seconds      wall time since the previous entry
 */
public record StepLog(long step, double epoch, double loss, double learningRate, double gradNorm, int examples, double seconds) {
}
