package dev.jbert.heads;

import dev.jbert.bert.config.ProblemType;
import dev.jbert.core.data.Task;
import dev.jbert.heads.loss.Loss;

import java.util.Optional;

/** Between a model config's {@code problem_type} and the {@link Task} a classifier's head and loss follow. */
public final class ProblemTypes {

    private ProblemTypes() {
    }

    /**
     * transformers' choice of task for sequence classification: the config's {@code problem_type} wins; otherwise one
     * label means regression, class-index labels mean single-label and anything else (multi-hot) multi-label.
     *
     * @param configured       the config's {@code problem_type}, or empty
     * @param numLabels        the number of labels
     * @param labels           the layout of the labels: class indices, or multi-hot rows
     * @return the sequence task
     */
    public static Task forSequences(Optional<ProblemType> configured, int numLabels, Loss.LabelKind labels) {
        if (configured.isPresent()) {
            return switch (configured.get()) {
                case SINGLE_LABEL_CLASSIFICATION -> Task.SINGLE_LABEL;
                case MULTI_LABEL_CLASSIFICATION -> Task.MULTI_LABEL;
                case REGRESSION -> Task.REGRESSION;
            };
        }
        if (numLabels == 1) return Task.REGRESSION;
        return labels == Loss.LabelKind.CLASS_INDEX ? Task.SINGLE_LABEL : Task.MULTI_LABEL;
    }

    /**
     * The {@code problem_type} a saved config records, empty for token classification (transformers writes none).
     *
     * @param task the classifier's task
     * @return the problem type, or empty
     */
    public static Optional<ProblemType> of(Task task) {
        return switch (task) {
            case SINGLE_LABEL -> Optional.of(ProblemType.SINGLE_LABEL_CLASSIFICATION);
            case MULTI_LABEL -> Optional.of(ProblemType.MULTI_LABEL_CLASSIFICATION);
            case REGRESSION -> Optional.of(ProblemType.REGRESSION);
            case TOKEN_CLASSIFICATION -> Optional.empty();
        };
    }
}
