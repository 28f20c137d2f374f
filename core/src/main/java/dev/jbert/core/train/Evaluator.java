package dev.jbert.core.train;

import java.util.Map;

/**
 * Computes validation metrics of the model as it stands, dropout off; {@code "loss"} among them. The trainer calls it
 * on the training thread between steps, when no other pass of the model runs.
 */
@FunctionalInterface
public interface Evaluator {

    /**
     * Evaluates the model on the validation data.
     *
     * @param model the model
     * @return the metrics by name, {@code loss} among them
     */
    Map<String, Double> evaluate(TrainableModel model);
}
