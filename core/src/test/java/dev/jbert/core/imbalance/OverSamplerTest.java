package dev.jbert.core.imbalance;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OverSamplerTest {

    private static final int[] LABELS = ImbalanceFixtures.labels(900, 80, 20);

    @Test
    void sameSeedSameEpochAndOtherSeedsDiffer() {
        OverSampler sampler = OverSampler.balanced(LABELS, LABELS.length);
        int[] epoch = sampler.sample(42L);
        assertArrayEquals(epoch, sampler.sample(42L));
        assertArrayEquals(epoch, OverSampler.balanced(LABELS.clone(), LABELS.length).sample(new SplittableRandom(42)));
        assertFalse(Arrays.equals(epoch, sampler.sample(43L)));
    }

    @Test
    void balancedDrawsEveryClassEquallyOften() {
        int draws = 300_000;
        int[] epoch = OverSampler.balanced(LABELS, draws).sample(7L);
        assertEquals(draws, epoch.length);
        int[] perClass = new int[3];
        for (int i : epoch) {
            perClass[LABELS[i]]++;
        }
        // Binomial standard deviation of each share is sqrt(1/3 · 2/3 / 300000) ≈ 0.00086; allow about 6 of them.
        for (int c = 0; c < 3; c++) {
            assertEquals(1.0 / 3, perClass[c] / (double) draws, 0.005, "share of class " + c);
        }
    }

    @Test
    void drawsFollowTheExampleWeightsAndNeverAWeightOfZero() {
        int draws = 200_000;
        int[] epoch = OverSampler.weighted(new double[] {1, 0, 3, 0}, draws).sample(11L);
        int[] hits = new int[4];
        for (int i : epoch) {
            hits[i]++;
        }
        assertEquals(0, hits[1]);
        assertEquals(0, hits[3]);
        assertEquals(0.25, hits[0] / (double) draws, 0.005);
        assertEquals(0.75, hits[2] / (double) draws, 0.005);
    }

    /** Example 0 alone carries the rare label 2; example 3 carries nothing, a class of one of its own. */
    @Test
    void multiLabelExamplesAreWeighedByTheirRarestLabel() {
        int[][] sets = {{0, 2}, {0, 1}, {0, 1}, {}, {1}, {0}};
        int draws = 70_000;
        int[] hits = new int[sets.length];
        for (int i : OverSampler.balancedByRarestLabel(sets, draws).sample(5L)) hits[i]++;
        // weights: 1/count of the rarest label, counts 0:4, 1:3, 2:1, none:1 -> 1, 1/3, 1/3, 1, 1/3, 1/4
        double[] expected = {1, 1 / 3.0, 1 / 3.0, 1, 1 / 3.0, 1 / 4.0};
        double total = java.util.Arrays.stream(expected).sum();
        for (int i = 0; i < sets.length; i++) {
            assertEquals(expected[i] / total, hits[i] / (double) draws, 0.01, "example " + i);
        }
        assertThrows(IllegalArgumentException.class, () -> OverSampler.balancedByRarestLabel(new int[][] {{-1}}, 4));
        assertThrows(IllegalArgumentException.class, () -> OverSampler.balancedByRarestLabel(new int[0][], 4));
        assertThrows(IllegalArgumentException.class, () -> OverSampler.balancedByRarestLabel(new int[][] {null}, 4));
    }

    @Test
    void drawsWithReplacementCoverRareExamplesSeveralTimes() {
        OverSampler sampler = OverSampler.balanced(LABELS, LABELS.length);
        assertEquals(LABELS.length, sampler.numSamples());
        int[] hits = new int[LABELS.length];
        for (int i : sampler.sample(3L)) {
            assertTrue(i >= 0 && i < LABELS.length, "index " + i);
            hits[i]++;
        }
        int rareDraws = 0;
        for (int i = 0; i < LABELS.length; i++) {
            if (LABELS[i] == 2) {
                rareDraws += hits[i];
            }
        }
        // 20 rare examples and about a third of 1000 draws: each repeats about 17 times.
        assertTrue(rareDraws > 280 && rareDraws < 390, "draws of the rarest class: " + rareDraws);
    }

    @Test
    void invalidInputIsRejected() {
        IllegalArgumentException ignoreIndex = assertThrows(IllegalArgumentException.class,
                () -> OverSampler.balanced(new int[] {0, -100, 1}, 3));
        assertTrue(ignoreIndex.getMessage().contains("example 1") && ignoreIndex.getMessage().contains("-100"),
                ignoreIndex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OverSampler.balanced(new int[0], 3));
        assertThrows(IllegalArgumentException.class, () -> OverSampler.balanced(null, 3));
        assertThrows(IllegalArgumentException.class, () -> OverSampler.balanced(new int[] {0, 1}, 0));
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> OverSampler.weighted(new double[] {1, -1}, 2));
        assertTrue(negative.getMessage().contains("example 1"), negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OverSampler.weighted(new double[] {1, Double.NaN}, 2));
        assertThrows(IllegalArgumentException.class, () -> OverSampler.weighted(new double[] {0, 0}, 2));
        assertThrows(IllegalArgumentException.class, () -> OverSampler.weighted(new double[0], 2));
    }
}
