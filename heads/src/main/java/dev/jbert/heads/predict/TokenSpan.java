package dev.jbert.heads.predict;

/**
 * A labelled piece of text from token classification: a single token ({@link TokenPrediction}, strategy
 * {@link AggregationStrategy#NONE}) or a grouped entity ({@link Entity}, every other strategy).
 */
public sealed interface TokenSpan permits TokenPrediction, Entity {

    /**
     * The token's full label ({@code B-PER}) or the entity's type ({@code PER}).
     *
     * @return the label
     */
    String label();

    /**
     * The probability of the label (for entities, the mean over the grouped tokens or words).
     *
     * @return the score, in [0, 1]
     */
    double score();

    /**
     * The text the span covers.
     *
     * @return the span's text
     */
    String word();

    /**
     * Start character (Java {@code char} index, inclusive).
     *
     * @return the start index
     */
    int start();

    /**
     * End character (exclusive).
     *
     * @return the end index
     */
    int end();
}
