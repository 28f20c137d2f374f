package dev.jbert.core.tokenizer;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A model-ready input: what a Hugging Face {@code BatchEncoding} holds for one sequence or pair, with
 * special tokens and padding in place. Immutable: the arrays are copied in and out.
 *
 * <p>Positions that do not come from the text ({@code [CLS]}, {@code [SEP]}, {@code [PAD]}) have word id
 * and sequence id {@link #NONE} (-1; Hugging Face's None) and offset {@link Offset#NONE}.
 *
 * @param tokens        the token strings
 * @param inputIds      the token ids
 * @param tokenTypeIds  0 for the first sequence (and its special tokens, and padding), 1 for the second
 * @param attentionMask 1 for real tokens, 0 for padding
 * @param wordIds       per token, the index of the word it belongs to, or -1. For text, words are the
 *                      pre-tokenizer's (punctuation counts as a word); for pre-split input they are the
 *                      indices into the given word list. Each sequence of a pair counts from 0.
 * @param offsets       per token, its span in the original text (Java {@code char} indices), or (0, 0); for
 *                      pre-split input the span is within the word, as in Hugging Face
 * @param sequenceIds   per token, 0 for the first sequence, 1 for the second, -1 for special tokens and padding
 * @param truncated     whether tokens were dropped to fit the length limit
 */
public record Encoding(List<String> tokens, int[] inputIds, int[] tokenTypeIds, int[] attentionMask,
                       int[] wordIds, List<Offset> offsets, int[] sequenceIds, boolean truncated) {

    /** The word or sequence id of a position that has none. */
    public static final int NONE = -1;

    /**
     * Checks that every component has one entry per token, and copies them.
     *
     * @param tokens        the token strings
     * @param inputIds      the token ids
     * @param tokenTypeIds  0 for the first sequence (and its special tokens, and padding), 1 for the second
     * @param attentionMask 1 for real tokens, 0 for padding
     * @param wordIds       per token, the index of the word it belongs to, or -1. For text, words are the
     *                      pre-tokenizer's (punctuation counts as a word); for pre-split input they are the
     *                      indices into the given word list. Each sequence of a pair counts from 0.
     * @param offsets       per token, its span in the original text (Java {@code char} indices), or (0, 0); for
     *                      pre-split input the span is within the word, as in Hugging Face
     * @param sequenceIds   per token, 0 for the first sequence, 1 for the second, -1 for special tokens and padding
     * @param truncated     whether tokens were dropped to fit the length limit
     * @throws IllegalArgumentException if a component is null or of another length
     */
    public Encoding {
        if (tokens == null || inputIds == null || tokenTypeIds == null || attentionMask == null
                || wordIds == null || offsets == null || sequenceIds == null) {
            throw new IllegalArgumentException("no component of an encoding may be null");
        }
        int n = tokens.size();
        if (inputIds.length != n || tokenTypeIds.length != n || attentionMask.length != n
                || wordIds.length != n || offsets.size() != n || sequenceIds.length != n) {
            throw new IllegalArgumentException("every component of an encoding needs one entry per token (" + n + ")");
        }
        tokens = List.copyOf(tokens);
        offsets = List.copyOf(offsets);
        inputIds = inputIds.clone();
        tokenTypeIds = tokenTypeIds.clone();
        attentionMask = attentionMask.clone();
        wordIds = wordIds.clone();
        sequenceIds = sequenceIds.clone();
    }

    /**
     * Number of positions, padding included.
     *
     * @return the number of tokens
     */
    public int length() {
        return tokens.size();
    }

    /**
     * A copy of the token ids.
     *
     * @return the ids, a new array
     */
    @Override
    public int[] inputIds() {
        return inputIds.clone();
    }

    /**
     * A copy of the token type ids.
     *
     * @return the type ids, a new array
     */
    @Override
    public int[] tokenTypeIds() {
        return tokenTypeIds.clone();
    }

    /**
     * A copy of the attention mask.
     *
     * @return the mask, a new array
     */
    @Override
    public int[] attentionMask() {
        return attentionMask.clone();
    }

    /**
     * A copy of the word ids, -1 where there is no word.
     *
     * @return the word ids, a new array
     */
    @Override
    public int[] wordIds() {
        return wordIds.clone();
    }

    /**
     * A copy of the sequence ids, -1 for special tokens and padding.
     *
     * @return the sequence ids, a new array
     */
    @Override
    public int[] sequenceIds() {
        return sequenceIds.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Encoding e
                && truncated == e.truncated
                && tokens.equals(e.tokens)
                && Arrays.equals(inputIds, e.inputIds)
                && Arrays.equals(tokenTypeIds, e.tokenTypeIds)
                && Arrays.equals(attentionMask, e.attentionMask)
                && Arrays.equals(wordIds, e.wordIds)
                && offsets.equals(e.offsets)
                && Arrays.equals(sequenceIds, e.sequenceIds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tokens, Arrays.hashCode(inputIds), Arrays.hashCode(tokenTypeIds),
                Arrays.hashCode(attentionMask), Arrays.hashCode(wordIds), offsets, Arrays.hashCode(sequenceIds),
                truncated);
    }

    @Override
    public String toString() {
        return "Encoding[tokens=" + tokens + ", inputIds=" + Arrays.toString(inputIds)
                + ", tokenTypeIds=" + Arrays.toString(tokenTypeIds)
                + ", attentionMask=" + Arrays.toString(attentionMask)
                + ", wordIds=" + Arrays.toString(wordIds) + ", offsets=" + offsets
                + ", sequenceIds=" + Arrays.toString(sequenceIds) + ", truncated=" + truncated + "]";
    }
}
