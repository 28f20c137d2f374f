package dev.jbert.core.nn;

import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * The BLAS thread count around loops of small products that run one per core: a threaded BLAS call at these
 * sizes spends its time waking threads, and two of them at once oversubscribe the cores.
 */
final class Gemms {

    private static final int THREADS = Parallel.threads();

    private Gemms() {
    }

    /** Runs {@code loop} with BLAS single-threaded, then gives BLAS all threads back. */
    static void singleThreaded(Runnable loop) {
        if (THREADS <= 1) {
            loop.run();
            return;
        }
        openblas_nolapack.blas_set_num_threads(1);
        try {
            loop.run();
        } finally {
            openblas_nolapack.blas_set_num_threads(THREADS);
        }
    }
}
