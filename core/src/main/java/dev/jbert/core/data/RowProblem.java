package dev.jbert.core.data;

/** Why one row cannot be used; caught by the reader's row loop and handed to {@link BadRows}. */
final class RowProblem extends Exception {

    RowProblem(String reason) {
        // no stack trace: with SKIP a file may produce thousands of these, and only the reason is shown
        super(reason, null, false, false);
    }
}
