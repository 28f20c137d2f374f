package dev.jbert.core.nn;

import dev.jbert.core.nd4j.NativeBackend;
import dev.jbert.core.nn.device.DeviceKernels;
import dev.jbert.core.nn.host.HostKernels;

import java.util.Locale;

/**
 * The two implementations of {@link Kernels}, and which one a model is built with.
 *
 * <p>ND4J's CPU backend gets {@link #HOST} kernels, any other backend (CUDA) {@link #DEVICE} kernels, which never
 * touch an array's host memory. {@code -Djbert.kernels=host|device} forces one, so that device kernels can be run,
 * and tested, on the CPU. A model keeps the set it was built with.
 */
public enum KernelSet {
    /** Vectorised Java and BLAS on ND4J's host buffers: the fastest on the CPU. */
    HOST,
    /** ND4J operations only: what runs on a GPU, and the same arithmetic on the CPU, more slowly. */
    DEVICE;

    /** The system property that forces a set. */
    public static final String PROPERTY = "jbert.kernels";

    private static final ThreadLocal<KernelSet> OVERRIDE = new ThreadLocal<>();

    /**
     * This set's kernels.
     *
     * @return the shared kernels of this set
     */
    public Kernels kernels() {
        return this == HOST ? HostKernels.INSTANCE : DeviceKernels.INSTANCE;
    }

    /**
     * The name used by {@code -Djbert.kernels} and in reports: host, device.
     *
     * @return the lower-case name
     */
    public String flag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The set a model built now gets: the one {@link #use} chose on this thread, else {@code -Djbert.kernels}, else
     * the backend's.
     *
     * @return the kernel set
     * @throws IllegalArgumentException for an unknown {@code -Djbert.kernels}
     */
    public static KernelSet active() {
        KernelSet forced = OVERRIDE.get();
        if (forced != null) return forced;
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) return of(property);
        return NativeBackend.init().cpu() ? HOST : DEVICE;
    }

    /**
     * The set a name gives (host, device; any case).
     *
     * @param name {@code host} or {@code device}, in any case
     * @return the set
     * @throws IllegalArgumentException naming the choices
     */
    public static KernelSet of(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        for (KernelSet k : values()) if (k.flag().equals(n)) return k;
        throw new IllegalArgumentException("kernel set '" + name + "' is not one of host, device (-D" + PROPERTY + ")");
    }

    /**
     * Builds models on this thread with {@code set} until the returned scope closes: for tests and benchmarks.
     *
     * @param set the kernel set
     * @return a scope that restores the previous choice when closed
     */
    public static Scope use(KernelSet set) {
        KernelSet previous = OVERRIDE.get();
        OVERRIDE.set(set);
        return () -> {
            if (previous == null) OVERRIDE.remove();
            else OVERRIDE.set(previous);
        };
    }

    /** A {@link #use} that ends; close it on the thread that opened it, whose choice it restores. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
