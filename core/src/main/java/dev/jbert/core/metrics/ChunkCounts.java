package dev.jbert.core.metrics;

/**
 * conlleval's chunk counts for one entity type or for all of them, and the scores it derives from them, in
 * percent. The arithmetic follows {@code conlleval.pl} operation for operation, so the doubles are the ones it
 * prints.
 *
 * @param gold    chunks in the gold tags (conlleval's {@code foundCorrect})
 * @param guessed chunks in the predicted tags ({@code foundGuessed})
 * @param correct predicted chunks whose start, end and type all match a gold chunk ({@code correctChunk})
 */
public record ChunkCounts(int gold, int guessed, int correct) {

    /**
     * {@code 100 · correct / guessed}, 0 when nothing was guessed.
     *
     * @return the precision, 0-100
     */
    public double precision() {
        return guessed == 0 ? 0.0 : 100.0 * correct / guessed;
    }

    /**
     * {@code 100 · correct / gold}, 0 when there is no gold chunk.
     *
     * @return the recall, 0-100
     */
    public double recall() {
        return gold == 0 ? 0.0 : 100.0 * correct / gold;
    }

    /**
     * The harmonic mean of the percentages, 0 when both are 0.
     *
     * @return the F1, 0-100
     */
    public double f1() {
        double p = precision();
        double r = recall();
        return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
    }
}
