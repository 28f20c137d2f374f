package dev.jbert.core.train;

import java.util.Locale;

/** When to evaluate or save: transformers' {@code IntervalStrategy}. */
public enum IntervalStrategy {
    NO, STEPS, EPOCH;

    /** Parses transformers' spelling ({@code "no"}, {@code "steps"}, {@code "epoch"}). */
    public static IntervalStrategy parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown strategy '" + name + "': expected no, steps or epoch");
        }
    }
}
