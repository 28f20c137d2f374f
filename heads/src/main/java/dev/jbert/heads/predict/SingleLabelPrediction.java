package dev.jbert.heads.predict;


import dev.jbert.core.data.Task;
import java.util.List;
import java.util.Map;

/**
 * One class per text: the softmax's most probable class.
 *
 * @param label         the predicted label (the first one when probabilities tie, as argmax does)
 * @param index         its class index
 * @param score         its softmax probability
 * @param probabilities every label's softmax probability, in label order
 * @param logits        the raw logits in label order, or empty when not requested
 */
public record SingleLabelPrediction(String label, int index, double score, Map<String, Double> probabilities,
                                    List<Double> logits) implements SequencePrediction {

    /**
     * Copies the probabilities, keeping their order, and the logits; null logits become an empty list.
     *
     * @param label         the predicted label
     * @param index         its class index
     * @param score         its probability
     * @param probabilities every label's probability
     * @param logits        the raw logits, or null or empty
     * @throws IllegalArgumentException when {@code label} or {@code probabilities} is null, or a probability's key
     *                                  or value is null
     */
    public SingleLabelPrediction {
        if (label == null) throw new IllegalArgumentException("label must not be null");
        probabilities = Copies.ordered(probabilities, "probabilities");
        logits = Copies.logits(logits);
    }

    @Override
    public Task task() {
        return Task.SINGLE_LABEL;
    }
}
