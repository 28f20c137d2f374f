package dev.jbert.heads;

/** What becomes of a classification head in the checkpoint whose shape differs from the one asked for. */
public enum CheckpointHead {
    /** It is refused, naming the checkpoint's and the asked-for number of labels: a mistake is not trained over. */
    KEEP,
    /** It is discarded and a new head initialised, as transformers' {@code ignore_mismatched_sizes=True}. */
    REPLACE_MISMATCHED
}
