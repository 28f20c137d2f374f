package dev.jbert.core.data;

/** How training examples are put into batches within an epoch. */
public enum LengthGrouping {
    /** In the epoch's shuffled order. */
    NONE,
    /**
     * Examples of similar lengths together (transformers' {@code group_by_length}): less padding, faster epochs; the
     * batches themselves come in shuffled order.
     */
    BY_LENGTH
}
