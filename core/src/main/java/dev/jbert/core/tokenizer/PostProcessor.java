package dev.jbert.core.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What {@code tokenizers} does after the model: truncate, then apply the template (TemplateProcessing, or the
 * fixed templates of BertProcessing and RobertaProcessing), then pad. BERT's is {@code [CLS] A [SEP]} and
 * {@code [CLS] A [SEP] B [SEP]} with type ids 0 then 1; RoBERTa's {@code <s> A </s>} and {@code <s> A </s></s> B </s>}.
 */
final class PostProcessor {

    /**
     * One sequence's tokens, per token the index of its word, the text the offsets point into (one text, or one per
     * word when the words were given pre-split: their offsets are within the word, as in transformers), and the
     * pre-tokenizer's splits the tokens came from (one group per text or pre-split word).
     */
    record Sequence(List<Token> tokens, int[] wordIds, List<String> sources, List<List<Split>> splits) {

        Sequence {
            if (tokens.size() != wordIds.length) {
                throw new IllegalArgumentException("one word id per token is needed");
            }
        }

        String sourceOf(int token) {
            return sources.size() == 1 ? sources.get(0) : sources.get(wordIds[token]);
        }

        int size() {
            return tokens.size();
        }

        /**
         * How many tokens tokenizers 0.23 sees of this sequence when it compares lengths for truncation: it tokenizes
         * each text (each pre-split word) split by split and stops once it holds {@code limit} tokens, finishing the
         * split it is in; an added token found in the text counts but never stops it.
         */
        int cappedSize(int limit) {
            int n = 0;
            for (List<Split> group : splits) {
                int total = 0;
                for (Split split : group) {
                    total += split.tokens();
                    if (!split.added() && total >= limit) break;
                }
                n += total;
            }
            return n;
        }
    }

    /** One split of the pre-tokenizer: how many tokens the model made of it, and whether it is an added token. */
    record Split(int tokens, boolean added) {
    }

    /**
     * One element of a template: a special token (by its key in the special-token table), or sequence A (0) or B (1).
     */
    record Piece(String special, int sequence, int typeId) {
        static Piece special(String id, int typeId) {
            return new Piece(id, -1, typeId);
        }

        static Piece sequence(int which, int typeId) {
            return new Piece(null, which, typeId);
        }
    }

    /** A special token of the template: the ids and token strings it stands for. */
    record Special(int[] ids, List<String> tokens) {
        Special {
            if (ids.length != tokens.size()) throw new IllegalArgumentException("a special token needs one string per id");
        }

        static Special of(String token, int id) {
            return new Special(new int[] {id}, List.of(token));
        }
    }

    private final List<Piece> single;
    private final List<Piece> pair;
    private final Map<String, Special> specials;
    private final boolean trimOffsets;
    private final boolean prefixSpace;
    private final String padToken;
    private final int padId;

    /**
     * @param trimOffsets byte-level {@code trim_offsets}: spaces leave the offsets of the sequences' tokens
     * @param prefixSpace whether the byte-level pre-tokenizer added a prefix space (which trimming keeps)
     * @param padToken    the padding token, or null when the tokenizer has none
     */
    PostProcessor(List<Piece> single, List<Piece> pair, Map<String, Special> specials, boolean trimOffsets, boolean prefixSpace,
                  String padToken, int padId) {
        this.single = List.copyOf(single);
        this.pair = List.copyOf(pair);
        this.specials = Map.copyOf(specials);
        for (Piece p : single) requireSpecial(p);
        for (Piece p : pair) requireSpecial(p);
        this.trimOffsets = trimOffsets;
        this.prefixSpace = prefixSpace;
        this.padToken = padToken;
        this.padId = padId;
    }

    private void requireSpecial(Piece p) {
        if (p.special() != null && !specials.containsKey(p.special())) {
            throw new IllegalArgumentException("the template uses the special token " + p.special() + " but the special_tokens table lacks it");
        }
    }

    /** BertProcessing: {@code [CLS] A [SEP]} and {@code [CLS] A [SEP] B [SEP]}, B's part of type 1. */
    static PostProcessor bert(String cls, int clsId, String sep, int sepId, String padToken, int padId) {
        return new PostProcessor(
                List.of(Piece.special(cls, 0), Piece.sequence(0, 0), Piece.special(sep, 0)),
                List.of(Piece.special(cls, 0), Piece.sequence(0, 0), Piece.special(sep, 0), Piece.sequence(1, 1), Piece.special(sep, 1)),
                specials(cls, clsId, sep, sepId), false, false, padToken, padId);
    }

