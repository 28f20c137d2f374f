package dev.jbert.core.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegressionMetricsTest {

    private static final double TOLERANCE = 1e-12;

    @Test
    void linearRelationIsPerfectlyCorrelated() {
        RegressionReport report = RegressionMetrics.evaluate(new double[] {1, 2, 3, 4}, new double[] {3, 5, 7, 9});
        assertEquals(1.0, report.pearson(), TOLERANCE);
        assertEquals(1.0, report.spearman(), TOLERANCE);
        // differences 2, 3, 4, 5: squares sum to 54, absolutes to 14
        assertEquals(54.0 / 4, report.mse(), TOLERANCE);
        assertEquals(14.0 / 4, report.mae(), TOLERANCE);
    }

    @Test
    void monotoneButCurvedIsPerfectForSpearmanOnly() {
        // y = 2^x: the ranks agree exactly, the values are not on a line
        RegressionReport report = RegressionMetrics.evaluate(new double[] {1, 2, 3, 4}, new double[] {2, 4, 8, 16});
        assertEquals(1.0, report.spearman(), TOLERANCE);
        // y deviations from 7.5: -5.5 -3.5 0.5 8.5 (squares 30.25 + 12.25 + 0.25 + 72.25 = 115);
        // cross sum 8.25 + 1.75 + 0.25 + 12.75 = 23; r = 23 / sqrt(5 * 115) = 23 / sqrt(575)
        assertEquals(23 / Math.sqrt(575), report.pearson(), TOLERANCE);
        assertTrue(report.pearson() < 1);
    }

    @Test
    void reversedOrderIsPerfectlyAntiCorrelated() {
        RegressionReport report = RegressionMetrics.evaluate(new double[] {1, 2, 3, 4, 5},
                new double[] {10, 8, 6, 4, 2});
        assertEquals(-1.0, report.pearson(), TOLERANCE);
        assertEquals(-1.0, report.spearman(), TOLERANCE);
    }

    @Test
    void tiesTakeTheirAverageRank() {
        // x = 1 2 2 3 ranks 1 2.5 2.5 4; y = 1 3 2 4 ranks 1 3 2 4; both rank means 2.5.
        // Rank deviations x: -1.5 0 0 1.5 (squares 4.5), y: -1.5 0.5 -0.5 1.5 (squares 5),
        // cross sum 2.25 + 0 + 0 + 2.25 = 4.5, rho = 4.5 / sqrt(4.5 * 5) = sqrt(0.9).
        // scipy.stats.spearmanr gives the same: it ranks with method="average".
        RegressionReport report = RegressionMetrics.evaluate(new double[] {1, 2, 2, 3}, new double[] {1, 3, 2, 4});
        assertEquals(Math.sqrt(0.9), report.spearman(), TOLERANCE);
    }

    @Test
    void pearsonOfAnUnevenRelation() {
        // x deviations -1.5 -0.5 0.5 1.5 (squares 5); y = 2 4 5 9, mean 5, deviations -3 -1 0 4
        // (squares 26); cross sum 4.5 + 0.5 + 0 + 6 = 11; r = 11 / sqrt(130). Spearman: ranks agree, 1.
        RegressionReport report = RegressionMetrics.evaluate(new double[] {1, 2, 3, 4}, new double[] {2, 4, 5, 9});
        assertEquals(11 / Math.sqrt(130), report.pearson(), TOLERANCE);
        assertEquals(1.0, report.spearman(), TOLERANCE);
        assertEquals(report.pearson(), report.metric("pearson"));
    }

    @Test
    void errorsOfASmallCase() {
        // differences -1, 0, -2: squared mean 5/3, absolute mean 1
        RegressionReport report = RegressionMetrics.evaluate(new double[] {1, 2, 3}, new double[] {2, 2, 5});
        assertEquals(5.0 / 3, report.mse(), TOLERANCE);
        assertEquals(1.0, report.mae(), TOLERANCE);
        assertEquals(report.mse(), report.metric("mse"));
    }

    @Test
    void constantInputHasNoCorrelation() {
        // scipy returns NaN (with a warning) when one side has no variance
        RegressionReport report = RegressionMetrics.evaluate(new double[] {1, 2, 3}, new double[] {4, 4, 4});
        assertTrue(Double.isNaN(report.pearson()));
        assertTrue(Double.isNaN(report.spearman()));
        assertEquals((9 + 4 + 1) / 3.0, report.mse(), TOLERANCE);
    }
}
