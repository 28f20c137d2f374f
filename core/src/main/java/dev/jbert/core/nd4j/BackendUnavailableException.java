package dev.jbert.core.nd4j;

/**
 * ND4J's backend cannot run here: no NVIDIA driver or CUDA libraries for a CUDA build, a card the build has no
 * kernels for. The message is one line saying what is missing and what to install or build instead.
 */
public final class BackendUnavailableException extends RuntimeException {

    /**
     * An exception with the given message.
     *
     * @param message one line: what is missing, and what to install or build instead
     */
    public BackendUnavailableException(String message) {
        super(message);
    }

    /**
     * An exception with the given message and the error ND4J raised.
     *
     * @param message one line: what is missing, and what to install or build instead
     * @param cause   the error that revealed it
     */
    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
