package dev.jbert.heads.inference;


import dev.jbert.core.data.Task;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sequence classifier's answer for one text or text pair: {@link SingleLabel}, {@link MultiLabel} or
 * {@link Regression}, after the model's task. Immutable.
 *
 * <pre>{@code
 * Classification c = classifier.classify("a wonderful film");
 * if (c instanceof Classification.SingleLabel s) System.out.println(s.label() + " " + s.score());
 * // or, when the task is known:
 * String label = c.asSingleLabel().label();
 * }</pre>
 */
public sealed interface Classification permits Classification.SingleLabel, Classification.MultiLabel, Classification.Regression {

    /**
     * The task this answers.
     *
     * @return single-label, multi-label or regression
     */
    Task task();

    /**
     * The model's raw outputs for this input, in label order.
     *
     * @return the logits, one per label
     */
    List<Double> logits();

    /**
     * Whether the input was longer than the model's length limit and was cut to fit it; the prediction
     * then describes only the first tokens (for a pair, the longer text was trimmed first).
     *
     * @return true when the input was cut
     */
    boolean truncated();

    /**
     * This answer as single-label; an {@link IllegalStateException} for another task.
     *
     * @return this, as {@link SingleLabel}
     * @throws IllegalStateException when the task is not single-label
     */
    default SingleLabel asSingleLabel() {
        if (this instanceof SingleLabel s) return s;
        throw new IllegalStateException("this is a " + task() + " prediction, not SINGLE_LABEL");
    }

    /**
     * This answer as multi-label; an {@link IllegalStateException} for another task.
     *
     * @return this, as {@link MultiLabel}
     * @throws IllegalStateException when the task is not multi-label
     */
    default MultiLabel asMultiLabel() {
        if (this instanceof MultiLabel m) return m;
        throw new IllegalStateException("this is a " + task() + " prediction, not MULTI_LABEL");
    }

    /**
     * This answer as regression; an {@link IllegalStateException} for another task.
     *
     * @return this, as {@link Regression}
     * @throws IllegalStateException when the task is not regression
     */
    default Regression asRegression() {
        if (this instanceof Regression r) return r;
        throw new IllegalStateException("this is a " + task() + " prediction, not REGRESSION");
    }

    /**
     * One class per text, by softmax.
     *
     * @param label         the most probable label (the first on a tie)
     * @param score         its probability
     * @param probabilities every label's probability, in label order
     * @param logits        the raw logits, in label order
     * @param truncated     whether the input was cut to the model's length limit
     */
    record SingleLabel(String label, double score, Map<String, Double> probabilities, List<Double> logits,
                       boolean truncated) implements Classification {

        /**
         * Copies the map and list, keeping their order.
         *
         * @param label         the most probable label
         * @param score         its probability
         * @param probabilities every label's probability
         * @param logits        the raw logits
         * @param truncated     whether the input was cut
         * @throws IllegalArgumentException when {@code label} or {@code probabilities} is null
         */
        public SingleLabel {
            if (label == null) throw new IllegalArgumentException("label must not be null");
            probabilities = ordered(probabilities);
            logits = List.copyOf(logits);
        }

        @Override
        public Task task() {
            return Task.SINGLE_LABEL;
        }
    }

    /**
     * Any subset of classes per text, by a sigmoid per class.
     *
     * @param labels        the labels whose probability is strictly above their threshold, in label order
     * @param probabilities every label's probability, in label order
     * @param thresholds    the threshold each label was compared against (saved per-class ones, or a global one)
     * @param logits        the raw logits, in label order
     * @param truncated     whether the input was cut to the model's length limit
     */
    record MultiLabel(List<String> labels, Map<String, Double> probabilities, Map<String, Double> thresholds,
                      List<Double> logits, boolean truncated) implements Classification {

        /**
         * Copies the maps and lists, keeping their order.
         *
         * @param labels        the predicted labels
         * @param probabilities every label's probability
         * @param thresholds    every label's threshold
         * @param logits        the raw logits
         * @param truncated     whether the input was cut
         * @throws IllegalArgumentException when {@code probabilities} or {@code thresholds} is null
         */
        public MultiLabel {
            labels = List.copyOf(labels);
            probabilities = ordered(probabilities);
            thresholds = ordered(thresholds);
            logits = List.copyOf(logits);
        }

        @Override
        public Task task() {
            return Task.MULTI_LABEL;
        }
    }

    /**
     * A real value per text: the head's output as it is.
     *
     * @param value     the predicted value
     * @param logits    the raw output, as a one-element list
     * @param truncated whether the input was cut to the model's length limit
     */
    record Regression(double value, List<Double> logits, boolean truncated) implements Classification {

        /**
         * Copies the logits.
         *
         * @param value     the predicted value
         * @param logits    the raw output
         * @param truncated whether the input was cut
         */
        public Regression {
            logits = List.copyOf(logits);
        }

        @Override
        public Task task() {
            return Task.REGRESSION;
        }
    }

    private static Map<String, Double> ordered(Map<String, Double> values) {
        if (values == null) throw new IllegalArgumentException("probabilities and thresholds must not be null");
        return Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }
}
