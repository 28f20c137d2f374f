package dev.jbert.core.imbalance;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Class weights against the reference's {@code compute_class_weights} and class-balanced weights. */
class ClassWeightsTest {

    private static final JsonNode ORACLE = ImbalanceFixtures.json("class_weights.json");
    private static final long[] COUNTS = ImbalanceFixtures.longs(ORACLE.get("labels_counts"));

    @Test
    void strategiesMatchTheReference() {
        Map<ClassWeightStrategy, String> keys = Map.of(
                ClassWeightStrategy.INVERSE, "inverse_mean_1",
                ClassWeightStrategy.SQRT_INVERSE, "sqrt_inverse_mean_1",
                ClassWeightStrategy.EFFECTIVE, "effective_mean_1");
        keys.forEach((strategy, key) -> assertArrayEquals(ImbalanceFixtures.doubles(ORACLE.get(key)),
                ClassWeights.compute(strategy, COUNTS).toArray(), 1e-9, strategy.cliName()));
    }

    @Test
    void classBalancedMatchesTheReferenceForEveryBeta() {
        List<String> checked = new ArrayList<>();
        ORACLE.fields().forEachRemaining(e -> {
            String key = e.getKey();
            if (key.startsWith("class_balanced_beta")) {
                double beta = Double.parseDouble(key.substring("class_balanced_beta".length(), key.indexOf("_sum")));
                assertArrayEquals(ImbalanceFixtures.doubles(e.getValue()),
                        ClassWeights.classBalanced(COUNTS, beta).toArray(), 1e-9, key);
                checked.add(key);
            }
        });
        assertEquals(4, checked.size(), "betas in the fixture: " + checked);
    }

    @Test
    void classBalancedMatchesTheFloat32WeightsTheSeqClsLossUsed() {
        JsonNode reference = ImbalanceFixtures.json("seq-cls-class-balanced.json");
        ClassWeights weights = ClassWeights.classBalanced(
                ImbalanceFixtures.longs(reference.get("counts")), reference.get("beta").doubleValue());
        double[] expected = ImbalanceFixtures.doubles(reference.get("weights"));
        float[] actual = weights.toFloatArray();
        for (int c = 0; c < expected.length; c++) {
            assertEquals(expected[c], actual[c], 1e-6, "class " + c);
        }
    }

    @Test
    void computedWeightsHaveMeanOne() {
        for (ClassWeightStrategy strategy : ClassWeightStrategy.values()) {
            double sum = 0;
            for (double w : ClassWeights.compute(strategy, 5, 17, 301, 2).toArray()) {
                sum += w;
            }
            assertEquals(4.0, sum, 1e-12, strategy.cliName());
        }
    }

    @Test
    void labelsGiveTheSameWeightsAsTheirCounts() {
        int[] labels = {2, 0, 0, 1, 0, 2, 0};
        assertEquals(ClassWeights.compute(ClassWeightStrategy.INVERSE, 4, 1, 2),
                ClassWeights.compute(ClassWeightStrategy.INVERSE, labels, 3));
    }

    @Test
    void classWithoutExamplesIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClassWeights.compute(ClassWeightStrategy.SQRT_INVERSE, 10, 0, 3));
        assertTrue(e.getMessage().contains("class 1"), e.getMessage());
    }

    @Test
    void labelsThatLeaveAClassEmptyAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClassWeights.compute(ClassWeightStrategy.INVERSE, new int[] {0, 0, 1}, 3));
        assertTrue(e.getMessage().contains("class 2"), e.getMessage());
    }

    @Test
    void labelOutOfRangeIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClassWeights.compute(ClassWeightStrategy.INVERSE, new int[] {0, 1, 3}, 3));
        assertTrue(e.getMessage().contains("example 2") && e.getMessage().contains("3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClassWeights.compute(ClassWeightStrategy.INVERSE, new int[] {-100}, 3));
        assertThrows(IllegalArgumentException.class, () -> ClassWeights.compute(ClassWeightStrategy.INVERSE, new int[0], 3));
        assertThrows(IllegalArgumentException.class, () -> ClassWeights.compute(ClassWeightStrategy.INVERSE, new int[] {0}, 0));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 1.0, -0.5, 1.5, Double.NaN})
    void betaOutsideTheOpenUnitIntervalIsRejected(double beta) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClassWeights.classBalanced(COUNTS, beta));
        assertTrue(e.getMessage().contains("beta"), e.getMessage());
    }

    @Test
    void missingInputsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ClassWeights.compute(null, COUNTS));
        assertThrows(IllegalArgumentException.class, () -> ClassWeights.compute(ClassWeightStrategy.INVERSE));
        assertThrows(IllegalArgumentException.class, () -> ClassWeights.classBalanced(null, 0.9));
    }

    @Test
    void givenWeightsAreKeptAsTheyAre() {
        double[] given = {0.5, 0.0, 3.0};
        ClassWeights weights = ClassWeights.of(given);
        given[0] = 99;
        assertArrayEquals(new double[] {0.5, 0.0, 3.0}, weights.toArray());
        weights.toArray()[1] = 7;
        assertEquals(0.0, weights.get(1));
        assertEquals(3, weights.numClasses());
        assertNotEquals(weights, ClassWeights.of(0.5, 0.0, 3.5));
    }

    @Test
    void invalidGivenWeightsAreRejected() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClassWeights.of(1, -2))
                .getMessage().contains("class 1"));
        assertThrows(IllegalArgumentException.class, () -> ClassWeights.of(1, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> ClassWeights.of(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> ClassWeights.of(0, 0));
        assertThrows(IllegalArgumentException.class, ClassWeights::of);
    }
}
