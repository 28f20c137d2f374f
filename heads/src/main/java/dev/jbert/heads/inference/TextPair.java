package dev.jbert.heads.inference;

/**
 * Two texts classified together ({@code [CLS] text [SEP] pair [SEP]}), as for entailment or similarity.
 *
 * @param text the first text
 * @param pair the second text
 */
public record TextPair(String text, String pair) {

    /**
     * Checks the texts.
     *
     * @param text the first text
     * @param pair the second text
     * @throws IllegalArgumentException when {@code text} or {@code pair} is null
     */
    public TextPair {
        if (text == null) throw new IllegalArgumentException("text must not be null");
        if (pair == null) throw new IllegalArgumentException("pair must not be null");
    }
}
