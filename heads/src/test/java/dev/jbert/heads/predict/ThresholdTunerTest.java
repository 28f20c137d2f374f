package dev.jbert.heads.predict;

import dev.jbert.core.ModelFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThresholdTunerTest {

    private static final double EPS = 1e-12;
    private static final List<String> LABELS = List.of("x", "y", "z", "w");

    // A label is predicted when p > t. Columns x, y, z, w; gold in the second array.
    private static final double[][] P = {
            {0.35, 0.9, 0.1, 0.95},
            {0.40, 0.8, 0.1, 0.90},
            {0.45, 0.6, 0.1, 0.05},
            {0.10, 0.7, 0.1, 0.05},
            {0.20, 0.2, 0.1, 0.05},
            {0.30, 0.1, 0.1, 0.05},
    };
    private static final int[][] GOLD = {
            {1, 1, 0, 1},
            {1, 1, 0, 1},
            {1, 0, 0, 0},
            {0, 0, 0, 0},
            {0, 0, 0, 0},
            {0, 0, 0, 0},
    };

    @Test
    void eachClassGetsItsBestThreshold() {
        ThresholdTuning r = ThresholdTuner.tune(LABELS, P, GOLD);

        // x: positives 0.35, 0.40, 0.45; negatives up to 0.30. Only 0.30 <= t < 0.35 separates them, and the
        //    grid's only value there is 0.30 (F1 1). At 0.5 nothing is predicted: F1 0.
        // y: positives 0.9, 0.8; negatives up to 0.7: 0.70 <= t < 0.80 is perfect, i.e. 0.70 and 0.75 tie;
        //    0.70 is closer to 0.5. At 0.5: 0.9, 0.8, 0.6, 0.7 predicted, TP 2 FP 2 -> F1 4/6 = 2/3.
        // z: no positives: keeps the default 0.5, F1 0 (zero_division) before and after.
        // w: perfect for every grid value from 0.05 to 0.85; 0.5 itself is among them and wins the tie.
        assertEquals(Map.of("x", 0.30, "y", 0.70, "z", 0.5, "w", 0.5), r.thresholds().byLabel());
        assertEquals(List.of("x", "y", "z", "w"), List.copyOf(r.thresholds().byLabel().keySet()), "label order");

        ThresholdTuning.ClassResult x = r.classes().get(0);
        assertEquals(new ThresholdTuning.ClassResult("x", 0.30, 3, true, 0.0, 1.0), x);
        ThresholdTuning.ClassResult y = r.classes().get(1);
        assertEquals(2.0 / 3, y.f1Before(), EPS);
        assertEquals(1.0, y.f1After(), EPS);
        ThresholdTuning.ClassResult z = r.classes().get(2);
        assertFalse(z.tuned());
        assertEquals(0, z.positives());
        assertEquals(0.0, z.f1After(), 0);

        // macro: before (0 + 2/3 + 0 + 1) / 4 = 5/12; after (1 + 1 + 0 + 1) / 4 = 3/4
        assertEquals(5.0 / 12, r.macroF1Before(), EPS);
        assertEquals(0.75, r.macroF1After(), EPS);
        // micro before: TP 0+2+0+2 = 4, FP 2 (y), FN 3 (x) -> 8 / (8 + 2 + 3) = 8/13; after: TP 7, no errors -> 1
        assertEquals(8.0 / 13, r.microF1Before(), EPS);
        assertEquals(1.0, r.microF1After(), EPS);
    }

    @Test
    void tiesGoTowardHalfEvenAwayFromTheDefault() {
        // q's only positive has probability 0: nothing ever exceeds a threshold, F1 is 0 everywhere, a
        // tie over all candidates (the grid and the default 0.3): 0.5 is the closest to 0.5.
        ThresholdTuning r = ThresholdTuner.tune(List.of("q"), new double[][]{{0.0}, {0.0}}, new int[][]{{1}, {0}}, 0.3);
        assertEquals(0.5, r.thresholds().forLabel("q"), 0);
        assertEquals(0.3, r.thresholds().defaultThreshold(), 0);
    }

    @Test
    void theDefaultIsACandidateSoNoClassGetsWorse() {
        // default 0.33 is off the grid. Positive 0.34, negative 0.32: only 0.32 <= t < 0.34 is perfect and
        // 0.33 is the one candidate there (the grid has 0.30 and 0.35).
        ThresholdTuning r = ThresholdTuner.tune(List.of("a"), new double[][]{{0.34}, {0.32}}, new int[][]{{1}, {0}}, 0.33);
        assertEquals(0.33, r.thresholds().forLabel("a"), 0);
        assertEquals(1.0, r.classes().get(0).f1After(), 0);
    }

    @Test
    void tuningFromLogitsAppliesTheSigmoid() {
        // logits 0 and ln(0.1/0.9): sigmoid gives 0.5 and about 0.1; positive 0.5, negative 0.1: every
        // grid value from 0.15 to 0.45 separates them (0.5 does not: 0.5 > 0.5 is false); 0.45 is closest to 0.5
        float[][] logits = {{0f}, {(float) Math.log(0.1 / 0.9)}};
        ThresholdTuning r = ThresholdTuner.tuneFromLogits(List.of("a"), logits, new int[][]{{1}, {0}}, 0.5);
        assertEquals(0.45, r.thresholds().forLabel("a"), 0);
        assertEquals(0.0, r.classes().get(0).f1Before(), 0);
    }

    @Test
    void thresholdsRoundTripThroughJson(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(Thresholds.FILE_NAME);
        Thresholds tuned = ThresholdTuner.tune(LABELS, P, GOLD).thresholds();
        tuned.write(file);
        String json = Files.readString(file);
        assertTrue(json.contains("\"x\" : 0.3,"), json);
        assertTrue(json.contains("\"y\" : 0.7,"), json);
        assertEquals(tuned, Thresholds.read(file));
        assertEquals(0.25, Thresholds.read(file, 0.25).defaultThreshold(), 0);
    }

    @Test
    void badThresholdFilesNameTheFile(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nope.json");
        ModelFileException e = assertThrows(ModelFileException.class, () -> Thresholds.read(missing));
        assertTrue(e.getMessage().startsWith(missing.toString()) && e.getMessage().contains("not found"), e.getMessage());

        Map<String, String> bad = Map.of(
                "{\"a\": 0.5", "not valid JSON",
                "[0.5, 0.2]", "found an array",
                "", "an empty file",
                "{\"a\": \"0.5\"}", "the threshold of 'a' is a string",
                "{\"a\": 1.0}", "strictly between 0 and 1",
                "{\"a\": 0}", "strictly between 0 and 1",
                "{\"a\": 0.5, \"a\": 0.6}", "Duplicate field");
        int i = 0;
        for (Map.Entry<String, String> c : bad.entrySet()) {
            Path file = dir.resolve("bad" + i++ + ".json");
            Files.writeString(file, c.getKey());
            e = assertThrows(ModelFileException.class, () -> Thresholds.read(file), c.getKey());
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            assertTrue(e.getMessage().contains(c.getValue()), c.getKey() + " -> " + e.getMessage());
        }
    }

    @Test
    void badTuningInputIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ThresholdTuner.tune(List.of("a"), new double[][]{{0.5}}, new int[][]{{1}, {0}}));
        assertTrue(e.getMessage().contains("1 rows of probabilities but 2 rows of gold"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ThresholdTuner.tune(List.of("a"), new double[][]{{1.5}}, new int[][]{{1}}));
        assertTrue(e.getMessage().contains("[0, 1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ThresholdTuner.tune(List.of("a"), new double[][]{{0.5}}, new int[][]{{2}}));
        assertTrue(e.getMessage().contains("multi-hot"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ThresholdTuner.tune(List.of("a", "b"), new double[][]{{0.5}}, new int[][]{{1}}));
        assertTrue(e.getMessage().contains("2 entries"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ThresholdTuner.tune(List.of("a"), new double[0][], new int[0][]));
        e = assertThrows(IllegalArgumentException.class,
                () -> ThresholdTuner.tune(List.of("a"), new double[][]{{0.5}}, new int[][]{{1}}, 1.0));
        assertTrue(e.getMessage().contains("strictly between 0 and 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Thresholds(0.5, Map.of("a", -0.2)));
    }
}
