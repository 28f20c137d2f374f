package dev.jbert.heads.predict;


import dev.jbert.core.data.Task;
import java.util.List;

/**
 * A real value per text: the head's single output, used as it is (transformers applies no function).
 *
 * @param value  the predicted value
 * @param logits the raw output as a one-element list, or empty when not requested
 */
public record RegressionPrediction(double value, List<Double> logits) implements SequencePrediction {

    /**
     * Copies the logits; null becomes an empty list.
     *
     * @param value  the predicted value
     * @param logits the raw output, or null or empty
     */
    public RegressionPrediction {
        logits = Copies.logits(logits);
    }

    @Override
    public Task task() {
        return Task.REGRESSION;
    }
}
