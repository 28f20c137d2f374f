package dev.jbert.heads;

/** Which of a classifier's parameters training updates. */
public enum TrainedParameters {
    /** The encoder and the head: full fine-tuning. */
    ALL,
    /** The head alone; the encoder stays as loaded (a frozen feature extractor). */
    HEAD_ONLY
}
