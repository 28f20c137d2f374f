package dev.jbert.bert.model;

/**
 * Whether an encoder gets BERT's pooler: transformers builds it for the bare model and sequence classification, never
 * for token classification; other families have none in their classifiers.
 */
public enum PoolerChoice {
    /** Built when the checkpoint has {@code bert.pooler.dense.*}. */
    IF_PRESENT,
    /** Not built, whatever the checkpoint holds. */
    NONE
}
