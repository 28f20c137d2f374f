package dev.jbert.core.train;

/**
 * What taking a {@link PlannedStep} gave.
 *
 * @param loss      the step's training loss: the mean over its micro-batches
 * @param gradNorm  the gradient's global norm before clipping
 * @param nonFinite null when loss and norm are finite, else which gradients were not (for the error or the warning);
 *                  the step then made no update
 */
public record StepOutcome(double loss, double gradNorm, String nonFinite) {

    public boolean finite() {
        return nonFinite == null;
    }
}