    /**
     * RobertaProcessing: {@code <s> A </s>} and {@code <s> A </s></s> B </s>}. Its type ids are all 0: RoBERTa's
     * tokenizers return none, so the model sees zeros.
     */
    static PostProcessor roberta(String cls, int clsId, String sep, int sepId, boolean trimOffsets, boolean prefixSpace,
                                 String padToken, int padId) {
        return new PostProcessor(
                List.of(Piece.special(cls, 0), Piece.sequence(0, 0), Piece.special(sep, 0)),
                List.of(Piece.special(cls, 0), Piece.sequence(0, 0), Piece.special(sep, 0), Piece.special(sep, 0), Piece.sequence(1, 0),
                        Piece.special(sep, 0)),
                specials(cls, clsId, sep, sepId),
                trimOffsets, prefixSpace, padToken, padId);
    }

    /** The special-token table of a two-token processor; one entry when both are the same token (the file's ids win). */
    private static Map<String, Special> specials(String cls, int clsId, String sep, int sepId) {
        return cls.equals(sep) ? Map.of(cls, Special.of(cls, clsId)) : Map.of(cls, Special.of(cls, clsId), sep, Special.of(sep, sepId));
    }

    /** This processor with byte-level offset trimming switched on or off. */
    PostProcessor withTrimOffsets(boolean trim, boolean addedPrefixSpace) {
        return new PostProcessor(single, pair, specials, trim, addedPrefixSpace, padToken, padId);
    }

    /** The largest token type id a pair's encoding holds. */
    int maxPairTypeId() {
        return pair.stream().mapToInt(Piece::typeId).max().orElse(0);
    }

    /** Number of special tokens the template adds. */
    int addedTokens(boolean isPair) {
        int n = 0;
        for (Piece p : isPair ? pair : single) {
            if (p.special() != null) n += specials.get(p.special()).ids().length;
        }
        return n;
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
        int added = addedTokens(second != null);
        if (maxLength != null) {
            int budget = maxLength - added;
            if (budget < 0) {
                throw new IllegalArgumentException("maxLength " + maxLength + " leaves no room for the " + added + " special tokens");
            }
            if (n1 + n2 > budget) {
                truncated = true;
                if (second == null) {
                    n1 = budget;
                } else {
                    int[] kept = longestFirst(first.cappedSize(maxLength), second.cappedSize(maxLength), budget);
                    n1 = kept[0];
                    n2 = kept[1];
                }
            }
        }
        Builder b = new Builder(n1 + n2 + added);
        for (Piece p : second == null ? single : pair) {
            if (p.special() != null) {
                Special s = specials.get(p.special());
                for (int k = 0; k < s.ids().length; k++) b.special(s.tokens().get(k), s.ids()[k], p.typeId());
            } else if (p.sequence() == 0) {
                b.sequence(first, n1, 0, p.typeId(), trimmed(first, n1));
            } else {
                b.sequence(second, n2, 1, p.typeId(), trimmed(second, n2));
            }
        }
        return b.build(truncated);
    }

    private List<Offset> trimmed(Sequence s, int keep) {
        List<Offset> offsets = new ArrayList<>(keep);
        List<String> tokens = new ArrayList<>(keep);
        List<String> sources = new ArrayList<>(keep);
        for (int i = 0; i < keep; i++) {
            offsets.add(s.tokens().get(i).offset());
            tokens.add(s.tokens().get(i).value());
            sources.add(s.sourceOf(i));
        }
        return trimOffsets ? ByteLevel.trimOffsets(tokens, offsets, sources, prefixSpace) : offsets;
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
        if (padToken == null) throw new IllegalArgumentException("this tokenizer has no padding token (pad_token), so it cannot pad");
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

        void sequence(Sequence sequence, int keep, int sequenceId, int typeId, List<Offset> offsets) {
            for (int i = 0; i < keep; i++) {
                Token t = sequence.tokens().get(i);
                add(t.value(), t.id(), typeId, sequence.wordIds()[i], offsets.get(i), sequenceId);
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
