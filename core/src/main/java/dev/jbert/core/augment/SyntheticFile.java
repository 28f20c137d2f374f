package dev.jbert.core.augment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.core.ModelFileException;
import dev.jbert.core.data.Column;
import dev.jbert.core.data.DatasetFormat;
import dev.jbert.core.data.TextReadOptions;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The file {@code jbert augment} writes: the training file's format and column names, so {@code train --synthetic}
 * reads it with the same options, plus provenance columns (JSONL fields) on every row. Rows are appended and flushed
 * one at a time, so an interrupted run loses at most the row being written, and a rerun reads what is there and goes
 * on. Not thread-safe.
 */
public final class SyntheticFile implements AutoCloseable {

    /** The provenance columns, after the text, second text and label. */
    public static final List<String> PROVENANCE = List.of("synthetic", "generator", "endpoint_host", "prompt_template",
            "prompt_hash", "temperature", "seed", "request", "shown_examples", "created");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final DatasetFormat format;
    private final Columns columns;
    private Writer out;

    /**
     * The names of the text, second text (or null) and label columns, and the order they are written in (the
     * training file's).
     *
     * @param text  the text column's name
     * @param pair  the second text column's name, or null
     * @param label the label column's name
     * @param order the column names in the training file's order
     */
    public record Columns(String text, String pair, String label, List<String> order) {
        /**
         * Copies the column order.
         *
         * @param order the column names in the training file's order
         * @param text  the text column's name
         * @param pair  the second text column's name, or null
         * @param label the label column's name
         */
        public Columns {
            order = List.copyOf(order);
        }
    }

    /** Where a row came from. */
    public record Provenance(String generator, String endpointHost, String templateId, String templateHash, double temperature,
                             long seed, int request, List<String> shown, String created) {
    }

    /** One written row. */
    public record Row(Candidate candidate, String label, Provenance provenance) {
    }

    /**
     * A synthetic file, not opened until the first read or append.
     *
     * @param file    the file to write, appended to when it exists
     * @param format  the training file's format; not CoNLL
     * @param columns the training file's column names
     * @throws IllegalArgumentException for the CoNLL format
     */
    public SyntheticFile(Path file, DatasetFormat format, Columns columns) {
        if (format == DatasetFormat.CONLL) throw new IllegalArgumentException("token-classification (CoNLL) files cannot be augmented");
        this.file = file;
        this.format = format;
        this.columns = columns;
    }

    /**
     * The column names {@code options} select in {@code trainFile}: a column chosen by name keeps it, a default column
     * is the default name the file has.
     *
     * @param trainFile the training file
     * @param format    its format
     * @param options   the options the training file is read with
     * @param pairs     whether the examples have a second text
     * @return the column names and their order
     * @throws ModelFileException if a column is chosen by index (the file has no header to copy) or is missing
     */
    public static Columns columnsOf(Path trainFile, DatasetFormat format, TextReadOptions options, boolean pairs) {
        List<String> names = header(trainFile, format);
        String text = name(trainFile, options.text(), TextReadOptions.TEXT_DEFAULTS, names, "text");
        String pair = pairs ? name(trainFile, options.pair(), TextReadOptions.PAIR_DEFAULTS, names, "second text") : null;
        String label = name(trainFile, options.label(), TextReadOptions.LABEL_DEFAULTS, names, "label");
        List<String> order = new ArrayList<>(pair == null ? List.of(text, label) : List.of(text, pair, label));
        order.sort(java.util.Comparator.comparingInt(names::indexOf));
        return new Columns(text, pair, label, order);
    }

    private static String name(Path file, Column column, List<String> defaults, List<String> names, String role) {
        if (column.selection() == Column.Selection.INDEX) {
            throw new ModelFileException(file, "the " + role + " column is chosen by index; augment writes the training file's "
                    + "columns by name, so the file needs a header row");
        }
        if (column.selection() == Column.Selection.NAME) {
            if (!names.contains(column.name())) throw new ModelFileException(file, "has no " + role + " column '" + column.name() + "'");
            return column.name();
        }
        for (String d : defaults) if (names.contains(d)) return d;
        throw new ModelFileException(file, "no " + role + " column: none of " + defaults + " in " + names);
    }

