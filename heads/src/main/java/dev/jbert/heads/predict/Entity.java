package dev.jbert.heads.predict;

/**
 * A grouped entity, as transformers' pipeline returns with an aggregation strategy other than {@code none}.
 *
 * <p>Unlike transformers, {@code word} is the original text between {@code start} and {@code end}, not the
 * tokens decoded back into a string: transformers gives {@code "Inc ."} for the tokens of {@code "Inc."}
 * and lower-cased text for an uncased model, where this gives the text exactly as written.
 *
 * @param entityGroup the entity type, the label without its {@code B-}/{@code I-} prefix ({@code PER})
 * @param score       the mean score of the grouped tokens (SIMPLE) or words (FIRST, AVERAGE, MAX)
 * @param word        {@code text.substring(start, end)}
 * @param start       start character of the first grouped token in the text
 * @param end         end character of the last grouped token (exclusive)
 */
public record Entity(String entityGroup, double score, String word, int start, int end) implements TokenSpan {

    /**
     * Checks the parts.
     *
     * @param entityGroup the entity type
     * @param score       the mean score
     * @param word        the text between {@code start} and {@code end}
     * @param start       start character
     * @param end         end character (exclusive)
     * @throws IllegalArgumentException when {@code entityGroup} or {@code word} is null, or the span is invalid
     */
    public Entity {
        if (entityGroup == null || word == null) throw new IllegalArgumentException("entityGroup and word must not be null");
        if (start < 0 || end < start) throw new IllegalArgumentException("invalid span (" + start + ", " + end + ")");
    }

    @Override
    public String label() {
        return entityGroup;
    }
}
