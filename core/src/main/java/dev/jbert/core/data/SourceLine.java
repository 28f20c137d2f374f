package dev.jbert.core.data;

import java.nio.file.Path;

/**
 * Where an example came from, for error messages and for mapping predictions back to the input:
 * the file and the 1-based line its row starts on.
 *
 * @param file the data file, or null for an example built in code
 * @param line the 1-based line in {@code file}; for an example built in code, its 1-based position
 */
public record SourceLine(Path file, long line) {

    /**
     * Checks the line.
     *
     * @param file the data file, or null for an example built in code
     * @param line the 1-based line in {@code file}; for an example built in code, its 1-based position
     * @throws IllegalArgumentException if the line is below 1
     */
    public SourceLine {
        if (line < 1) {
            throw new IllegalArgumentException("line must be at least 1, got " + line);
        }
    }

    /**
     * The position of the {@code n}th (1-based) example built in code rather than read from a file.
     *
     * @param n the example's position, from 1
     * @return the source
     */
    public static SourceLine inMemory(long n) {
        return new SourceLine(null, n);
    }

    @Override
    public String toString() {
        return file == null ? "example " + line : file + ":" + line;
    }
}
