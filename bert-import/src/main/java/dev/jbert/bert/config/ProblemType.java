package dev.jbert.bert.config;

import java.util.Arrays;
import java.util.Optional;

/** transformers' {@code problem_type}: which loss and output activation a classification head uses. */
public enum ProblemType {
    /** One class per example: softmax cross-entropy (transformers' {@code CrossEntropyLoss}). */
    SINGLE_LABEL_CLASSIFICATION("single_label_classification"),
    /** Any set of classes per example: a sigmoid per label ({@code BCEWithLogitsLoss}). */
    MULTI_LABEL_CLASSIFICATION("multi_label_classification"),
    /** Real-valued targets: no output activation ({@code MSELoss}). */
    REGRESSION("regression");

    private final String configName;

    ProblemType(String configName) {
        this.configName = configName;
    }

    /**
     * The name used in {@code config.json}.
     *
     * @return the {@code problem_type} value, e.g. {@code "regression"}
     */
    public String configName() {
        return configName;
    }

    /**
     * Looks up a {@code problem_type} value; the match is exact and case-sensitive.
     *
     * @param name the {@code problem_type} value
     * @return the problem type, or empty when the name is unknown
     */
    public static Optional<ProblemType> fromConfigName(String name) {
        return Arrays.stream(values()).filter(p -> p.configName.equals(name)).findFirst();
    }
}
