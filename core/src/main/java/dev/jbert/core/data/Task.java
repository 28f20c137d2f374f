package dev.jbert.core.data;

import java.util.Locale;

/** What the labels mean, which fixes how they are read and laid out in {@link Batch#labels()}. */
public enum Task {
    /** One class per text: labels int32 {@code [B]}. */
    SINGLE_LABEL,
    /** Any set of classes per text: labels float32 multi-hot {@code [B, C]}. */
    MULTI_LABEL,
    /** A real value per text: labels float32 {@code [B]}. */
    REGRESSION,
    /** A tag per word: labels int32 {@code [B, T]}, -100 where no tag applies. */
    TOKEN_CLASSIFICATION;

    /**
     * A task as the command line names it: {@code single-label}, {@code multi-label}, {@code regression},
     * {@code token} (or the constant names, any case, with {@code -} or {@code _}).
     *
     * @param name the task's name
     * @return the task
     */
    public static Task parse(String name) {
        String n = name == null ? "" : name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        if (n.equals("TOKEN")) return TOKEN_CLASSIFICATION;
        for (Task t : values()) {
            if (t.name().equals(n)) return t;
        }
        throw new IllegalArgumentException("unknown task '" + name + "'; expected single-label, multi-label, regression or token");
    }

    /**
     * Whether labels are class ids from a {@link LabelSet}.
     *
     * @return false for regression only
     */
    public boolean hasClasses() {
        return this != REGRESSION;
    }
}
