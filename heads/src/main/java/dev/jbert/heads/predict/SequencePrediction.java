package dev.jbert.heads.predict;


import dev.jbert.core.data.Task;
import java.util.List;

/**
 * The prediction for one text (or text pair) of a sequence classifier: one of
 * {@link SingleLabelPrediction}, {@link MultiLabelPrediction} or {@link RegressionPrediction}.
 */
public sealed interface SequencePrediction permits SingleLabelPrediction, MultiLabelPrediction, RegressionPrediction {

    /**
     * The task this prediction answers.
     *
     * @return single-label, multi-label or regression
     */
    Task task();

    /**
     * The raw logits in label order, or an empty list when they were not requested.
     *
     * @return the logits, unmodifiable
     */
    List<Double> logits();
}
