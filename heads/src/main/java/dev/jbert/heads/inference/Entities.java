package dev.jbert.heads.inference;

import dev.jbert.heads.predict.AggregationStrategy;
import dev.jbert.heads.predict.Entity;
import dev.jbert.heads.predict.TokenPrediction;
import dev.jbert.heads.predict.TokenSpan;

import java.util.List;

/**
 * A token classifier's answer for one text: the entities, as transformers' token-classification pipeline
 * returns them, and every token's own label. Offsets are {@code char} indices into the text as given.
 *
 * @param text      the text, as given
 * @param strategy  how tokens were grouped
 * @param entities  {@link Entity} spans (type without {@code B-}/{@code I-}, mean score, text and offsets) for
 *                  SIMPLE, FIRST, AVERAGE and MAX; single {@link TokenPrediction}s for NONE; the {@code O} label
 *                  left out, in text order
 * @param tokens    every token of the text ({@code [CLS]}, {@code [SEP]} left out) with its most probable full
 *                  label, {@code O} included, in order
 * @param truncated whether the text was longer than the model's length limit: tokens past it were not labelled
 */
public record Entities(String text, AggregationStrategy strategy, List<TokenSpan> entities, List<TokenPrediction> tokens,
                       boolean truncated) {

    /**
     * Copies the lists.
     *
     * @param text      the text
     * @param strategy  how tokens were grouped
     * @param entities  the entities or labelled tokens
     * @param tokens    every token with its label
     * @param truncated whether the text was cut
     * @throws IllegalArgumentException when {@code text} or {@code strategy} is null
     */
    public Entities {
        if (text == null || strategy == null) throw new IllegalArgumentException("text and strategy must not be null");
        entities = List.copyOf(entities);
        tokens = List.copyOf(tokens);
    }
}
