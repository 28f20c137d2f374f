package dev.jbert.core.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jbert.core.ModelFileException;
import dev.jbert.core.data.BadRowPolicy;
import dev.jbert.core.data.Column;
import dev.jbert.core.data.DatasetFormat;
import dev.jbert.core.data.HeaderRow;
import dev.jbert.core.data.Labelling;
import dev.jbert.core.data.Task;
import dev.jbert.core.data.TextReadOptions;
import dev.jbert.core.data.TextReader;
import dev.jbert.core.data.TokenReadOptions;
import dev.jbert.core.data.TokenReader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Any bytes as a CSV, TSV, JSONL or CoNLL data file, read for any task, with bad rows failing or skipped, either
 * give a dataset or fail with a {@link ModelFileException} that says why: never another exception, a hang or
 * unbounded memory. The reading options come from the input's last bytes ({@link FuzzedDataProvider} takes
 * choices from the end), the file from the rest, so a plain data file is a seed as it is.
 */
class DataFilesFuzzTest {

    private static final Path DIR = folder();
    private static final Task[] TEXT_TASKS = {Task.SINGLE_LABEL, Task.MULTI_LABEL, Task.REGRESSION};

    private static Path folder() {
        try {
            Path d = Files.createTempDirectory("jbert-fuzz-data");
            d.toFile().deleteOnExit();
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** CSV and TSV share one reader; the format is one of the choices. */
    @FuzzTest(maxDuration = "10m")
    void tabular(FuzzedDataProvider data) throws IOException {
        text(data.consumeBoolean() ? DatasetFormat.CSV : DatasetFormat.TSV, data);
    }

    /** JSON Lines of texts (for the text tasks) or of word lists (for token classification). */
    @FuzzTest(maxDuration = "10m")
    void jsonl(FuzzedDataProvider data) throws IOException {
        if (data.consumeBoolean()) {
            text(DatasetFormat.JSONL, data);
        } else {
            tokens(DatasetFormat.JSONL, data);
        }
    }

    @FuzzTest(maxDuration = "10m")
    void conll(FuzzedDataProvider data) throws IOException {
        tokens(DatasetFormat.CONLL, data);
    }

    private static void text(DatasetFormat format, FuzzedDataProvider data) throws IOException {
        TextReadOptions options = TextReadOptions.forTask(data.pickValue(TEXT_TASKS))
                .withFormat(format)
                .withHeader(data.consumeBoolean() ? HeaderRow.PRESENT : HeaderRow.ABSENT)
                .withLabelling(data.consumeBoolean() ? Labelling.LABELLED : Labelling.UNLABELLED)
                .withBadRows(data.consumeBoolean() ? BadRowPolicy.SKIP : BadRowPolicy.FAIL);
        if (options.header() == HeaderRow.ABSENT) {
            options = options.withTextColumn(Column.at(0)).withLabelColumn(Column.at(1));
        }
        Path file = write("data." + format.name().toLowerCase(Locale.ROOT), data);
        try {
            TextReader.read(file, options);
        } catch (ModelFileException refused) {
            requireMessage(refused);
        }
    }

    private static void tokens(DatasetFormat format, FuzzedDataProvider data) throws IOException {
        TokenReadOptions options = TokenReadOptions.defaults()
                .withFormat(format)
                .withLabelling(data.consumeBoolean() ? Labelling.LABELLED : Labelling.UNLABELLED)
                .withBadRows(data.consumeBoolean() ? BadRowPolicy.SKIP : BadRowPolicy.FAIL);
        Path file = write(format == DatasetFormat.CONLL ? "data.conll" : "data.jsonl", data);
        try {
            TokenReader.read(file, options);
        } catch (ModelFileException refused) {
            requireMessage(refused);
        }
    }

    private static Path write(String name, FuzzedDataProvider data) throws IOException {
        Path file = DIR.resolve(name);
        Files.write(file, data.consumeRemainingAsBytes());
        return file;
    }

    private static void requireMessage(RuntimeException e) {
        if (e.getMessage() == null || e.getMessage().isBlank()) throw new AssertionError("a refusal without a message", e);
    }
}
