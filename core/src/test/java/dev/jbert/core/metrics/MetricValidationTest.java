package dev.jbert.core.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Invalid input is an IllegalArgumentException whose message says what was expected and what was found. */
class MetricValidationTest {

    private static void assertRejected(String expectedMessage, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(expectedMessage, e.getMessage());
    }

    @Test
    void classificationRejectsMismatchedLengths() {
        assertRejected("expected as many predicted labels as true ones, found 3 true and 2 predicted",
                () -> ClassificationMetrics.evaluate(new int[] {0, 1, 0}, new int[] {0, 1}, 2));
    }

    @Test
    void classificationRejectsEmptyInput() {
        assertRejected("expected at least one example, found none",
                () -> ClassificationMetrics.evaluate(new int[0], new int[0], 2));
    }

    @Test
    void classificationRejectsLabelsOutOfRange() {
        assertRejected("expected labels in [0, 3), found yPred[1] = 3",
                () -> ClassificationMetrics.evaluate(new int[] {0, 1}, new int[] {0, 3}, 3));
        assertRejected("expected labels in [0, 2), found yTrue[0] = -1",
                () -> ClassificationMetrics.evaluate(new int[] {-1, 1}, new int[] {0, 1}, 2));
    }

    @Test
    void classificationRejectsBadLabelCountsAndNulls() {
        assertRejected("expected numLabels >= 1, found 0",
                () -> ClassificationMetrics.evaluate(new int[] {0}, new int[] {0}, 0));
        assertRejected("yPred must not be null", () -> ClassificationMetrics.evaluate(new int[] {0}, null, 1));
        assertRejected("expected a name for every label, found null at index 1",
                () -> ClassificationMetrics.evaluate(new int[] {0}, new int[] {0}, Arrays.asList("a", null)));
    }

    @Test
    void multiLabelRejectsMismatchedShapes() {
        assertRejected("expected as many predicted rows as true ones, found 2 true and 1 predicted",
                () -> MultiLabelMetrics.evaluate(new int[][] {{0, 1}, {1, 0}}, new int[][] {{0, 1}}, 2));
        assertRejected("expected 2 labels in every row, found 3 in yPred[0]",
                () -> MultiLabelMetrics.evaluate(new int[][] {{0, 1}}, new int[][] {{0, 1, 1}}, 2));
        assertRejected("expected 2 labels in every row, found null in yTrue[1]",
                () -> MultiLabelMetrics.evaluate(new boolean[][] {{true, false}, null},
                        new boolean[][] {{true, false}, {false, false}}, 2));
    }

    @Test
    void multiLabelRejectsEntriesOtherThanZeroAndOne() {
        assertRejected("expected multi-hot entries 0 or 1, found yTrue[0][1] = 2",
                () -> MultiLabelMetrics.evaluate(new int[][] {{0, 2}}, new int[][] {{0, 1}}, 2));
    }

    @Test
    void multiLabelRejectsEmptyInput() {
        assertRejected("expected at least one row, found none",
                () -> MultiLabelMetrics.evaluate(new int[0][], new int[0][], 3));
    }

    @Test
    void conllEvalRejectsMismatchedSentences() {
        assertRejected("expected as many predicted sentences as true ones, found 2 true and 1 predicted",
                () -> ConllEval.evaluate(List.of(List.of("O"), List.of("O")), List.of(List.of("O"))));
        assertRejected("expected as many predicted tags as gold tags in sentence 0, found 2 gold and 1 predicted",
                () -> ConllEval.evaluate(List.of(List.of("B-PER", "O")), List.of(List.of("B-PER"))));
    }

    @Test
    void conllEvalRejectsEmptyInput() {
        assertRejected("expected at least one token, found none", () -> ConllEval.evaluate(List.of(), List.of()));
        assertRejected("expected at least one token, found none",
                () -> ConllEval.evaluate(List.of(List.of()), List.of(List.of())));
    }

    @Test
    void conllEvalRejectsTagsItsInputFormatCannotCarry() {
        assertRejected("expected a non-empty tag without whitespace at sentence 0, token 1, found 'B PER'",
                () -> ConllEval.evaluate(List.of(List.of("O", "B-PER")), List.of(List.of("O", "B PER"))));
        assertRejected("expected a non-empty tag without whitespace at sentence 0, token 0, found ''",
                () -> ConllEval.evaluate(List.of(List.of("")), List.of(List.of("O"))));
        assertRejected("expected a non-empty tag without whitespace at sentence 0, token 0, found null",
                () -> ConllEval.evaluate(List.of(Arrays.asList((String) null)), List.of(List.of("O"))));
    }

    @Test
    void regressionRejectsBadInput() {
        assertRejected("expected as many predicted values as true ones, found 2 true and 3 predicted",
                () -> RegressionMetrics.evaluate(new double[] {1, 2}, new double[] {1, 2, 3}));
        assertRejected("expected at least one value, found none",
                () -> RegressionMetrics.evaluate(new double[0], new double[0]));
        assertRejected("expected finite values, found yPred[1] = NaN",
                () -> RegressionMetrics.evaluate(new double[] {1, 2}, new double[] {1, Double.NaN}));
    }
}
