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
        LINEAR("Linear products (GEMM)"),
        CONVERSION("bf16 rounding, int8 quantization and back"),
        BIAS("bias add and bias gradients"),
        ATTENTION("attention products, mask, dropout, softmax backward"),
        SOFTMAX("attention softmax"),
        LAYER_NORM("LayerNorm"),
        ACTIVATION("activations (GELU, tanh, ...)"),
        DROPOUT("dropout"),
        EMBEDDINGS("embedding lookups and their gradients"),
        LOSS("loss and its gradient (SameDiff)"),
        OPTIMIZER("AdamW"),
        GRADIENTS("gradient clipping and zeroing");

        private final String label;

        Section(String label) {
            this.label = label;
        }

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

    /** Starts or stops recording; starting clears what was recorded. */
    public static synchronized void enable(boolean on) {
        if (on) {
            java.util.Arrays.fill(NANOS, 0);
            java.util.Arrays.fill(CALLS, 0);
        }
        enabled = on;
    }

    /** A start time for {@link #stop}, or 0 when not recording. */
    public static long start() {
        return enabled ? System.nanoTime() : 0;
    }

    /** Adds the time since {@code started} to a section. */
    public static void stop(Section section, long started) {
        if (started == 0) return;
        NANOS[section.ordinal()] += System.nanoTime() - started;
        CALLS[section.ordinal()]++;
    }

    /** What was recorded, by section. */
    public static synchronized Map<Section, Timing> recorded() {
        Map<Section, Timing> out = new EnumMap<>(Section.class);
        for (Section s : Section.values()) out.put(s, new Timing(NANOS[s.ordinal()] / 1e9, CALLS[s.ordinal()]));
        return out;
    }
}
