package dev.jbert.core.imbalance;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnderSamplerTest {

    private static final int[] LABELS = ImbalanceFixtures.labels(900, 80, 20);

    @Test
    void keepsEveryRareExampleAndAsManyOfEachOtherClass() {
        UnderSampler sampler = UnderSampler.of(LABELS);
        assertEquals(20, sampler.perClass());
        assertEquals(60, sampler.numSamples());
        int[] epoch = sampler.sample(5L);
        assertEquals(60, epoch.length);
        assertEquals(60, Arrays.stream(epoch).distinct().count(), "no example twice");
        int[] perClass = new int[3];
        for (int i : epoch) {
            perClass[LABELS[i]]++;
        }
        assertArrayEquals(new int[] {20, 20, 20}, perClass);
        Set<Integer> kept = new HashSet<>();
        Arrays.stream(epoch).forEach(kept::add);
        for (int i = 0; i < LABELS.length; i++) {
            if (LABELS[i] == 2) {
                assertTrue(kept.contains(i), "rare example " + i + " dropped");
            }
        }
    }

    @Test
    void sameSeedSameEpochAndOtherSeedsDiffer() {
        UnderSampler sampler = UnderSampler.of(LABELS);
        int[] epoch = sampler.sample(42L);
        assertArrayEquals(epoch, sampler.sample(42L));
        assertArrayEquals(epoch, UnderSampler.of(LABELS.clone()).sample(new SplittableRandom(42)));
        assertFalse(Arrays.equals(epoch, sampler.sample(43L)));
    }

    @Test
    void epochsDrawDifferentSubsetsOfTheCommonClass() {
        UnderSampler sampler = UnderSampler.of(LABELS);
        Set<Integer> seen = new HashSet<>();
        for (long epoch = 0; epoch < 200; epoch++) {
            for (int i : sampler.sample(epoch)) {
                if (LABELS[i] == 0) {
                    seen.add(i);
                }
            }
        }
        // 200 epochs of 20 out of 900: each example is missed with probability (880/900)^200 ≈ 1%.
        assertTrue(seen.size() > 850, "distinct common examples seen: " + seen.size());
    }

    @Test
    void shufflesClassesTogether() {
        int[] epoch = UnderSampler.of(LABELS).sample(9L);
        int changes = 0;
        for (int k = 1; k < epoch.length; k++) {
            if (LABELS[epoch[k]] != LABELS[epoch[k - 1]]) {
                changes++;
            }
        }
        // Grouped by class there would be 2 changes; a shuffle of 3×20 gives about 40.
        assertTrue(changes > 25, "class changes along the epoch: " + changes);
    }

    @Test
    void classIdsWithoutExamplesAreIgnored() {
        int[] labels = {0, 3, 3, 0, 0, 3};
        UnderSampler sampler = UnderSampler.of(labels);
        assertEquals(3, sampler.perClass());
        int[] epoch = sampler.sample(1L);
        Arrays.sort(epoch);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, epoch);
    }

    @Test
    void invalidLabelsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UnderSampler.of(new int[] {1, 0, -1}));
        assertTrue(e.getMessage().contains("example 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> UnderSampler.of(new int[0]));
        assertThrows(IllegalArgumentException.class, () -> UnderSampler.of(null));
    }
}
