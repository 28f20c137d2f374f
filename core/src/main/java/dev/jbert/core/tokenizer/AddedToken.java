package dev.jbert.core.tokenizer;

/**
 * A token matched whole in the input before WordPiece runs, as the {@code added_tokens} of a Hugging Face
 * {@code tokenizer.json}. Special tokens ({@code [CLS]}, {@code [SEP]}, ...) are added tokens with
 * {@code special = true} and {@code normalized = false}: they are found in the raw text, case-sensitively.
 *
 * @param content    the exact text of the token
 * @param special    whether it is a special token (skipped when decoding in Hugging Face; informational here)
 * @param normalized whether it is matched against the normalised text (e.g. lower-cased) rather than the raw text
 * @param singleWord only match when not directly preceded or followed by a word character
 * @param lstrip     also swallow the whitespace on its left
 * @param rstrip     also swallow the whitespace on its right
 */
public record AddedToken(String content, boolean special, boolean normalized,
                         boolean singleWord, boolean lstrip, boolean rstrip) {

    /**
     * Checks the content.
     *
     * @param content    the exact text of the token
     * @param special    whether it is a special token (skipped when decoding in Hugging Face; informational here)
     * @param normalized whether it is matched against the normalised text (e.g. lower-cased) rather than the raw text
     * @param singleWord only match when not directly preceded or followed by a word character
     * @param lstrip     also swallow the whitespace on its left
     * @param rstrip     also swallow the whitespace on its right
     * @throws IllegalArgumentException if the content is null or empty
     */
    public AddedToken {
        if (content == null || content.isEmpty()) {
            throw new IllegalArgumentException("an added token needs non-empty content");
        }
    }

    /**
     * A special token matched verbatim in the raw text, as BERT's {@code [CLS]} or {@code [MASK]}.
     *
     * @param content the token's text
     * @return the token
     */
    public static AddedToken special(String content) {
        return new AddedToken(content, true, false, false, false, false);
    }

    /**
     * A plain added word, matched in the normalised text like Hugging Face {@code add_tokens}.
     *
     * @param content the word
     * @return the token
     */
    public static AddedToken word(String content) {
        return new AddedToken(content, false, true, false, false, false);
    }
}
