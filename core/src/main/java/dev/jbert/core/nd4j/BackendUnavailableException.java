package dev.jbert.core.nd4j;

/**
 * ND4J's backend cannot run here: no NVIDIA driver or CUDA libraries for a CUDA build, a card the build has no
 * kernels for. The message is one line saying what is missing and what to install or build instead.
 */
public final class BackendUnavailableException extends RuntimeException {

    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
