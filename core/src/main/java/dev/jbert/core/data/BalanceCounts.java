package dev.jbert.core.data;

/**
 * Which training examples count when classes are balanced: by over- or undersampling, and when class weights or
 * BCE's {@code pos_weight} are computed from class frequencies (the CLI's {@code --synthetic-counts-for-balance}).
 */
public enum BalanceCounts {
    /**
     * Real examples only (the default): the balance of the real data is what it would be without synthetic examples,
     * so generated minority examples do not make a class look less rare; the samplers draw the real examples and
     * every synthetic example joins each epoch once.
     */
    REAL,
    /** Real and synthetic examples alike, as one pool. */
    REAL_AND_SYNTHETIC
}
