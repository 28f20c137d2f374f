package dev.jbert.core.metrics;

import java.util.Map;

/**
 * The scalar metrics of one evaluation, addressable by name. The implementations here are immutable records, safe to
 * share between threads.
 */
public interface MetricReport {

    /**
     * The scalar metrics by name, in a stable order (names such as {@code accuracy}, {@code f1_macro},
     * {@code entity_f1}, {@code spearman}; each report documents its own). Unmodifiable.
     *
     * @return the metrics by name
     */
    Map<String, Double> toMap();

    /**
     * One metric by the name {@link #toMap()} uses.
     *
     * @param name a name {@link #toMap()} uses
     * @return its value
     * @throws IllegalArgumentException for a name this report does not have; the message lists the known names
     */
    default double metric(String name) {
        Map<String, Double> metrics = toMap();
        Double value = name == null ? null : metrics.get(name);
        if (value == null) {
            throw new IllegalArgumentException("unknown metric '" + name + "' for " + getClass().getSimpleName()
                    + "; known metrics: " + String.join(", ", metrics.keySet()));
        }
        return value;
    }

    /**
     * Whether a larger value of the named metric is better: false for losses and errors
     * ({@code hamming_loss}, {@code mse}, {@code mae}, and any name ending in {@code loss}, which is also
     * Hugging Face Trainer's rule for {@code greater_is_better}), true otherwise.
     *
     * @param name the metric's name
     * @return whether larger values are better
     */
    static boolean greaterIsBetter(String name) {
        return !(name.endsWith("loss") || name.equals("mse") || name.equals("mae"));
    }
}
