package dev.jbert.core.nn;

import java.util.EnumMap;
import java.util.Map;

/**
 * Wall time per kind of kernel, for {@code jbert bench --profile}: off by default, when a probe costs one volatile
 * read. Only the thread that runs the passes records (the kernels' helper threads are inside the timed calls).
 */
public final class Profiler {

    /** What a timed call does. */
    public enum Section {
        /** Linear products (GEMM). */
        LINEAR("Linear products (GEMM)"),
        /** bf16 rounding, int8 quantization and back. */
        CONVERSION("bf16 rounding, int8 quantization and back"),
        /** Bias adds and bias gradients. */
        BIAS("bias add and bias gradients"),
        /** Attention's products, mask, dropout and softmax backward. */
        ATTENTION("attention products, mask, dropout, softmax backward"),
        /** Attention's softmax. */
        SOFTMAX("attention softmax"),
        /** LayerNorm, forward and backward. */
        LAYER_NORM("LayerNorm"),
        /** Activations (GELU, tanh, ...). */
        ACTIVATION("activations (GELU, tanh, ...)"),
        /** Dropout. */
        DROPOUT("dropout"),
        /** Embedding lookups and their gradients. */
        EMBEDDINGS("embedding lookups and their gradients"),
        /** The loss and its gradient (SameDiff). */
        LOSS("loss and its gradient (SameDiff)"),
        /** AdamW's update. */
        OPTIMIZER("AdamW"),
        /** Gradient clipping and zeroing. */
        GRADIENTS("gradient clipping and zeroing");

        private final String label;

        Section(String label) {
            this.label = label;
        }

        /**
         * @return the section's description, for the profile's table
         */
        public String label() {
            return label;
        }
    }

    /** Seconds and calls of one section. */
    public record Timing(double seconds, long calls) {
    }

    private static volatile boolean enabled;
    private static final long[] NANOS = new long[Section.values().length];
    private static final long[] CALLS = new long[Section.values().length];

    private Profiler() {
    }

    /**
     * Starts or stops recording; starting clears what was recorded.
     *
     * @param on whether to record
     */
    public static synchronized void enable(boolean on) {
        if (on) {
            java.util.Arrays.fill(NANOS, 0);
            java.util.Arrays.fill(CALLS, 0);
        }
        enabled = on;
    }

    /**
     * A start time for {@link #stop}, or 0 when not recording.
     *
     * @return {@link System#nanoTime()}, or 0
     */
    public static long start() {
        return enabled ? System.nanoTime() : 0;
    }

    /**
     * Adds the time since {@code started} to a section.
     *
     * @param section the kind of kernel timed
     * @param started what {@link #start()} returned; 0 records nothing
     */
    public static void stop(Section section, long started) {
        if (started == 0) return;
        NANOS[section.ordinal()] += System.nanoTime() - started;
        CALLS[section.ordinal()]++;
    }

    /**
     * What was recorded, by section.
     *
     * @return every section's seconds and calls since recording started
     */
    public static synchronized Map<Section, Timing> recorded() {
        Map<Section, Timing> out = new EnumMap<>(Section.class);
        for (Section s : Section.values()) out.put(s, new Timing(NANOS[s.ordinal()] / 1e9, CALLS[s.ordinal()]));
        return out;
    }
}
