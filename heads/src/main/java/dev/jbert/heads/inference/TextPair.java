package dev.jbert.heads.inference;

/**
 * Two texts classified together ({@code [CLS] text [SEP] pair [SEP]}), as for entailment or similarity.
 *
 * @param text the first text
 * @param pair the second text
 */
public record TextPair(String text, String pair) {

    public TextPair {
        if (text == null) throw new IllegalArgumentException("text must not be null");
        if (pair == null) throw new IllegalArgumentException("pair must not be null");
    }
}
