package dev.jbert.core.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClassificationMetricsTest {

    private static final double TOLERANCE = 1e-9;

    private static JsonNode singleLabelCase(int index) {
        return MetricFixtures.json("metrics.json").get("single_label").get(index);
    }

    private static ClassificationReport evaluate(JsonNode c) {
        return ClassificationMetrics.evaluate(MetricFixtures.ints(c.get("y_true")),
                MetricFixtures.ints(c.get("y_pred")), c.get("num_labels").asInt());
    }

    @ParameterizedTest(name = "single_label[{0}]")
    @ValueSource(ints = {0, 1, 2})
    void summaryMetricsMatchScikitLearn(int index) {
        JsonNode c = singleLabelCase(index);
        ClassificationReport report = evaluate(c);

        assertEquals(c.get("accuracy").asDouble(), report.accuracy(), TOLERANCE);
        assertEquals(c.get("f1_macro").asDouble(), report.macro().f1(), TOLERANCE);
        assertEquals(c.get("f1_micro").asDouble(), report.micro().f1(), TOLERANCE);
        assertEquals(c.get("f1_weighted").asDouble(), report.weighted().f1(), TOLERANCE);
        assertEquals(c.get("precision_macro").asDouble(), report.macro().precision(), TOLERANCE);
        assertEquals(c.get("recall_macro").asDouble(), report.macro().recall(), TOLERANCE);
        assertEquals(c.get("mcc").asDouble(), report.mcc(), TOLERANCE);
        assertEquals(c.get("y_true").size(), report.numExamples());
    }

    @ParameterizedTest(name = "single_label[{0}]")
    @ValueSource(ints = {0, 1, 2})
    void confusionMatrixMatchesScikitLearn(int index) {
        JsonNode c = singleLabelCase(index);
        assertArrayEquals(MetricFixtures.intRows(c.get("confusion_matrix")), evaluate(c).confusionMatrix().toArray());
    }

    @ParameterizedTest(name = "single_label[{0}]")
    @ValueSource(ints = {0, 1, 2})
    void classificationReportMatchesScikitLearn(int index) {
        JsonNode c = singleLabelCase(index);
        JsonNode expected = c.get("per_class");
        ClassificationReport report = evaluate(c);

        assertEquals(c.get("num_labels").asInt(), report.perClass().size());
        for (ClassScores row : report.perClass()) {
            JsonNode e = expected.get(Integer.toString(row.label()));
            assertEquals(Integer.toString(row.label()), row.name());
            assertEquals(e.get("precision").asDouble(), row.precision(), TOLERANCE, "precision of " + row.label());
            assertEquals(e.get("recall").asDouble(), row.recall(), TOLERANCE, "recall of " + row.label());
            assertEquals(e.get("f1-score").asDouble(), row.f1(), TOLERANCE, "f1 of " + row.label());
            assertEquals(e.get("support").asInt(), row.support(), "support of " + row.label());
        }
        assertEquals(expected.get("accuracy").asDouble(), report.accuracy(), TOLERANCE);
        assertAverage(expected.get("macro avg"), report.macro());
        assertAverage(expected.get("weighted avg"), report.weighted());
    }

    private static void assertAverage(JsonNode expected, Scores actual) {
        assertEquals(expected.get("precision").asDouble(), actual.precision(), TOLERANCE);
        assertEquals(expected.get("recall").asDouble(), actual.recall(), TOLERANCE);
        assertEquals(expected.get("f1-score").asDouble(), actual.f1(), TOLERANCE);
    }

    @ParameterizedTest(name = "single_label[{0}]")
    @ValueSource(ints = {0, 1, 2})
    void metricsByNameMatchScikitLearn(int index) {
        JsonNode c = singleLabelCase(index);
        ClassificationReport report = evaluate(c);
        for (String name : List.of("accuracy", "f1_macro", "f1_micro", "f1_weighted", "precision_macro",
                "recall_macro", "mcc")) {
            assertEquals(c.get(name).asDouble(), report.metric(name), TOLERANCE, name);
        }
        // single-label micro averages all equal the accuracy
        assertEquals(report.accuracy(), report.metric("precision_micro"), TOLERANCE);
        assertEquals(report.accuracy(), report.metric("recall_micro"), TOLERANCE);
    }

    @Test
    void macroAverageSkipsClassesAbsentFromBothArraysAsScikitLearnDoes() {
        // Class 2 occurs nowhere. Class 0: tp 1, predicted 1, support 2 -> F1 2/3; class 1: tp 2,
        // predicted 3, support 2 -> F1 4/5. scikit-learn's f1_score(average="macro") without labels=
        // averages the two present classes: (2/3 + 4/5) / 2 = 11/15.
        ClassificationReport report = ClassificationMetrics.evaluate(new int[] {0, 1, 0, 1}, new int[] {0, 1, 1, 1}, 3);
        assertEquals(11.0 / 15, report.macro().f1(), TOLERANCE);
        assertEquals((1.0 + 2.0 / 3) / 2, report.macro().precision(), TOLERANCE);
        assertEquals((0.5 + 1.0) / 2, report.macro().recall(), TOLERANCE);
        ClassScores absent = report.perClass().get(2);
        assertEquals(0, absent.support());
        assertEquals(0, absent.predicted());
        assertEquals(0.0, absent.f1());
    }

    @Test
    void mccIsZeroWhenEveryPredictionIsOneClass() {
        // s^2 - sum p_k^2 = 16 - 16 = 0: scikit-learn returns 0.0 rather than dividing by zero
        ClassificationReport report = ClassificationMetrics.evaluate(new int[] {0, 0, 1, 1}, new int[] {0, 0, 0, 0}, 2);
        assertEquals(0.0, report.mcc());
        assertEquals(0.5, report.accuracy());
    }

    @Test
    void mccIsOneForPerfectAndMinusOneForInvertedBinaryPredictions() {
        int[] truth = {0, 1, 1, 0, 1};
        assertEquals(1.0, ClassificationMetrics.evaluate(truth, truth, 2).mcc(), TOLERANCE);
        assertEquals(-1.0, ClassificationMetrics.evaluate(truth, new int[] {1, 0, 0, 1, 0}, 2).mcc(), TOLERANCE);
    }

    @Test
    void labelNamesAreCarriedIntoThePerClassRows() {
        ClassificationReport report = ClassificationMetrics.evaluate(new int[] {0, 1, 2}, new int[] {0, 2, 2},
                List.of("negative", "neutral", "positive"));
        assertEquals(List.of("negative", "neutral", "positive"),
                report.perClass().stream().map(ClassScores::name).toList());
        assertEquals(0.5, report.perClass().get(2).precision(), TOLERANCE);
    }

    @Test
    void reportIsImmutable() {
        ClassificationReport report = ClassificationMetrics.evaluate(new int[] {0, 1}, new int[] {0, 0}, 2);
        int[][] copy = report.confusionMatrix().toArray();
        copy[0][0] = 99;
        assertEquals(1, report.confusionMatrix().count(0, 0));
        assertThrows(UnsupportedOperationException.class, () -> report.perClass().clear());
        assertThrows(UnsupportedOperationException.class, () -> report.toMap().put("accuracy", 1.0));
    }
}
