package dev.jbert.core.train;

import java.util.Map;

/** Computes validation metrics of the model as it stands, dropout off; {@code "loss"} among them. */
@FunctionalInterface
public interface Evaluator {

    Map<String, Double> evaluate(TrainableModel model);
}
