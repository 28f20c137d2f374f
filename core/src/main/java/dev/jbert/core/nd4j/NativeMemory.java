package dev.jbert.core.nd4j;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * Frees arrays' native memory now rather than whenever the garbage collector gets to them: the heap holds only small
 * handles, so it rarely prompts a collection, and native (or GPU) memory runs out first. Views, workspace arrays and
 * arrays already freed are left alone, so any array may be passed.
 */
public final class NativeMemory {

    private NativeMemory() {
    }

    /**
     * Frees the native memory of the given arrays; nulls, views and arrays already freed are skipped.
     *
     * @param arrays the arrays
     */
    public static void free(INDArray... arrays) {
        for (INDArray a : arrays) free(a);
    }

    /**
     * Frees the native memory of the given arrays; nulls, views and arrays already freed are skipped.
     *
     * @param arrays the arrays
     */
    public static void free(Collection<INDArray> arrays) {
        for (INDArray a : arrays) free(a);
    }

    private static void free(INDArray a) {
        if (a != null && a.closeable() && !a.wasClosed()) a.close();
    }
}
