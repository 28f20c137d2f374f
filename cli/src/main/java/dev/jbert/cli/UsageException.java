package dev.jbert.cli;

/**
 * A command line that is wrong in itself, found after parsing (an option value outside its choices): exit code 2,
 * as picocli gives an unknown or missing option, where a bad file or model gives 1.
 */
final class UsageException extends IllegalArgumentException {

    UsageException(String message) {
        super(message);
    }
}
