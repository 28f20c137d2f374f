package dev.jbert.core.nd4j;

import org.nd4j.autodiff.samediff.SameDiff;

import java.io.OutputStream;
import java.io.PrintStream;

/**
 * Builds a SameDiff gradient function without its console noise: SameDiff 1.0.0-M2.1 prints one
 * "Added differentiated op" line per op to {@code System.out} (a few dozen for a loss graph) and has
 * no switch to turn that off, so standard output is muted for the duration of the build.
 *
 * <p>Thread-safe: builds take turns on one lock, since they swap the process-wide {@code System.out}; what other
 * threads print meanwhile is lost.
 */
public final class GradientFunction {

    private static final Object STDOUT_LOCK = new Object();

    private GradientFunction() {
    }

    /**
     * Creates {@code sd}'s gradient function for its loss variables, if it has none yet.
     *
     * @param sd the graph, its loss variables already set
     */
    public static void create(SameDiff sd) {
        if (sd.getFunction("grad") != null) return;
        synchronized (STDOUT_LOCK) {
            PrintStream stdout = System.out;
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            try {
                sd.createGradFunction();
            } finally {
                System.setOut(stdout);
            }
        }
    }
}
