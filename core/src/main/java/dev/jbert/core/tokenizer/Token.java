package dev.jbert.core.tokenizer;

/**
 * One WordPiece token with its id and where it came from in the original text.
 *
 * @param value  the token text, e.g. {@code "##ing"}
 * @param id     its vocabulary id
 * @param offset its span in the original text (Java {@code char} indices)
 */
public record Token(String value, int id, Offset offset) {

    /**
     * Checks that the value and offset are given.
     *
     * @param value  the token text, e.g. {@code "##ing"}
     * @param id     its vocabulary id
     * @param offset its span in the original text (Java {@code char} indices)
     * @throws IllegalArgumentException if the value or the offset is null
     */
    public Token {
        if (value == null || offset == null) {
            throw new IllegalArgumentException("a token needs a value and an offset");
        }
    }
}
