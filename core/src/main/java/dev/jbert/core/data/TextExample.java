package dev.jbert.core.data;

/**
 * One text (or text pair) to classify, score or predict.
 *
 * @param text     the text, not blank
 * @param textPair the second text of a sentence pair, or null for a single text
 * @param label    the target, {@link Label#NONE} for prediction
 * @param source   where the row was read, for error messages and to map predictions back
 */
public record TextExample(String text, String textPair, Label label, SourceLine source) {

    /**
     * Validates the example.
     *
     * @param text     the text, not blank
     * @param textPair the second text of a sentence pair, or null for a single text
     * @param label    the target, {@link Label#NONE} for prediction
     * @param source   where the row was read, for error messages and to map predictions back
     * @throws IllegalArgumentException if the text is blank, the pair is blank, or the label or source is null
     */
    public TextExample {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("text must not be null or blank");
        }
        if (textPair != null && textPair.isBlank()) {
            throw new IllegalArgumentException("textPair must be null or not blank");
        }
        if (label == null) {
            throw new IllegalArgumentException("label must not be null; use Label.NONE");
        }
        if (source == null) {
            throw new IllegalArgumentException("source must not be null");
        }
    }

    /**
     * An unlabelled text built in code, the {@code n}th (1-based) of its batch.
     *
     * @param text the text, not blank
     * @param n    the example's number, from 1
     * @return the example
     */
    public static TextExample unlabelled(String text, long n) {
        return new TextExample(text, null, Label.NONE, SourceLine.inMemory(n));
    }

    /**
     * Whether this is a sentence pair.
     *
     * @return whether there is a second text
     */
    public boolean hasPair() {
        return textPair != null;
    }

    /**
     * Whether it has a label.
     *
     * @return whether the label is not {@link Label#NONE}
     */
    public boolean isLabelled() {
        return !(label instanceof Label.None);
    }
}
