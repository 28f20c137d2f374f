package dev.jbert.core.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MultiLabelMetricsTest {

    private static final double TOLERANCE = 1e-9;

    private static JsonNode multiLabelCase(int index) {
        return MetricFixtures.json("metrics.json").get("multi_label").get(index);
    }

    @ParameterizedTest(name = "multi_label[{0}]")
    @ValueSource(ints = {0, 1})
    void matchesScikitLearn(int index) {
        JsonNode c = multiLabelCase(index);
        MultiLabelReport report = MultiLabelMetrics.evaluate(MetricFixtures.intRows(c.get("y_true")),
                MetricFixtures.intRows(c.get("y_pred")), c.get("num_labels").asInt());

        assertEquals(c.get("f1_micro").asDouble(), report.micro().f1(), TOLERANCE);
        assertEquals(c.get("f1_macro").asDouble(), report.macro().f1(), TOLERANCE);
        assertEquals(c.get("f1_samples").asDouble(), report.samples().f1(), TOLERANCE);
        assertEquals(c.get("f1_weighted").asDouble(), report.weighted().f1(), TOLERANCE);
        assertEquals(c.get("hamming_loss").asDouble(), report.hammingLoss(), TOLERANCE);
        assertEquals(c.get("precision_macro").asDouble(), report.macro().precision(), TOLERANCE);
        assertEquals(c.get("recall_macro").asDouble(), report.macro().recall(), TOLERANCE);
        assertEquals(c.get("subset_accuracy").asDouble(), report.subsetAccuracy(), TOLERANCE);
        for (String name : List.of("f1_micro", "f1_macro", "f1_samples", "f1_weighted", "hamming_loss",
                "precision_macro", "recall_macro", "subset_accuracy")) {
            assertEquals(c.get(name).asDouble(), report.metric(name), TOLERANCE, name);
        }
    }

    @Test
    void booleanRowsGiveTheSameReportAsIntegerRows() {
        JsonNode c = multiLabelCase(0);
        int[][] truth = MetricFixtures.intRows(c.get("y_true"));
        int[][] predicted = MetricFixtures.intRows(c.get("y_pred"));
        assertEquals(MultiLabelMetrics.evaluate(truth, predicted, 5),
                MultiLabelMetrics.evaluate(toBoolean(truth), toBoolean(predicted), 5));
    }

    private static boolean[][] toBoolean(int[][] rows) {
        boolean[][] out = new boolean[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = new boolean[rows[i].length];
            for (int j = 0; j < rows[i].length; j++) {
                out[i][j] = rows[i][j] == 1;
            }
        }
        return out;
    }

    @Test
    void smallCaseByHand() {
        // label 0: tp 1, support 2, predicted 1 -> P 1, R 1/2, F1 2/3
        // label 1: tp 1, support 1, predicted 2 -> P 1/2, R 1, F1 2/3
        // row 0: tp 1 of 2 predicted, 1 true -> P 1/2, R 1, F1 2/3; row 1: P 1, R 1/2, F1 2/3
        MultiLabelReport report = MultiLabelMetrics.evaluate(new int[][] {{1, 0}, {1, 1}},
                new int[][] {{1, 1}, {0, 1}}, List.of("sports", "politics"));
        assertEquals(new Scores(0.75, 0.75, 2.0 / 3), report.macro());
        assertEquals(2.0 / 3, report.micro().f1(), TOLERANCE);
        assertEquals(0.75, report.samples().precision(), TOLERANCE);
        assertEquals(0.75, report.samples().recall(), TOLERANCE);
        assertEquals(2.0 / 3, report.samples().f1(), TOLERANCE);
        assertEquals((1.0 * 2 + 0.5 * 1) / 3, report.weighted().precision(), TOLERANCE);
        assertEquals(0.5, report.hammingLoss());
        assertEquals(0.0, report.subsetAccuracy());
        assertEquals("politics", report.perClass().get(1).name());
        assertEquals(2, report.perClass().get(1).predicted());
    }

    @Test
    void noPositiveLabelAnywhereScoresZeroNotNaN() {
        // zero_division=0 everywhere: every ratio has a zero denominator
        MultiLabelReport report = MultiLabelMetrics.evaluate(new int[][] {{0, 0}, {0, 0}},
                new int[][] {{0, 0}, {0, 0}}, 2);
        Scores zero = new Scores(0, 0, 0);
        assertEquals(zero, report.micro());
        assertEquals(zero, report.macro());
        assertEquals(zero, report.weighted());
        assertEquals(zero, report.samples());
        assertEquals(1.0, report.subsetAccuracy());
        assertEquals(0.0, report.hammingLoss());
    }
}
