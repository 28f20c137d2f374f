package dev.jbert.core.tokenizer;

/**
 * Where a token sits in the original text: Java {@code char} indices, start inclusive, end exclusive.
 * Special and padding tokens get {@link #NONE}, (0, 0), as in Hugging Face.
 */
public record Offset(int start, int end) {

    /** The offset of tokens that do not come from the text. */
    public static final Offset NONE = new Offset(0, 0);

    /**
     * Checks the span.
     *
     * @param start the first {@code char} index, {@code >= 0}
     * @param end   one past the last, {@code >= start}
     * @throws IllegalArgumentException if {@code start < 0} or {@code end < start}
     */
    public Offset {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("invalid offset (" + start + ", " + end + ")");
        }
    }
}
