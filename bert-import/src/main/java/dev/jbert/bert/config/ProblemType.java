package dev.jbert.bert.config;

import java.util.Arrays;
import java.util.Optional;

/** transformers' {@code problem_type}: which loss and output activation a classification head uses. */
public enum ProblemType {
    SINGLE_LABEL_CLASSIFICATION("single_label_classification"),
    MULTI_LABEL_CLASSIFICATION("multi_label_classification"),
    REGRESSION("regression");

    private final String configName;

    ProblemType(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static Optional<ProblemType> fromConfigName(String name) {
        return Arrays.stream(values()).filter(p -> p.configName.equals(name)).findFirst();
    }
}
