package dev.jbert.core.data;

import dev.jbert.core.ModelFileException;
import org.slf4j.Logger;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** What the text and token readers share: one reading of I/O failures, one summary of what was read. */
final class DataFiles {

    /** A read that may fail with an I/O error. */
    @FunctionalInterface
    interface Read<T> {
        T run() throws IOException;
    }

    private DataFiles() {
    }

    /** Runs {@code read}, turning I/O failures into errors that name the file. */
    static <T> T read(Path file, Read<T> read) {
        try {
            return read.run();
        } catch (NoSuchFileException e) {
            throw new ModelFileException(file, "data file not found");
        } catch (CharacterCodingException e) {
            throw new ModelFileException(file, "not UTF-8 text", e);
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot read the data: " + e.getMessage(), e);
        }
    }

    /** Logs the skipped units (rows, sentences) and what was read. */
    static <E> Dataset<E> logged(Logger log, Dataset<E> dataset, String units, String labels) {
        if (!dataset.skipped().isEmpty()) {
            log.warn("{}: skipped {} bad {}; the first, {}", dataset.file(), dataset.skipped().size(), units, dataset.skipped().get(0));
        }
        log.info("{}: {} {}{}", dataset.file(), dataset.size(), units.equals("rows") ? "examples" : units,
                dataset.hasLabelSet() ? ", " + dataset.labels().size() + " " + labels : "");
        return dataset;
    }
}
