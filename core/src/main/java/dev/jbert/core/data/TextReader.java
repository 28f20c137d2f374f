package dev.jbert.core.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jbert.core.ModelFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads text examples (single texts or pairs, with class names or ids, label lists or numbers) from
 * CSV, TSV or JSONL files. See {@link TextReadOptions} for the column defaults.
 *
 * <pre>{@code
 * Dataset<TextExample> train = TextReader.read(trainFile, TextReadOptions.forTask(Task.SINGLE_LABEL));
 * Dataset<TextExample> dev = TextReader.read(devFile, TextReadOptions.forTask(Task.SINGLE_LABEL)
 *         .withLabels(train.labels()));
 * }</pre>
 *
 * <p>A bad row (wrong column count, empty text, a label that is not a number or not in the label set,
 * invalid JSON) throws {@link ModelFileException} as {@code "file: line N: reason"}, or is skipped and
 * listed in {@link Dataset#skipped()} under {@link BadRowPolicy#SKIP}. Problems with the file as a whole
 * (missing, empty, no such column, not UTF-8, broken CSV quoting) always throw.
 */
public final class TextReader {

    private static final Logger LOG = LoggerFactory.getLogger(TextReader.class);

    private TextReader() {
    }

    /**
     * Reads {@code file}.
     *
     * @param file    a CSV, TSV or JSONL file
     * @param options the format, columns, task, labelling and bad-row policy
     * @return the examples, their label set and the rows skipped
     * @throws ModelFileException naming the file (and the line, for a row) when it cannot be used
     */
    public static Dataset<TextExample> read(Path file, TextReadOptions options) {
        DatasetFormat format = options.format() != null ? options.format() : DatasetFormat.of(file);
        if (format == DatasetFormat.CONLL) {
            throw new ModelFileException(file, "CoNLL files hold token-classification data; read them with TokenReader");
        }
        BadRows bad = new BadRows(file, options.badRows());
        List<RawRow> rows = DataFiles.read(file, () -> format == DatasetFormat.JSONL ? jsonRows(file, options, bad) : TabularRows.read(file, format, options, bad));
        if (rows.isEmpty()) throw bad.noExamples("rows");
        return DataFiles.logged(LOG, resolve(file, rows, options, bad), "rows", "labels");
    }

    private static Dataset<TextExample> resolve(Path file, List<RawRow> rows, TextReadOptions options, BadRows bad) {
        Task task = options.task();
        boolean labelled = options.labelling() == Labelling.LABELLED;
        LabelSet labels = null;
        if (labelled && task.hasClasses()) {
            labels = options.labels() != null ? options.labels() : infer(file, rows, task);
        }
        List<TextExample> examples = new ArrayList<>(rows.size());
        for (RawRow row : rows) {
            try {
                Label label = labelled ? label(row.labels(), task, labels) : Label.NONE;
                examples.add(new TextExample(row.text(), row.pair(), label, new SourceLine(file, row.line())));
            } catch (RowProblem p) {
                bad.report(row.line(), p.getMessage());
            }
        }
        if (examples.isEmpty()) throw bad.noExamples("usable rows");
        return new Dataset<>(file, examples, labels, bad.skipped());
    }

    /** The sorted set of every label the rows use. */
    private static LabelSet infer(Path file, List<RawRow> rows, Task task) {
        Set<String> seen = new LinkedHashSet<>();
        for (RawRow row : rows) seen.addAll(row.labels());
        if (seen.isEmpty()) {
            throw new ModelFileException(file, "no labels: every row's label list is empty");
        }
        LabelSet labels = LabelSet.inferred(seen);
        if (task == Task.SINGLE_LABEL && labels.size() < 2) {
            throw new ModelFileException(file, "single-label classification needs at least 2 labels, but every row is labelled '"
                    + labels.name(0) + "'");
        }
        if (labels.size() > 1000 || (rows.size() >= 20 && labels.size() > rows.size() / 2)) {
            // most likely the wrong column: each text's label is different
            LOG.warn("{}: {} distinct labels in {} rows; is the label column right?", file, labels.size(), rows.size());
        }
        return labels;
    }

    private static Label label(List<String> written, Task task, LabelSet labels) throws RowProblem {
        switch (task) {
            case SINGLE_LABEL:
                return Label.classIndex(classId(written.get(0), labels));
            case MULTI_LABEL:
                List<Integer> ids = new ArrayList<>(written.size());
                for (String w : written) ids.add(classId(w, labels));
                return Label.classSet(ids);
            case REGRESSION:
                return Label.value(number(written.get(0)));
            default:
                throw new IllegalStateException(task.name());
        }
    }

    private static int classId(String written, LabelSet labels) throws RowProblem {
        int id = labels.resolve(written);
        if (id < 0) {
            throw new RowProblem("unknown label '" + written + "'; the known labels are " + labels.describe());
        }
        return id;
    }

    private static double number(String written) throws RowProblem {
        double v;
        try {
            v = Double.parseDouble(written);
        } catch (NumberFormatException e) {
            throw new RowProblem("label '" + written + "' is not a number (regression needs a real-valued label)");
        }
        if (!Double.isFinite(v)) throw new RowProblem("label '" + written + "' is not a finite number");
        return v;
    }

    // ---- JSONL ------------------------------------------------------------------------------------------

    private static List<RawRow> jsonRows(Path file, TextReadOptions options, BadRows bad) throws IOException {
        for (Column c : List.of(options.text(), options.pair(), options.label())) {
            if (c.selection() == Column.Selection.INDEX) {
                throw new ModelFileException(file, "JSON fields are chosen by name, not by index (" + c + ")");
            }
        }
        List<RawRow> rows = new ArrayList<>();
        String textField = null, pairField = null, labelField = null;
        boolean planned = false;
        for (JsonLines.Entry entry : JsonLines.read(file, bad)) {
            JsonNode o = entry.node();
            if (!planned) {
                // the first object fixes the fields, so a wrong field name fails at once rather than on every row
                List<String> fields = JsonLines.fieldNames(o);
                ColumnPlan plan = ColumnPlan.resolve(file, options, fields, fields.size(),
                        "the first object (line " + entry.line() + ") has fields");
                textField = ColumnPlan.name(fields, plan.text());
                pairField = ColumnPlan.name(fields, plan.pair());
                labelField = ColumnPlan.name(fields, plan.label());
                planned = true;
            }
            try {
                String text = jsonText(o, textField, "text");
                String pair = pairField == null ? null : jsonText(o, pairField, "second text");
                List<String> labels = labelField == null ? null
                        : jsonLabel(o.get(labelField), labelField, options.task(), options.multiLabelDelimiter());
                rows.add(new RawRow(entry.line(), text, pair, labels));
            } catch (RowProblem p) {
                bad.report(entry.line(), p.getMessage());
            }
        }
        return rows;
    }

    private static String jsonText(JsonNode o, String field, String role) throws RowProblem {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) throw new RowProblem("no " + role + ": field '" + field + "' is " + JsonLines.describe(n));
        if (!n.isTextual()) throw new RowProblem("the " + role + " field '" + field + "' is " + JsonLines.describe(n) + ", not a string");
        if (n.asText().isBlank()) throw new RowProblem("empty " + role + " in field '" + field + "'");
        return n.asText();
    }

    private static List<String> jsonLabel(JsonNode n, String field, Task task, String delimiter) throws RowProblem {
        if (n == null || n.isNull()) throw new RowProblem("no label: field '" + field + "' is " + JsonLines.describe(n));
        if (task == Task.MULTI_LABEL) {
            if (n.isArray()) {
                List<String> out = new ArrayList<>();
                for (int i = 0; i < n.size(); i++) {
                    String v = scalar(n.get(i), task);
                    if (v == null || v.isBlank()) {
                        throw new RowProblem("element " + i + " of the label list in field '" + field + "' is "
                                + JsonLines.describe(n.get(i)) + "; expected a label name or id");
                    }
                    out.add(v.strip());
                }
                return out;
            }
            if (n.isTextual()) return TabularRows.labelCell(n.asText(), "field '" + field + "'", task, delimiter);
        }
        String v = scalar(n, task);
        if (v == null) {
            String hint = n.isArray() && task == Task.SINGLE_LABEL ? "; a list of labels needs the multi-label task" : "";
            throw new RowProblem("the label field '" + field + "' is " + JsonLines.describe(n)
                    + (task == Task.REGRESSION ? "; expected a number" : "; expected a label name or id") + hint);
        }
        return TabularRows.labelCell(v, "field '" + field + "'", task, delimiter);
    }

    /** A string, integral number or boolean as its text (a regression label also any number); null otherwise. */
    private static String scalar(JsonNode n, Task task) {
        if (n.isTextual()) return n.asText();
        if (n.isNumber()) {
            if (task == Task.REGRESSION) return n.asText();
            if (n.isIntegralNumber()) return n.bigIntegerValue().toString();
            double d = n.doubleValue();
            // 1.0 is class 1; 0.5 is no class
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : null;
        }
        if (n.isBoolean()) return n.asText();
        return null;
    }
}
