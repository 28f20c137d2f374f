package dev.jbert.core.data;

/** How each training epoch draws its examples (the CLI's {@code --sampling}); OVER for single-label and multi-label data, UNDER for single-label data. */
public enum Sampling {
    /** Every example once per epoch, shuffled. */
    NONE,
    /**
     * As many draws as examples, with replacement, classes equally likely (multi-label: by each example's rarest
     * label): {@link dev.jbert.core.imbalance.OverSampler}.
     */
    OVER,
    /** Every class cut to the rarest class's size, drawn afresh each epoch: {@link dev.jbert.core.imbalance.UnderSampler}. */
    UNDER
}