    private static List<String> header(Path file, DatasetFormat format) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String first = in.readLine();
            while (first != null && first.isBlank()) first = in.readLine();
            if (first == null) throw new ModelFileException(file, "is empty");
            if (first.startsWith("\uFEFF")) first = first.substring(1);
            if (format == DatasetFormat.JSONL) {
                List<String> out = new ArrayList<>();
                JsonNode o = JSON.readTree(first.strip().startsWith("[") ? first.strip().substring(1) : first);
                o.fieldNames().forEachRemaining(out::add);
                return out;
            }
            if (format == DatasetFormat.TSV) return List.of(first.split("\t", -1));
            try (CSVParser p = CSVFormat.DEFAULT.parse(new java.io.StringReader(first))) {
                return p.getRecords().get(0).toList();
            }
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot read its header: " + e.getMessage());
        }
    }

    /**
     * The rows a previous run wrote, for resuming; a last line cut short by a kill is dropped from the file first.
     * An empty list when the file does not exist.
     *
     * @return the rows, in file order
     * @throws ModelFileException if the file is not one this command wrote with these columns
     */
    public List<Row> existing() {
        if (!Files.exists(file)) return List.of();
        try {
            dropPartialLastLine();
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            List<Row> rows = new ArrayList<>();
            if (lines.isEmpty()) return rows;
            if (format == DatasetFormat.JSONL) {
                for (String line : lines) {
                    if (line.isBlank()) continue;
                    JsonNode o = JSON.readTree(line);
                    rows.add(row(o.path(columns.text()).asText(), columns.pair() == null ? null : o.path(columns.pair()).asText(),
                            o.path(columns.label()).asText(), o.path("request").asInt(), o.path("seed").asLong()));
                }
                return rows;
            }
            List<String> header = format == DatasetFormat.TSV ? List.of(lines.get(0).split("\t", -1)) : parseCsv(lines.get(0));
            if (!header.equals(headerNames())) {
                throw new ModelFileException(file, "exists with other columns " + header + " than this run writes " + headerNames()
                        + "; name another --output, or delete it");
            }
            for (String line : lines.subList(1, lines.size())) {
                if (line.isBlank()) continue;
                List<String> cells = format == DatasetFormat.TSV ? List.of(line.split("\t", -1)) : parseCsv(line);
                rows.add(row(cells.get(header.indexOf(columns.text())), columns.pair() == null ? null : cells.get(header.indexOf(columns.pair())),
                        cells.get(header.indexOf(columns.label())), Integer.parseInt(cells.get(header.indexOf("request"))),
                        Long.parseLong(cells.get(header.indexOf("seed")))));
            }
            return rows;
        } catch (IOException | RuntimeException e) {
            if (e instanceof ModelFileException m) throw m;
            throw new ModelFileException(file, "exists but cannot be read as an earlier augment output (" + e.getMessage()
                    + "); name another --output, or delete it");
        }
    }

    private static Row row(String text, String pair, String label, int request, long seed) {
        return new Row(new Candidate(text, pair), label, new Provenance(null, null, null, null, 0, seed, request, List.of(), null));
    }

    private static List<String> parseCsv(String line) throws IOException {
        try (CSVParser p = CSVFormat.DEFAULT.parse(new java.io.StringReader(line))) {
            List<CSVRecord> records = p.getRecords();
            return records.isEmpty() ? List.of() : records.get(0).toList();
        }
    }

    private void dropPartialLastLine() throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (size == 0) return;
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
            ch.read(b, size - 1);
            if (b.get(0) == '\n') return;
            long keep = size - 1;
            for (; keep > 0; keep--) {
                b.clear();
                ch.read(b, keep - 1);
                if (b.get(0) == '\n') break;
            }
            ch.truncate(keep);
        }
    }

    private List<String> headerNames() {
        List<String> names = new ArrayList<>(columns.order());
        names.addAll(PROVENANCE);
        return names;
    }

    /**
     * Appends one row, and flushes it to the file.
     *
     * @param row the row
     * @throws IOException if the file cannot be written
     */
    public void append(Row row) throws IOException {
        if (out == null) {
            boolean fresh = !Files.exists(file) || Files.size(file) == 0;
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            if (fresh && format != DatasetFormat.JSONL) writeLine(headerNames());
        }
        Provenance p = row.provenance();
        List<String> cells = new ArrayList<>();
        for (String column : columns.order()) {
            cells.add(column.equals(columns.text()) ? row.candidate().text() : column.equals(columns.label()) ? row.label()
                    : row.candidate().textPair());
        }
        cells.addAll(List.of("true", p.generator(), p.endpointHost(), p.templateId(), p.templateHash(), Double.toString(p.temperature()),
                Long.toString(p.seed()), Integer.toString(p.request()), String.join(";", p.shown()), p.created()));
        if (format == DatasetFormat.JSONL) {
            ObjectNode o = JSON.createObjectNode();
            List<String> names = headerNames();
            for (int i = 0; i < names.size(); i++) o.put(names.get(i), cells.get(i));
            o.put("synthetic", true);
            o.put("temperature", p.temperature());
            o.put("seed", p.seed());
            o.put("request", p.request());
            o.remove("shown_examples");
            o.set("shown_examples", JSON.valueToTree(p.shown()));
            out.write(JSON.writeValueAsString(o));
            out.write('\n');
        } else {
            writeLine(cells);
        }
        out.flush();
    }

    private void writeLine(List<String> cells) throws IOException {
        if (format == DatasetFormat.TSV) {
            out.write(String.join("\t", cells.stream().map(c -> c.replace('\t', ' ')).toList()));
            out.write('\n');
            return;
        }
        StringWriter line = new StringWriter();
        try (CSVPrinter printer = new CSVPrinter(line, CSVFormat.DEFAULT.builder().setRecordSeparator("\n").build())) {
            printer.printRecord(cells);
        }
        out.write(line.toString());
    }

    /**
     * The file written.
     *
     * @return the path
     */
    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        if (out != null) out.close();
    }
}
