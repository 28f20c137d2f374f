package dev.jbert.core.data;

/** Whether a reader takes labels from the file. */
public enum Labelling {
    /** Training and evaluation: every row needs a label. */
    LABELLED,
    /** Prediction: labels are not read, even when the file has them. */
    UNLABELLED
}
