package dev.jbert.core.train;

import java.nio.file.Path;

/** The loss or gradient norm became NaN or infinite: training stops, the last good checkpoint stays. */
public final class TrainingDivergedException extends RuntimeException {

    /**
     * An exception whose message says where training diverged and how to go on.
     *
     * @param step           the step whose loss or gradient was not finite
     * @param loss           that step's loss
     * @param gradNorm       that step's global gradient norm
     * @param where          which gradients were not finite: the first parameter and its optimizer group
     * @param lastCheckpoint the newest checkpoint, or null when none was written
     */
    public TrainingDivergedException(long step, double loss, double gradNorm, String where, Path lastCheckpoint) {
        super("training diverged at step " + step + ": loss " + loss + ", gradient norm " + gradNorm + " (" + where + ")"
                + (lastCheckpoint == null ? "; no checkpoint was written yet"
                : "; the last good checkpoint is " + lastCheckpoint + " (resume from it with a lower learning rate)")
                + "; --skip-nonfinite-steps skips such steps instead");
    }
}
