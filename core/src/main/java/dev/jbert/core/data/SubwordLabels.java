package dev.jbert.core.data;

/**
 * Which tokens of a word carry its tag in token classification, as transformers' {@code run_ner}
 * {@code label_all_tokens}. Special tokens and padding are always ignored (-100).
 */
public enum SubwordLabels {
    /** Only a word's first subword carries its tag; the rest are ignored (-100). The default. */
    FIRST_SUBWORD,
    /**
     * Every subword carries a tag: the first the word's tag, the continuations its inside form
     * ({@code B-X} becomes {@code I-X} when the label set has {@code I-X}). The CLI's {@code --label-all-tokens}.
     */
    ALL_SUBWORDS
}
