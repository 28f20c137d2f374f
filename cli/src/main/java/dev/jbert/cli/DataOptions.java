package dev.jbert.cli;

import dev.jbert.core.data.BadRowPolicy;
import dev.jbert.core.data.Column;
import dev.jbert.core.data.DatasetFormat;
import dev.jbert.core.data.HeaderRow;
import dev.jbert.core.data.LabelSet;
import dev.jbert.core.data.Task;
import dev.jbert.core.data.TextReadOptions;
import dev.jbert.core.data.TokenReadOptions;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** How to read a data file: the options train, eval and predict share. */
final class DataOptions {

    @Option(names = "--format", description = "csv, tsv, jsonl or conll (default: from the file extension).")
    String format;

    @Option(names = "--text-column", description = "Text column: a header name or a 0-based index (default: text, sentence or sentence1).")
    String textColumn;

    @Option(names = "--text-pair-column", description = "Second text column for sentence pairs (default: sentence2 or text_pair when present).")
    String pairColumn;

    @Option(names = "--label-column", description = "Label column: a header name or a 0-based index (default: label).")
    String labelColumn;

    @Option(names = "--no-header", description = "The CSV/TSV file has no header row (select columns by index).")
    boolean noHeader;

    @Option(names = "--labels", description = "The label set, in order: a comma-separated list, or a file with one name per line (default: inferred from the training file, sorted).")
    String labels;

    @Option(names = "--multi-label-delimiter", defaultValue = ",", description = "Separator of several labels in one cell (default: ${DEFAULT-VALUE}).")
    String multiLabelDelimiter;

    @Option(names = "--skip-bad-rows", description = "Skip and count rows that cannot be read, instead of stopping at the first.")
    boolean skipBadRows;

    @Option(names = "--max-seq-length", defaultValue = "128", description = "Tokens per example, special tokens included (default: ${DEFAULT-VALUE}).")
    int maxSeqLength;

    TextReadOptions text(Task task, boolean labelled) {
        TextReadOptions o = labelled ? TextReadOptions.forTask(task) : TextReadOptions.forPrediction(task);
        if (format != null) o = o.withFormat(DatasetFormat.parse(format));
        if (noHeader) o = o.withHeader(HeaderRow.ABSENT);
        if (textColumn != null) o = o.withTextColumn(Column.parse(textColumn));
        if (pairColumn != null) o = o.withPairColumn(Column.parse(pairColumn));
        if (labelColumn != null && labelled) o = o.withLabelColumn(Column.parse(labelColumn));
        o = o.withMultiLabelDelimiter(multiLabelDelimiter);
        if (skipBadRows) o = o.withBadRows(BadRowPolicy.SKIP);
        LabelSet given = givenLabels();
        return given == null ? o : o.withLabels(given);
    }

    TokenReadOptions tokens() {
        TokenReadOptions o = TokenReadOptions.defaults();
        if (format != null) o = o.withFormat(DatasetFormat.parse(format));
        if (labelColumn != null) o = o.withTagColumn(Column.parse(labelColumn));
        if (skipBadRows) o = o.withBadRows(BadRowPolicy.SKIP);
        LabelSet given = givenLabels();
        return given == null ? o : o.withLabels(given);
    }

    /** --labels as a file of names or an inline list; null when not given. */
    LabelSet givenLabels() {
        if (labels == null) return null;
        Path file = Path.of(labels);
        if (Files.isRegularFile(file)) return LabelSet.readNames(file);
        return LabelSet.of(Arrays.stream(labels.split(",")).map(String::strip).toList());
    }
}
