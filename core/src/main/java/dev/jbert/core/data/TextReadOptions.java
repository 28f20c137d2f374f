package dev.jbert.core.data;

import java.util.List;

/**
 * How {@link TextReader} reads a CSV, TSV or JSONL file. Start from {@link #forTask} and change what
 * differs with the {@code with...} methods.
 *
 * <p>Column defaults ({@link Column#byDefault()}), matched against the header or the JSON fields: text
 * {@code text}, {@code sentence}, {@code sentence1}; second text {@code sentence2}, {@code text_pair}
 * (none if absent); label {@code label}, {@code labels}. A file without a header row needs the text and
 * label columns by index.
 *
 * @param format              the file's format, or null to go by its extension
 * @param header              whether a CSV or TSV file starts with column names (ignored for JSONL)
 * @param text                the text column; not {@link Column#none()}
 * @param pair                the second text column of sentence pairs
 * @param label               the label column (ignored when {@code labelling} is UNLABELLED)
 * @param task                how labels are read: a class name or id, a list of them, or a number
 * @param labelling           whether to read labels
 * @param multiLabelDelimiter separates the labels of a multi-label cell written as one string ({@code "4,27"})
 * @param labels              the label set, or null to infer it from this file (training); give the
 *                            training set's when reading validation or test files
 * @param badRows             stop at a bad row or skip it
 */
public record TextReadOptions(DatasetFormat format, HeaderRow header, Column text, Column pair, Column label,
                              Task task, Labelling labelling, String multiLabelDelimiter, LabelSet labels,
                              BadRowPolicy badRows) {

    /** The text column's default names, the first present wins. */
    public static final List<String> TEXT_DEFAULTS = List.of("text", "sentence", "sentence1");
    /** The second text column's default names. */
    public static final List<String> PAIR_DEFAULTS = List.of("sentence2", "text_pair");
    /** The label column's default names. */
    public static final List<String> LABEL_DEFAULTS = List.of("label", "labels");

    /**
     * Validates the options.
     *
     * @param format              the file's format, or null to go by its extension
     * @param header              whether a CSV or TSV file starts with column names (ignored for JSONL)
     * @param text                the text column; not {@link Column#none()}
     * @param pair                the second text column of sentence pairs
     * @param label               the label column (ignored when {@code labelling} is UNLABELLED)
     * @param task                how labels are read: a class name or id, a list of them, or a number
     * @param labelling           whether to read labels
     * @param multiLabelDelimiter separates the labels of a multi-label cell written as one string ({@code "4,27"})
     * @param labels              the label set, or null to infer it from this file (training); give the
     *                            training set's when reading validation or test files
     * @param badRows             stop at a bad row or skip it
     * @throws IllegalArgumentException if a field other than {@code format} and {@code labels} is null, the text
     *                                  column is none, the delimiter is empty, or the task and the labelling or label
     *                                  set disagree
     */
    public TextReadOptions {
        if (header == null || text == null || pair == null || label == null || task == null || labelling == null
                || badRows == null) {
            throw new IllegalArgumentException("only format and labels may be null");
        }
        if (text.selection() == Column.Selection.NONE) {
            throw new IllegalArgumentException("the text column cannot be none");
        }
        if (multiLabelDelimiter == null || multiLabelDelimiter.isEmpty()) {
            throw new IllegalArgumentException("the multi-label delimiter must not be empty");
        }
        if (task == Task.TOKEN_CLASSIFICATION && labelling == Labelling.LABELLED) {
            throw new IllegalArgumentException("labelled token-classification data is word lists: read it with TokenReader");
        }
        if (labels != null && task == Task.REGRESSION) {
            throw new IllegalArgumentException("regression has no label set");
        }
    }

    /**
     * Defaults for a task: format from the extension, a header row, default columns, labelled (unlabelled
     * for token classification, whose labelled data {@link TokenReader} reads), delimiter ",", labels
     * inferred, bad rows FAIL.
     *
     * @param task the task
     * @return the options
     */
    public static TextReadOptions forTask(Task task) {
        return new TextReadOptions(null, HeaderRow.PRESENT, Column.byDefault(), Column.byDefault(), Column.byDefault(),
                task, task == Task.TOKEN_CLASSIFICATION ? Labelling.UNLABELLED : Labelling.LABELLED, ",", null,
                BadRowPolicy.FAIL);
    }

    /**
     * Defaults for reading texts to predict: no labels.
     *
     * @param task the task the model was trained for
     * @return the options
     */
    public static TextReadOptions forPrediction(Task task) {
        return forTask(task).withLabelling(Labelling.UNLABELLED);
    }

    /**
     * These options with another format.
     *
     * @param value the format, or null to go by the file's extension
     * @return new options
     */
    public TextReadOptions withFormat(DatasetFormat value) {
        return new TextReadOptions(value, header, text, pair, label, task, labelling, multiLabelDelimiter, labels, badRows);
    }

    /**
     * These options with another header setting.
     *
     * @param value whether a CSV or TSV file starts with column names
     * @return new options
     */
    public TextReadOptions withHeader(HeaderRow value) {
        return new TextReadOptions(format, value, text, pair, label, task, labelling, multiLabelDelimiter, labels, badRows);
    }

    /**
     * These options with another text column.
     *
     * @param value the text column; not {@link Column#none()}
     * @return new options
     */
    public TextReadOptions withTextColumn(Column value) {
        return new TextReadOptions(format, header, value, pair, label, task, labelling, multiLabelDelimiter, labels, badRows);
    }

    /**
     * These options with another second text column.
     *
     * @param value the second text column, or {@link Column#none()} for single texts
     * @return new options
     */
    public TextReadOptions withPairColumn(Column value) {
        return new TextReadOptions(format, header, text, value, label, task, labelling, multiLabelDelimiter, labels, badRows);
    }

    /**
     * These options with another label column.
     *
     * @param value the label column
     * @return new options
     */
    public TextReadOptions withLabelColumn(Column value) {
        return new TextReadOptions(format, header, text, pair, value, task, labelling, multiLabelDelimiter, labels, badRows);
    }

    /**
     * These options, reading labels or not.
     *
     * @param value whether to read labels
     * @return new options
     */
    public TextReadOptions withLabelling(Labelling value) {
        return new TextReadOptions(format, header, text, pair, label, task, value, multiLabelDelimiter, labels, badRows);
    }

    /**
     * These options with another multi-label delimiter.
     *
     * @param value separates the labels of a multi-label cell, not empty
     * @return new options
     */
    public TextReadOptions withMultiLabelDelimiter(String value) {
        return new TextReadOptions(format, header, text, pair, label, task, labelling, value, labels, badRows);
    }

    /**
     * Reads labels against this set (null: infer from the file).
     *
     * @param value the label set, or null
     * @return new options
     */
    public TextReadOptions withLabels(LabelSet value) {
        return new TextReadOptions(format, header, text, pair, label, task, labelling, multiLabelDelimiter, value, badRows);
    }

    /**
     * These options with another policy for bad rows.
     *
     * @param value whether to stop at a bad row or skip it
     * @return new options
     */
    public TextReadOptions withBadRows(BadRowPolicy value) {
        return new TextReadOptions(format, header, text, pair, label, task, labelling, multiLabelDelimiter, labels, value);
    }
}
