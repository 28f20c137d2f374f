package dev.jbert.heads.predict;

/**
 * A labelled piece of text from token classification: a single token ({@link TokenPrediction}, strategy
 * {@link AggregationStrategy#NONE}) or a grouped entity ({@link Entity}, every other strategy).
 */
public sealed interface TokenSpan permits TokenPrediction, Entity {

    /** The token's full label ({@code B-PER}) or the entity's type ({@code PER}). */
    String label();

    /** The probability of the label (for entities, the mean over the grouped tokens or words). */
    double score();

    /** The text the span covers. */
    String word();

    /** Start character (Java {@code char} index, inclusive). */
    int start();

    /** End character (exclusive). */
    int end();
}
