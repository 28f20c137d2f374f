package dev.jbert.core.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What {@code tokenizers} does after WordPiece: truncate, then apply BERT's template
 * ({@code [CLS] A [SEP]} or {@code [CLS] A [SEP] B [SEP]}, type ids 0 then 1), then pad.
 */
final class PostProcessor {

    /** One sequence's WordPiece tokens and, per token, the index of its word. */
    record Sequence(List<Token> tokens, int[] wordIds) {

        Sequence {
            if (tokens.size() != wordIds.length) {
                throw new IllegalArgumentException("one word id per token is needed");
            }
        }

        int size() {
            return tokens.size();
        }
    }

    private final String clsToken;
    private final int clsId;
    private final String sepToken;
    private final int sepId;
    private final String padToken;
    private final int padId;

    PostProcessor(String clsToken, int clsId, String sepToken, int sepId, String padToken, int padId) {
        this.clsToken = clsToken;
        this.clsId = clsId;
        this.sepToken = sepToken;
        this.sepId = sepId;
        this.padToken = padToken;
        this.padId = padId;
    }

    /** Number of special tokens the template adds. */
    static int addedTokens(boolean pair) {
        return pair ? 3 : 2;
    }

    /**
     * Truncates to {@code maxLength} positions (special tokens included) unless it is null, then adds the
     * special tokens.
     *
     * @param second the second sequence of a pair, or null
     */
    Encoding process(Sequence first, Sequence second, Integer maxLength) {
        int n1 = first.size();
        int n2 = second == null ? 0 : second.size();
        boolean truncated = false;
        if (maxLength != null) {
            int budget = maxLength - addedTokens(second != null);
            if (budget < 0) {
                throw new IllegalArgumentException("maxLength " + maxLength + " leaves no room for the "
                        + addedTokens(second != null) + " special tokens");
            }
            if (n1 + n2 > budget) {
                truncated = true;
                if (second == null) {
                    n1 = budget;
                } else {
                    int[] kept = longestFirst(n1, n2, budget);
                    n1 = kept[0];
                    n2 = kept[1];
                }
            }
        }
        Builder b = new Builder(n1 + n2 + addedTokens(second != null));
        b.special(clsToken, clsId, 0);
        b.sequence(first, n1, 0);
        b.special(sepToken, sepId, 0);
        if (second != null) {
            b.sequence(second, n2, 1);
            b.special(sepToken, sepId, 1);
        }
        return b.build(truncated);
    }

    /**
     * The lengths {@code tokenizers}' LongestFirst keeps: the shorter sequence stays whole if the longer
     * one can take the rest of the budget without becoming the shorter; otherwise both get half, and the
     * longer one (the second one on a tie) gets the odd token. Python's old one-token-at-a-time loop
     * differs from this on odd budgets.
     */
    static int[] longestFirst(int firstLength, int secondLength, int budget) {
        boolean swap = firstLength > secondLength;
        int shorter = Math.min(firstLength, secondLength);
        int longer = shorter > budget ? shorter : Math.max(shorter, budget - shorter);
        if (shorter + longer > budget) {
            shorter = budget / 2;
            longer = shorter + budget % 2;
        }
        return swap ? new int[] {longer, shorter} : new int[] {shorter, longer};
    }

    /** {@code encoding} padded on the right to {@code length}; unchanged when already that long. */
    Encoding pad(Encoding encoding, int length) {
        int n = encoding.length();
        if (n >= length) {
            return encoding;
        }
        List<String> tokens = new ArrayList<>(encoding.tokens());
        List<Offset> offsets = new ArrayList<>(encoding.offsets());
        for (int i = n; i < length; i++) {
            tokens.add(padToken);
            offsets.add(Offset.NONE);
        }
        int[] ids = Arrays.copyOf(encoding.inputIds(), length);
        Arrays.fill(ids, n, length, padId);
        int[] wordIds = Arrays.copyOf(encoding.wordIds(), length);
        Arrays.fill(wordIds, n, length, Encoding.NONE);
        int[] sequenceIds = Arrays.copyOf(encoding.sequenceIds(), length);
        Arrays.fill(sequenceIds, n, length, Encoding.NONE);
        // copyOf fills with 0, which is both the padding type id and the padding attention mask.
        return new Encoding(tokens, ids, Arrays.copyOf(encoding.tokenTypeIds(), length),
                Arrays.copyOf(encoding.attentionMask(), length), wordIds, offsets, sequenceIds,
                encoding.truncated());
    }

    /** Accumulates the positions of one encoding. */
    private static final class Builder {
        private final List<String> tokens;
        private final List<Offset> offsets;
        private final int[] ids;
        private final int[] typeIds;
        private final int[] wordIds;
        private final int[] sequenceIds;
        private int size;

        Builder(int length) {
            tokens = new ArrayList<>(length);
            offsets = new ArrayList<>(length);
            ids = new int[length];
            typeIds = new int[length];
            wordIds = new int[length];
            sequenceIds = new int[length];
        }

        void special(String token, int id, int typeId) {
            add(token, id, typeId, Encoding.NONE, Offset.NONE, Encoding.NONE);
        }

        void sequence(Sequence sequence, int keep, int sequenceId) {
            for (int i = 0; i < keep; i++) {
                Token t = sequence.tokens().get(i);
                add(t.value(), t.id(), sequenceId, sequence.wordIds()[i], t.offset(), sequenceId);
            }
        }

        private void add(String token, int id, int typeId, int wordId, Offset offset, int sequenceId) {
            tokens.add(token);
            offsets.add(offset);
            ids[size] = id;
            typeIds[size] = typeId;
            wordIds[size] = wordId;
            sequenceIds[size] = sequenceId;
            size++;
        }

        Encoding build(boolean truncated) {
            int[] mask = new int[size];
            Arrays.fill(mask, 1);
            return new Encoding(tokens, ids, typeIds, mask, wordIds, offsets, sequenceIds, truncated);
        }
    }
}
