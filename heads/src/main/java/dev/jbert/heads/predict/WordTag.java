package dev.jbert.heads.predict;

/**
 * The tag of one pre-split input word, from its sub-word tokens.
 *
 * @param index     the word's position in the input list
 * @param word      the word as given
 * @param label     the predicted label in full ({@code B-PER}); null when the word has no token
 * @param score     the label's probability under the strategy (0 when the word has no token)
 * @param tokenized false when no token of the word reached the model: dropped by truncation, or a word the
 *                  tokenizer turns into nothing (an empty string, only whitespace or control characters)
 */
public record WordTag(int index, String word, String label, double score, boolean tokenized) {

    /**
     * Checks the parts.
     *
     * @param index     the word's position
     * @param word      the word
     * @param label     the label, or null when untokenized
     * @param score     the label's probability
     * @param tokenized whether a token of the word reached the model
     * @throws IllegalArgumentException when {@code word} is null, or {@code label} is null for a tokenized word or
     *                                  set for another
     */
    public WordTag {
        if (word == null) throw new IllegalArgumentException("word must not be null");
        if (tokenized == (label == null)) throw new IllegalArgumentException("a tokenized word has a label, any other none");
    }
}
