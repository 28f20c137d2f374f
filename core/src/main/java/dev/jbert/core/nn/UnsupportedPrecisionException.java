package dev.jbert.core.nn;

/** A precision this machine cannot multiply fast; the message names what is missing. */
public final class UnsupportedPrecisionException extends UnsupportedOperationException {

    public UnsupportedPrecisionException(String message) {
        super(message);
    }
}
