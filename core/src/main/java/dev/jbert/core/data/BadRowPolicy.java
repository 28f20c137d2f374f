package dev.jbert.core.data;

/** What a reader does with a row it cannot use (wrong column count, unparsable label, empty text, bad JSON). */
public enum BadRowPolicy {
    /** Stop with an error naming the file, the line and the reason. */
    FAIL,
    /** Leave the row out and record it with its reason (the CLI's {@code --skip-bad-rows}). */
    SKIP
}
