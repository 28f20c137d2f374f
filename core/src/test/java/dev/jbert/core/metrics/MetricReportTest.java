package dev.jbert.core.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Picking a metric by the name a user gives, as the training loop does for metric_for_best_model. */
class MetricReportTest {

    private static final ClassificationReport CLASSIFICATION =
            ClassificationMetrics.evaluate(new int[] {0, 1, 1}, new int[] {0, 1, 0}, 2);

    @Test
    void everyReportNamesItsMetrics() {
        assertEquals(List.of("accuracy", "f1_macro", "f1_micro", "f1_weighted", "precision_macro",
                "precision_micro", "precision_weighted", "recall_macro", "recall_micro", "recall_weighted", "mcc"),
                List.copyOf(CLASSIFICATION.toMap().keySet()));
        assertEquals(List.of("subset_accuracy", "hamming_loss", "f1_micro", "precision_micro", "recall_micro",
                "f1_macro", "precision_macro", "recall_macro", "f1_weighted", "precision_weighted",
                "recall_weighted", "f1_samples", "precision_samples", "recall_samples"),
                List.copyOf(MultiLabelMetrics.evaluate(new int[][] {{1, 0}}, new int[][] {{1, 1}}, 2)
                        .toMap().keySet()));
        assertEquals(List.of("entity_f1", "entity_precision", "entity_recall", "token_accuracy"),
                List.copyOf(ConllEval.evaluate(List.of(List.of("B-PER")), List.of(List.of("B-PER")))
                        .toMap().keySet()));
        assertEquals(List.of("pearson", "spearman", "mse", "mae"),
                List.copyOf(RegressionMetrics.evaluate(new double[] {1, 2}, new double[] {1, 3}).toMap().keySet()));
    }

    @Test
    void aMetricIsFoundByName() {
        assertEquals(2.0 / 3, CLASSIFICATION.metric("accuracy"), 1e-15);
        assertEquals(CLASSIFICATION.mcc(), CLASSIFICATION.metric("mcc"));
        assertEquals(CLASSIFICATION.weighted().recall(), CLASSIFICATION.metric("recall_weighted"));
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CLASSIFICATION.metric("f1"));
        assertEquals("unknown metric 'f1' for ClassificationReport; known metrics: accuracy, f1_macro, f1_micro, "
                + "f1_weighted, precision_macro, precision_micro, precision_weighted, recall_macro, recall_micro, "
                + "recall_weighted, mcc", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CLASSIFICATION.metric(null));
    }

    @Test
    void lossesAndErrorsAreBetterWhenSmaller() {
        assertFalse(MetricReport.greaterIsBetter("hamming_loss"));
        assertFalse(MetricReport.greaterIsBetter("mse"));
        assertFalse(MetricReport.greaterIsBetter("mae"));
        assertFalse(MetricReport.greaterIsBetter("loss"));
        assertTrue(MetricReport.greaterIsBetter("f1_macro"));
        assertTrue(MetricReport.greaterIsBetter("entity_f1"));
        assertTrue(MetricReport.greaterIsBetter("spearman"));
    }
}
