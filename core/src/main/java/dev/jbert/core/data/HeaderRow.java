package dev.jbert.core.data;

/** Whether the first row of a CSV or TSV file names its columns. */
public enum HeaderRow {
    /** The first row holds column names (GLUE, most CSV files). */
    PRESENT,
    /** Every row is data (GoEmotions, SMS Spam); columns are chosen by zero-based index. */
    ABSENT
}
