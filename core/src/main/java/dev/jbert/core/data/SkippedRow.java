package dev.jbert.core.data;

/**
 * A row left out under {@link BadRowPolicy#SKIP}.
 *
 * @param source where the row starts
 * @param reason why it could not be used
 */
public record SkippedRow(SourceLine source, String reason) {

    @Override
    public String toString() {
        return "line " + source.line() + ": " + reason;
    }
}
