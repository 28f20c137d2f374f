package dev.jbert.core.tokenizer;

/**
 * Length handling for {@link Tokenizer#encode}: the {@code max_length}, {@code truncation} and
 * {@code padding} arguments of a Hugging Face tokenizer call.
 *
 * @param maxLength  the length limit including special tokens, or null for the tokenizer's
 *                   {@code model_max_length} (as transformers does when truncating or padding to max length)
 * @param truncation whether and how to cut sequences that are too long
 * @param padding    whether and how far to pad with {@code [PAD]}
 */
public record EncodeOptions(Integer maxLength, Truncation truncation, Padding padding) {

    /** How to shorten an input longer than the limit. */
    public enum Truncation {
        /** Keep every token, even past the limit. */
        NONE,
        /**
         * Hugging Face {@code longest_first}: trim the longer sequence of a pair first; when both must be
         * cut they end up with half the budget each, the longer one (the second one on a tie) getting the
         * odd token. As in tokenizers 0.23, "longer" compares each sequence's length counted only up to the
         * length limit, finished to the end of the pre-tokenizer's split it falls in.
         */
        LONGEST_FIRST
    }

    /** How far to pad with the padding token (right side, type id 0, attention mask 0). */
    public enum Padding {
        /** No padding. */
        NONE,
        /** Pad every encoding to the length limit. */
        MAX_LENGTH,
        /** Pad every encoding of a batch to the longest one in it; a lone encoding is left as it is. */
        LONGEST
    }

    /** No truncation, no padding: transformers' default call. */
    public static final EncodeOptions NONE = new EncodeOptions(null, Truncation.NONE, Padding.NONE);

    /**
     * Validates the options.
     *
     * @param maxLength  the length limit including special tokens, or null for the tokenizer's
     *                   {@code model_max_length} (as transformers does when truncating or padding to max length)
     * @param truncation whether and how to cut sequences that are too long
     * @param padding    whether and how far to pad with {@code [PAD]}
     * @throws IllegalArgumentException if truncation or padding is null, or the length limit is below 1
     */
    public EncodeOptions {
        if (truncation == null || padding == null) {
            throw new IllegalArgumentException("truncation and padding must not be null; use NONE");
        }
        if (maxLength != null && maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be positive, got " + maxLength);
        }
    }

    /**
     * Truncate longest-first and pad to exactly {@code maxLength}: fixed-shape model input.
     *
     * @param maxLength the length, special tokens included
     * @return the options
     */
    public static EncodeOptions fixedLength(int maxLength) {
        return new EncodeOptions(maxLength, Truncation.LONGEST_FIRST, Padding.MAX_LENGTH);
    }

    /**
     * Truncate longest-first to {@code maxLength}, pad each batch to its longest member.
     *
     * @param maxLength the length limit, special tokens included
     * @return the options
     */
    public static EncodeOptions dynamicPadding(int maxLength) {
        return new EncodeOptions(maxLength, Truncation.LONGEST_FIRST, Padding.LONGEST);
    }

    /**
     * These options with another length limit (null: the model's).
     *
     * @param value the length limit, at least 1, or null
     * @return new options
     */
    public EncodeOptions withMaxLength(Integer value) {
        return new EncodeOptions(value, truncation, padding);
    }

    /**
     * These options with another truncation strategy.
     *
     * @param value the truncation strategy
     * @return new options
     */
    public EncodeOptions withTruncation(Truncation value) {
        return new EncodeOptions(maxLength, value, padding);
    }

    /**
     * These options with another padding strategy.
     *
     * @param value the padding strategy
     * @return new options
     */
    public EncodeOptions withPadding(Padding value) {
        return new EncodeOptions(maxLength, truncation, value);
    }
}
