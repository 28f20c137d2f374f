package dev.jbert.heads.predict;

/**
 * One token's prediction, as transformers' pipeline returns with {@code aggregation_strategy="none"}.
 *
 * @param entity the predicted label, in full ({@code B-PER}, {@code I-LOC})
 * @param score  its softmax probability
 * @param index  the token's position in the encoding ({@code [CLS]} is 0, so the first text token is 1)
 * @param word   the token as the tokenizer spells it ({@code ##ing}); for the unknown token, the text it
 *               stands for (as transformers does)
 * @param start  start character of the token in the text
 * @param end    end character (exclusive)
 */
public record TokenPrediction(String entity, double score, int index, String word, int start, int end)
        implements TokenSpan {

    /**
     * Checks the parts.
     *
     * @param entity the full label
     * @param score  its probability
     * @param index  the token's position in the encoding
     * @param word   the token
     * @param start  start character
     * @param end    end character (exclusive)
     * @throws IllegalArgumentException when {@code entity} or {@code word} is null, or the span is invalid
     */
    public TokenPrediction {
        if (entity == null || word == null) throw new IllegalArgumentException("entity and word must not be null");
        if (start < 0 || end < start) throw new IllegalArgumentException("invalid span (" + start + ", " + end + ")");
    }

    @Override
    public String label() {
        return entity;
    }
}
