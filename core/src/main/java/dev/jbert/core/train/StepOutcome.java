package dev.jbert.core.train;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What taking a {@link PlannedStep} gave. Loss and norm stay where they were computed, one-element arrays: the trainer
 * reads them back only at logging steps. The arrays are held as they are, not copied: treat them as read-only; the
 * trainer reads them on the training thread.
 *
 * @param loss      the step's training loss: the mean over its micro-batches
 * @param gradNorm  the gradient's global norm before clipping
 * @param nonFinite null when loss and norm are finite, else which gradients were not (for the error or the warning);
 *                  the step then made no update
 */
public record StepOutcome(INDArray loss, INDArray gradNorm, String nonFinite) {

    /**
     * Whether the step's loss and gradient norm were finite, so it made its update.
     *
     * @return true when {@link #nonFinite()} is null
     */
    public boolean finite() {
        return nonFinite == null;
    }
}
