package dev.jbert.core.nn.host;

import dev.jbert.core.nd4j.NativeBackend;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * The BLAS thread count around loops of small products that run one per core: a threaded BLAS call at these
 * sizes spends its time waking threads, and two of them at once oversubscribe the cores. With a oneDNN build,
 * BLAS serves only these loops (ND4J multiplies everything else with oneDNN), so it is made single-threaded once;
 * otherwise it gets all threads back after each loop.
 */
public final class Gemms {

    private static final int THREADS = Parallel.threads();
    private static final boolean BLAS_FOR_SMALL_PRODUCTS_ONLY = NativeBackend.init().oneDnn();

    static {
        if (BLAS_FOR_SMALL_PRODUCTS_ONLY) openblas_nolapack.blas_set_num_threads(1);
    }

    private Gemms() {
    }

    /**
     * Runs {@code loop} with BLAS single-threaded.
     *
     * @param loop the loop of small products
     */
    public static void singleThreaded(Runnable loop) {
        if (THREADS <= 1 || BLAS_FOR_SMALL_PRODUCTS_ONLY) {
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
