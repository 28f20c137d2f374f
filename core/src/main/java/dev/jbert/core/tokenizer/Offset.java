package dev.jbert.core.tokenizer;

/**
 * Where a token sits in the original text: Java {@code char} indices, start inclusive, end exclusive.
 * Special and padding tokens get {@link #NONE}, (0, 0), as in Hugging Face.
 */
public record Offset(int start, int end) {

    /** The offset of tokens that do not come from the text. */
    public static final Offset NONE = new Offset(0, 0);

    public Offset {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("invalid offset (" + start + ", " + end + ")");
        }
    }
}
