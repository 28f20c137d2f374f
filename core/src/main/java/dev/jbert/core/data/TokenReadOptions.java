package dev.jbert.core.data;

/**
 * How {@link TokenReader} reads a token-classification file.
 *
 * <p>CoNLL: the word is column 0 and the tag the last column unless chosen by index (columns are
 * separated by spaces or tabs; there is no header). JSONL: one sentence per object, words in field
 * {@code tokens} or {@code words}, tags in {@code ner_tags}, {@code tags} or {@code labels} (names, or
 * integer ids of a given label set) unless chosen by name.
 *
 * @param format    the file's format (CONLL or JSONL), or null to go by its extension
 * @param words     the word column or field
 * @param tags      the tag column or field (ignored when {@code labelling} is UNLABELLED)
 * @param labelling whether to read tags
 * @param labels    the tag set, or null to infer it from this file (training)
 * @param badRows   stop at a bad sentence or skip it
 */
public record TokenReadOptions(DatasetFormat format, Column words, Column tags, Labelling labelling, LabelSet labels,
                               BadRowPolicy badRows) {

    /**
     * Validates the options.
     *
     * @param format    the file's format (CONLL or JSONL), or null to go by its extension
     * @param words     the word column or field
     * @param tags      the tag column or field (ignored when {@code labelling} is UNLABELLED)
     * @param labelling whether to read tags
     * @param labels    the tag set, or null to infer it from this file (training)
     * @param badRows   stop at a bad sentence or skip it
     * @throws IllegalArgumentException if a field other than {@code format} and {@code labels} is null, the word column
     *                                  is none, tags are read from no column, or the format is neither CoNLL nor JSONL
     */
    public TokenReadOptions {
        if (words == null || tags == null || labelling == null || badRows == null) {
            throw new IllegalArgumentException("only format and labels may be null");
        }
        if (words.selection() == Column.Selection.NONE) {
            throw new IllegalArgumentException("the word column cannot be none");
        }
        if (labelling == Labelling.LABELLED && tags.selection() == Column.Selection.NONE) {
            throw new IllegalArgumentException("tags are to be read but the tag column is none");
        }
        if (format != null && format != DatasetFormat.CONLL && format != DatasetFormat.JSONL) {
            throw new IllegalArgumentException("token-classification data is CoNLL or JSONL, not " + format);
        }
    }

    /**
     * Defaults: format from the extension, default columns, tagged, inferred tag set, FAIL.
     *
     * @return the options
     */
    public static TokenReadOptions defaults() {
        return new TokenReadOptions(null, Column.byDefault(), Column.byDefault(), Labelling.LABELLED, null, BadRowPolicy.FAIL);
    }

    /**
     * These options with another format.
     *
     * @param value CONLL or JSONL, or null to go by the file's extension
     * @return new options
     */
    public TokenReadOptions withFormat(DatasetFormat value) {
        return new TokenReadOptions(value, words, tags, labelling, labels, badRows);
    }

    /**
     * These options with another word column.
     *
     * @param value the word column or field; not {@link Column#none()}
     * @return new options
     */
    public TokenReadOptions withWordColumn(Column value) {
        return new TokenReadOptions(format, value, tags, labelling, labels, badRows);
    }

    /**
     * These options with another tag column.
     *
     * @param value the tag column or field
     * @return new options
     */
    public TokenReadOptions withTagColumn(Column value) {
        return new TokenReadOptions(format, words, value, labelling, labels, badRows);
    }

    /**
     * These options, reading tags or not.
     *
     * @param value whether to read tags
     * @return new options
     */
    public TokenReadOptions withLabelling(Labelling value) {
        return new TokenReadOptions(format, words, tags, value, labels, badRows);
    }

    /**
     * Reads tags against this set (null: infer from the file).
     *
     * @param value the tag set, or null
     * @return new options
     */
    public TokenReadOptions withLabels(LabelSet value) {
        return new TokenReadOptions(format, words, tags, labelling, value, badRows);
    }

    /**
     * These options with another policy for bad sentences.
     *
     * @param value whether to stop at a bad sentence or skip it
     * @return new options
     */
    public TokenReadOptions withBadRows(BadRowPolicy value) {
        return new TokenReadOptions(format, words, tags, labelling, labels, value);
    }
}
