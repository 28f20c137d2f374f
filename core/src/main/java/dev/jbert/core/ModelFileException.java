package dev.jbert.core;

import java.nio.file.Path;

/**
 * A model, tokenizer or checkpoint file that cannot be used as it is. The message always starts
 * with the file, then says what was expected and what was found, so a user can fix the input
 * without reading a stack trace.
 */
public class ModelFileException extends RuntimeException {

    private final transient Path file;

    /**
     * An exception about {@code file}; its message starts with the file's path.
     *
     * @param file    the offending file
     * @param message what is wrong with it
     */
    public ModelFileException(Path file, String message) {
        super(file + ": " + message);
        this.file = file;
    }

    /**
     * An exception about {@code file} with the error that revealed it.
     *
     * @param file    the offending file
     * @param message what is wrong with it
     * @param cause   the underlying error, such as an {@link java.io.IOException}
     */
    public ModelFileException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
        this.file = file;
    }

    /**
     * The offending file.
     *
     * @return the file
     */
    public Path file() {
        return file;
    }
}
