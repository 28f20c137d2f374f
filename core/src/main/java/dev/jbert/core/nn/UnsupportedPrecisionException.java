package dev.jbert.core.nn;

/** A precision this machine cannot multiply fast; the message names what is missing. */
public final class UnsupportedPrecisionException extends UnsupportedOperationException {

    /**
     * An exception with the given message.
     *
     * @param message what the machine lacks for the precision, and what to use instead
     */
    public UnsupportedPrecisionException(String message) {
        super(message);
    }
}
