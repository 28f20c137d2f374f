package dev.jbert.core.data;

/** How each training epoch draws its examples (the CLI's {@code --sampling}); single-label data only for OVER and UNDER. */
public enum Sampling {
    /** Every example once per epoch, shuffled. */
    NONE,
    /** As many draws as examples, with replacement, classes equally likely: {@link dev.jbert.core.imbalance.OverSampler}. */
    OVER,
    /** Every class cut to the rarest class's size, drawn afresh each epoch: {@link dev.jbert.core.imbalance.UnderSampler}. */
    UNDER
}
