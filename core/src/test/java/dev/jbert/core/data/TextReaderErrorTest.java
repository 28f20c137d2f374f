package dev.jbert.core.data;

import dev.jbert.core.ModelFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.jbert.core.data.TestFiles.resource;
import static dev.jbert.core.data.TestFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every way a text file can be unusable: each error names the file, and the line for a row. */
class TextReaderErrorTest {

    private static final TextReadOptions SINGLE = TextReadOptions.forTask(Task.SINGLE_LABEL);

    @TempDir
    Path dir;

    /** Reads and expects a row error "file: line N: ..." containing every fragment. */
    private static ModelFileException rowError(Path file, TextReadOptions options, long line, String... fragments) {
        ModelFileException e = assertThrows(ModelFileException.class, () -> TextReader.read(file, options));
        assertEquals(file, e.file());
        assertTrue(e.getMessage().startsWith(file + ": line " + line + ": "), e.getMessage());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + f + "' missing from: " + e.getMessage());
        return e;
    }

    /** Reads and expects a file error "file: ..." containing every fragment. */
    private static ModelFileException fileError(Path file, TextReadOptions options, String... fragments) {
        ModelFileException e = assertThrows(ModelFileException.class, () -> TextReader.read(file, options));
        assertEquals(file, e.file());
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + f + "' missing from: " + e.getMessage());
        return e;
    }

    @Test
    void tsvRowWithAnExtraTab() {
        Path f = write(dir, "a.tsv", "sentence\tlabel\ngood\t1\nbad\ttab\t0\nok\t0\n");
        rowError(f, SINGLE, 3, "3 columns, but the header has 2", "a tab inside a text?");
    }

    @Test
    void tsvRowWithTooFewColumns() {
        Path f = write(dir, "a.tsv", "sentence\tlabel\ngood\t1\nno label here\n");
        rowError(f, SINGLE, 3, "1 columns, but the header has 2");
    }

    @Test
    void csvRowWithAnUnquotedComma() {
        Path f = write(dir, "a.csv", "text,label\ngood,pos\nbad, really bad,neg\n");
        rowError(f, SINGLE, 3, "3 columns", "a comma inside an unquoted text?");
    }

    @Test
    void emptyText() {
        Path f = write(dir, "a.tsv", "sentence\tlabel\ngood\t1\n   \t0\n");
        rowError(f, SINGLE, 3, "empty text in 'sentence'");
    }

    @Test
    void emptySecondText() {
        Path f = write(dir, "a.tsv", "sentence1\tsentence2\tlabel\na\tb\t1\nc\t\t0\n");
        rowError(f, SINGLE, 3, "empty second text in 'sentence2'");
    }

    @Test
    void emptyLabel() {
        Path f = write(dir, "a.tsv", "sentence\tlabel\ngood\t1\nbad\t \nugly\t0\n");
        rowError(f, SINGLE, 3, "empty label in 'label'");
    }

    @Test
    void regressionLabelThatIsNotANumber() {
        Path f = write(dir, "a.tsv", "sentence\tlabel\ngood\t1.5\nbad\thigh\n");
        rowError(f, TextReadOptions.forTask(Task.REGRESSION), 3, "label 'high' is not a number");
    }

    @Test
    void regressionLabelThatIsNotFinite() {
        Path f = write(dir, "a.tsv", "sentence\tlabel\ngood\t1.5\nbad\tNaN\n");
        rowError(f, TextReadOptions.forTask(Task.REGRESSION), 3, "not a finite number");
    }

    @Test
    void labelTheTrainingSetNeverSaw() {
        Path train = write(dir, "train.tsv", "sentence\tlabel\na\tnegative\nb\tpositive\n");
        Path dev = write(dir, "dev.tsv", "sentence\tlabel\nc\tpositive\nd\tmaybe\n");
        LabelSet labels = TextReader.read(train, SINGLE).labels();
        rowError(dev, SINGLE.withLabels(labels), 3, "unknown label 'maybe'", "[negative, positive]");
    }

    @Test
    void numericLabelsAreNeverTakenAsIds() {
        // training saw "1".."3"; a "0" must be an unknown name, not silently id 0 (which is "1")
        Path train = write(dir, "train.tsv", "sentence\tlabel\na\t1\nb\t2\nc\t3\n");
        Path dev = write(dir, "dev.tsv", "sentence\tlabel\nd\t0\n");
        LabelSet labels = TextReader.read(train, SINGLE).labels();
        rowError(dev, SINGLE.withLabels(labels), 2, "unknown label '0'", "[1, 2, 3]");
    }

    @Test
    void unknownMultiLabelName() {
        Path f = write(dir, "a.jsonl", "{\"text\": \"x\", \"label\": [\"joy\", \"glee\"]}\n");
        rowError(f, TextReadOptions.forTask(Task.MULTI_LABEL).withLabels(LabelSet.of(List.of("anger", "joy"))), 1,
                "unknown label 'glee'", "[anger, joy]");
    }

    @Test
    void invalidJsonLine() {
        Path f = write(dir, "a.jsonl", "{\"text\": \"fine\", \"label\": \"a\"}\n{\"text\": \"broken\", \"label\": \n");
        rowError(f, SINGLE, 2, "not valid JSON");
    }

    @Test
    void jsonWithTrailingJunk() {
        Path f = write(dir, "a.jsonl", "{\"text\": \"fine\", \"label\": \"a\"}\n{\"text\": \"x\", \"label\": \"b\"} junk\n");
        rowError(f, SINGLE, 2, "not valid JSON");
    }

    @Test
    void jsonLineThatIsNotAnObject() {
        Path f = write(dir, "a.jsonl", "{\"text\": \"fine\", \"label\": \"a\"}\n[1, 2]\n");
        rowError(f, SINGLE, 2, "expected a JSON object, found a list");
    }

    @Test
    void jsonTextThatIsNotAString() {
        Path f = write(dir, "a.jsonl", "{\"text\": \"fine\", \"label\": \"a\"}\n{\"text\": 42, \"label\": \"b\"}\n");
        rowError(f, SINGLE, 2, "the text field 'text' is a number (42), not a string");
    }

    @Test
    void jsonRowWithoutItsLabel() {
        Path f = write(dir, "a.jsonl", "{\"text\": \"fine\", \"label\": \"a\"}\n{\"text\": \"b\"}\n");
        rowError(f, SINGLE, 2, "no label: field 'label' is missing");
    }

    @Test
    void jsonListLabelInASingleLabelTask() {
        Path f = write(dir, "a.jsonl", "{\"text\": \"fine\", \"label\": \"a\"}\n{\"text\": \"b\", \"label\": [\"a\", \"b\"]}\n");
        rowError(f, SINGLE, 2, "is a list", "needs the multi-label task");
    }

    @Test
    void jsonFractionalClassLabel() {
        Path f = write(dir, "a.jsonl", "{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\", \"label\": 0.5}\n");
        rowError(f, SINGLE, 2, "a number (0.5)");
    }

    @Test
    void jsonArrayFileWithASyntaxErrorStopsEvenWhenSkipping() {
        Path f = write(dir, "a.json", "[\n {\"text\": \"a\", \"label\": 1},\n {\"text\": \"b\" \"label\": 0}\n]\n");
        rowError(f, SINGLE.withBadRows(BadRowPolicy.SKIP), 3, "not valid JSON");
    }

    @Test
    void malformedCsvQuotingStopsEvenWhenSkipping() {
        Path f = write(dir, "a.csv", "text,label\ngood,pos\n\"bad\"x,neg\nfine,neg\n");
        rowError(f, SINGLE.withBadRows(BadRowPolicy.SKIP), 3, "malformed CSV", "double the quotes");
    }

    @Test
    void badLastCsvLineWithoutNewline() {
        Path f = write(dir, "a.csv", "text,label\ngood,pos\n\"two\nlines\",neg\nlast,x,neg");
        rowError(f, SINGLE, 5, "3 columns");
    }

    @Test
    void emptyFile() {
        Path f = write(dir, "a.tsv", "");
        fileError(f, SINGLE, "no examples", "holds no rows");
    }

    @Test
    void headerOnly() {
        Path f = write(dir, "a.csv", "text,label\n\n");
        fileError(f, SINGLE, "no examples");
    }

    @Test
    void emptyJsonl() {
        Path f = write(dir, "a.jsonl", "\n\n");
        fileError(f, SINGLE, "no examples");
    }

    @Test
    void everyRowBadWhenSkipping() {
        Path f = write(dir, "a.tsv", "sentence\tlabel\n\t1\n\t0\n");
        fileError(f, SINGLE.withBadRows(BadRowPolicy.SKIP), "no examples: all 2 rows were bad and skipped",
                "line 2: empty text");
    }

    @Test
    void namedTextColumnThatDoesNotExist() {
        ModelFileException e = fileError(resource("pairs.tsv"), SINGLE.withTextColumn(Column.named("premise")),
                "no text column 'premise'", "[index, sentence1, sentence2, label]");
        assertTrue(!e.getMessage().contains("line "), e.getMessage());
    }

    @Test
    void noDefaultTextColumn() {
        fileError(resource("stsb.tsv").resolveSibling("noheader.tsv"), SINGLE,
                "no text column: none of the default names [text, sentence, sentence1]");
    }

    @Test
    void jsonTextFieldThatDoesNotExist() {
        fileError(resource("names.jsonl"), SINGLE.withTextColumn(Column.named("review")),
                "no text column 'review'", "the first object (line 1) has fields [text, label, id]");
    }

    @Test
    void labelColumnMissingWhenLabelsAreRequired() {
        Path f = write(dir, "a.tsv", "sentence\tid\nhello\t1\n");
        fileError(f, SINGLE, "no label column", "[label, labels]", "[sentence, id]");
    }

    @Test
    void namedLabelColumnMissing() {
        fileError(resource("glue.tsv"), SINGLE.withLabelColumn(Column.named("score")), "no label column 'score'",
                "[sentence, label]");
    }

    @Test
    void headerlessFileNeedsIndices() {
        fileError(resource("noheader.tsv"), SINGLE.withHeader(HeaderRow.ABSENT),
                "no header row, so the text column must be given by zero-based index", "3 columns");
    }

    @Test
    void headerlessFileCannotNameColumns() {
        fileError(resource("noheader.tsv"), SINGLE.withHeader(HeaderRow.ABSENT).withTextColumn(Column.named("text")),
                "given by name but the file has no header row");
    }

    @Test
    void columnIndexOutOfRange() {
        fileError(resource("noheader.tsv"), SINGLE.withHeader(HeaderRow.ABSENT).withTextColumn(Column.at(0))
                .withLabelColumn(Column.at(3)), "label column index 3 is out of range", "3 columns");
    }

    @Test
    void labelColumnThatIsTheTextColumn() {
        fileError(resource("glue.tsv"), SINGLE.withLabelColumn(Column.named("sentence")), "is also a text column");
    }

    @Test
    void jsonFieldsByIndex() {
        fileError(resource("names.jsonl"), SINGLE.withTextColumn(Column.at(0)), "chosen by name, not by index");
    }

    @Test
    void singleLabelWithOneClass() {
        Path f = write(dir, "a.tsv", "sentence\tlabel\na\tyes\nb\tyes\n");
        fileError(f, SINGLE, "at least 2 labels", "'yes'");
    }

    @Test
    void missingFile() {
        fileError(dir.resolve("nope.tsv"), SINGLE, "data file not found");
    }

    @Test
    void notUtf8() throws Exception {
        Path f = Files.write(dir.resolve("a.tsv"), new byte[]{'s', '\t', 'l', '\n', (byte) 0xC3, 0x28, '\t', '1', '\n'});
        fileError(f, SINGLE, "not UTF-8");
    }

    @Test
    void unknownExtension() {
        fileError(dir.resolve("train.parquet"), SINGLE, "cannot tell the data format", "csv, tsv, jsonl or conll");
    }

    @Test
    void conllThroughTheTextReader() {
        fileError(resource("sample.conll"), SINGLE, "read them with TokenReader");
    }

    @Test
    void skipCountsBadRowsWithTheirReasons() {
        Path f = write(dir, "a.tsv", "sentence\tlabel\ngood\t1\n\t0\nextra\ttab\t1\nfine\t0\nbad label\t\n");
        Dataset<TextExample> d = TextReader.read(f, SINGLE.withBadRows(BadRowPolicy.SKIP));
        assertEquals(2, d.size());
        assertEquals(List.of("good", "fine"), d.examples().stream().map(TextExample::text).toList());
        assertEquals(3, d.skipped().size());
        assertEquals(List.of(3L, 4L, 6L), d.skipped().stream().map(s -> s.source().line()).toList());
        assertTrue(d.skipped().get(0).reason().contains("empty text"), d.skipped().get(0).reason());
        assertTrue(d.skipped().get(1).reason().contains("3 columns"), d.skipped().get(1).reason());
        assertTrue(d.skipped().get(2).reason().contains("empty label"), d.skipped().get(2).reason());
        assertEquals(f, d.skipped().get(0).source().file());
    }

    @Test
    void skipLeavesOutUnseenLabelsToo() {
        Path f = write(dir, "dev.jsonl", "{\"text\": \"a\", \"label\": \"pos\"}\nnot json\n{\"text\": \"b\", \"label\": \"meh\"}\n");
        Dataset<TextExample> d = TextReader.read(f, SINGLE.withBadRows(BadRowPolicy.SKIP)
                .withLabels(LabelSet.of(List.of("neg", "pos"))));
        assertEquals(1, d.size());
        assertEquals(List.of(2L, 3L), d.skipped().stream().map(s -> s.source().line()).toList());
        assertTrue(d.skipped().get(1).toString().startsWith("line 3: unknown label 'meh'"), d.skipped().get(1).toString());
    }
}
