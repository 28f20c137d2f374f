package dev.jbert.heads;

import dev.jbert.bert.config.ProblemType;

import java.util.Optional;

/** What a classifier predicts, which fixes its head's input, its labels and its default loss. */
public enum TaskType {
    /** One class per text (softmax). */
    SINGLE_LABEL,
    /** Any subset of classes per text (sigmoid per class). */
    MULTI_LABEL,
    /** A real value per text (num_labels = 1). */
    REGRESSION,
    /** One class per token (NER, POS), from every token's hidden state. */
    TOKEN_CLASSIFICATION;

    /**
     * transformers' choice of problem type for sequence classification: the config's
     * {@code problem_type} wins; otherwise one label means regression, class-index labels mean
     * single-label and anything else (multi-hot) multi-label.
     */
    public static TaskType forSequences(Optional<ProblemType> configured, int numLabels, boolean classIndexLabels) {
        if (configured.isPresent()) {
            return switch (configured.get()) {
                case SINGLE_LABEL_CLASSIFICATION -> SINGLE_LABEL;
                case MULTI_LABEL_CLASSIFICATION -> MULTI_LABEL;
                case REGRESSION -> REGRESSION;
            };
        }
        if (numLabels == 1) return REGRESSION;
        return classIndexLabels ? SINGLE_LABEL : MULTI_LABEL;
    }

    /** The {@code problem_type} a saved config records, empty for token classification (transformers writes none). */
    public Optional<ProblemType> problemType() {
        return switch (this) {
            case SINGLE_LABEL -> Optional.of(ProblemType.SINGLE_LABEL_CLASSIFICATION);
            case MULTI_LABEL -> Optional.of(ProblemType.MULTI_LABEL_CLASSIFICATION);
            case REGRESSION -> Optional.of(ProblemType.REGRESSION);
            case TOKEN_CLASSIFICATION -> Optional.empty();
        };
    }
}
