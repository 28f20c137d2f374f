package dev.jbert.core.data;

import dev.jbert.core.ModelFileException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;

/** Rows of a CSV or TSV file: cells by position, checked against the header's (or first row's) width. */
final class TabularRows {

    private TabularRows() {
    }

    /** One record's cells and the line it starts on. */
    private record Cells(long line, List<String> values) {
    }

    private interface CellSource {
        /** The next non-empty record, or null at the end. */
        Cells next() throws IOException;
    }

    static List<RawRow> read(Path file, DatasetFormat format, TextReadOptions options, BadRows bad) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            CellSource cells = format == DatasetFormat.TSV ? tsv(reader) : csv(file, reader);
            Cells first = cells.next();
            if (first == null) return List.of();
            List<String> header = null;
            if (options.header() == HeaderRow.PRESENT) {
                header = new ArrayList<>();
                for (String name : first.values()) header.add(name.strip());
            }
            int width = first.values().size();
            ColumnPlan plan = ColumnPlan.resolve(file, options, header, width, "the header has columns");
            List<RawRow> rows = new ArrayList<>();
            for (Cells c = header != null ? cells.next() : first; c != null; c = cells.next()) {
                try {
                    rows.add(row(c, width, header != null, format, plan, options));
                } catch (RowProblem p) {
                    bad.report(c.line(), p.getMessage());
                }
            }
            return rows;
        }
    }

    private static RawRow row(Cells c, int width, boolean hasHeader, DatasetFormat format, ColumnPlan plan,
                              TextReadOptions options) throws RowProblem {
        List<String> v = c.values();
        if (v.size() != width) {
            String hint = format == DatasetFormat.TSV && v.size() > width ? "; a tab inside a text?"
                    : format == DatasetFormat.CSV && v.size() > width ? "; a comma inside an unquoted text?" : "";
            throw new RowProblem(v.size() + " columns, but the " + (hasHeader ? "header" : "first row") + " has "
                    + width + hint);
        }
        String text = v.get(plan.text());
        if (text.isBlank()) throw new RowProblem("empty text in " + plan.textName());
        String pair = null;
        if (plan.pair() >= 0) {
            pair = v.get(plan.pair());
            if (pair.isBlank()) throw new RowProblem("empty second text in " + plan.pairName());
        }
        List<String> labels = plan.label() < 0 ? null
                : labelCell(v.get(plan.label()), plan.labelName(), options.task(), options.multiLabelDelimiter());
        return new RawRow(c.line(), text, pair, labels);
    }

    /** A label cell as written: one value, or for multi-label the delimited values (none when empty). */
    static List<String> labelCell(String cell, String column, Task task, String delimiter) throws RowProblem {
        String s = cell.strip();
        if (task == Task.MULTI_LABEL) {
            List<String> out = new ArrayList<>();
            for (String part : s.split(Pattern.quote(delimiter), -1)) {
                String p = part.strip();
                if (!p.isEmpty()) out.add(p);
            }
            return out;
        }
        if (s.isEmpty()) throw new RowProblem("empty label in " + column);
        return List.of(s);
    }

    /** GLUE's TSV: split on tabs, no quote processing at all, empty lines ignored. */
    private static CellSource tsv(Reader reader) {
        LineReader lines = new LineReader(reader);
        return () -> {
            for (String line = lines.next(); line != null; line = lines.next()) {
                if (!line.isEmpty()) return new Cells(lines.lineNumber(), List.of(line.split("\t", -1)));
            }
            return null;
        };
    }

    /** RFC 4180 CSV through Commons CSV, empty lines ignored; a record may span lines inside quotes. */
    private static CellSource csv(Path file, Reader reader) throws IOException {
        CSVParser parser = CSVFormat.DEFAULT.parse(reader);
        Iterator<CSVRecord> records = parser.iterator();
        boolean[] first = {true};
        return () -> {
            try {
                if (!records.hasNext()) return null;
                CSVRecord r = records.next();
                List<String> values = new ArrayList<>(r.toList());
                if (first[0] && !values.isEmpty() && values.get(0).startsWith("\uFEFF")) {
                    values.set(0, values.get(0).substring(1));
                }
                first[0] = false;
                // the parser counts lines up to the record's end; its start is that less the breaks inside quotes
                return new Cells(parser.getCurrentLineNumber() - lineBreaks(values), values);
            } catch (UncheckedIOException e) {
                if (e.getCause() instanceof CharacterCodingException cce) throw cce;
                // the quoting is broken: where the next record starts is unknowable, so even SKIP cannot go on
                throw new ModelFileException(file, "line " + parser.getCurrentLineNumber() + ": malformed CSV ("
                        + e.getCause().getMessage() + "); quote a field that holds commas, quotes or line breaks, "
                        + "and double the quotes inside it", e);
            }
        };
    }

    private static long lineBreaks(List<String> values) {
        long n = 0;
        for (String v : values) {
            for (int i = 0; i < v.length(); i++) {
                char ch = v.charAt(i);
                if (ch == '\n' || (ch == '\r' && (i + 1 == v.length() || v.charAt(i + 1) != '\n'))) n++;
            }
        }
        return n;
    }
}
