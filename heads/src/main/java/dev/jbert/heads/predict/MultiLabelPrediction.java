package dev.jbert.heads.predict;


import dev.jbert.core.data.Task;
import java.util.List;
import java.util.Map;

/**
 * Any subset of classes per text: each label's sigmoid probability and the labels above their threshold.
 *
 * @param labels        the labels whose probability is strictly above their threshold, in label order (may be empty)
 * @param probabilities every label's sigmoid probability, in label order
 * @param thresholds    the threshold each label was compared against, in label order
 * @param logits        the raw logits in label order, or empty when not requested
 */
public record MultiLabelPrediction(List<String> labels, Map<String, Double> probabilities,
                                   Map<String, Double> thresholds, List<Double> logits) implements SequencePrediction {

    /**
     * Copies the lists and maps, keeping their order; null logits become an empty list.
     *
     * @param labels        the predicted labels
     * @param probabilities every label's probability
     * @param thresholds    every label's threshold
     * @param logits        the raw logits, or null or empty
     * @throws IllegalArgumentException when {@code labels}, {@code probabilities} or {@code thresholds} is null or
     *                                  a map holds a null key or value
     */
    public MultiLabelPrediction {
        if (labels == null) throw new IllegalArgumentException("labels must not be null");
        labels = List.copyOf(labels);
        probabilities = Copies.ordered(probabilities, "probabilities");
        thresholds = Copies.ordered(thresholds, "thresholds");
        logits = Copies.logits(logits);
    }

    @Override
    public Task task() {
        return Task.MULTI_LABEL;
    }
}
