package dev.jbert.core.train;

import java.util.Map;

/**
 * One evaluation: every metric the evaluator returned, by name ({@code loss} among them).
 *
 * @param step    optimizer steps done when it ran
 * @param epoch   fractional epoch
 * @param metrics metric name to value
 */
public record EvalLog(long step, double epoch, Map<String, Double> metrics) {

    /**
     * Copies the metrics.
     *
     * @param metrics metric name to value
     * @param step    optimizer steps done when it ran
     * @param epoch   fractional epoch
     */
    public EvalLog {
        metrics = Map.copyOf(metrics);
    }

    /**
     * The named metric; a clear error listing the known names when it is absent.
     *
     * @param name the metric's name, without {@code eval_}
     * @return its value
     * @throws IllegalArgumentException if the evaluation has no such metric
     */
    public double metric(String name) {
        Double v = metrics.get(name);
        if (v == null) {
            throw new IllegalArgumentException("metric_for_best_model '" + name + "' is not among the evaluation's metrics "
                    + new java.util.TreeSet<>(metrics.keySet()));
        }
        return v;
    }
}
