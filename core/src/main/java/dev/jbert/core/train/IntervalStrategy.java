package dev.jbert.core.train;

import java.util.Locale;

/** When to evaluate or save: transformers' {@code IntervalStrategy}. */
public enum IntervalStrategy {
    /** Never. */
    NO,
    /** Every {@code eval_steps} or {@code save_steps} optimizer steps. */
    STEPS,
    /** At the end of every epoch. */
    EPOCH;

    /**
     * Parses transformers' spelling ({@code "no"}, {@code "steps"}, {@code "epoch"}).
     *
     * @param name the name, in any case, surrounding spaces ignored
     * @return the strategy
     * @throws IllegalArgumentException for another name
     */
    public static IntervalStrategy parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown strategy '" + name + "': expected no, steps or epoch");
        }
    }
}
