package dev.jbert.bert.checkpoint.pickle;

/**
 * A malformed or refused pickle, raised below the interpreter loop, which alone knows the file,
 * entry and opcode position and turns this into a {@link dev.jbert.core.ModelFileException}.
 */
final class PickleException extends RuntimeException {

    PickleException(String message) {
        super(message);
    }
}
