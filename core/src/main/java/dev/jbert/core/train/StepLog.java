package dev.jbert.core.train;

/**
 * One optimizer step, as logged: the loss is the mean over the step's micro-batches, computed by
 * us (SameDiff's fit() reports 0), the gradient norm is the global norm before clipping.
 *
 * @param step         optimizer steps done, this one included (1-based, as transformers logs)
 * @param epoch        fractional epoch at the end of the step
 * @param loss         training loss of the step
 * @param learningRate learning rate the step used
 * @param gradNorm     global gradient norm before clipping
 * @param examples     examples consumed by the step
 * @param seconds      wall time of the step
 */
public record StepLog(long step, double epoch, double loss, double learningRate, double gradNorm, int examples, double seconds) {
}
