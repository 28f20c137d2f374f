package dev.jbert.core.data;

import java.util.List;

/**
 * One pre-split sentence for token classification (NER, POS): a tag per word, or none to predict.
 * Tags stay names here; a {@link LabelSet} turns them into class ids when encoding.
 *
 * @param words  the words, at least one, none null
 * @param tags   one tag per word, or null for prediction
 * @param source where the sentence starts (its first word's line)
 */
public record TokenExample(List<String> words, List<String> tags, SourceLine source) {

    /**
     * Validates the sentence and copies its lists.
     *
     * @param words  the words, at least one, none null
     * @param tags   one tag per word, or null for prediction
     * @param source where the sentence starts (its first word's line)
     * @throws IllegalArgumentException if there are no words, tags and words differ in number, or the source is null
     */
    public TokenExample {
        if (words == null || words.isEmpty()) {
            throw new IllegalArgumentException("a sentence needs at least one word");
        }
        words = List.copyOf(words);
        if (tags != null) {
            tags = List.copyOf(tags);
            if (tags.size() != words.size()) {
                throw new IllegalArgumentException(words.size() + " words but " + tags.size() + " tags");
            }
        }
        if (source == null) {
            throw new IllegalArgumentException("source must not be null");
        }
    }

    /**
     * Whether the sentence has tags.
     *
     * @return whether there are tags
     */
    public boolean isLabelled() {
        return tags != null;
    }

    /**
     * Number of words.
     *
     * @return the number of words
     */
    public int size() {
        return words.size();
    }
}
