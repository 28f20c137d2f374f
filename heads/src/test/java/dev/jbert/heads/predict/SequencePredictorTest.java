package dev.jbert.heads.predict;

import dev.jbert.core.data.Task;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SequencePredictorTest {

    private static final double EPS = 1e-6;
    private static final float LN2 = (float) Math.log(2);
    private static final float LN3 = (float) Math.log(3);
    private static final float LN5 = (float) Math.log(5);

    @Test
    void singleLabelTakesTheSoftmaxArgmax() {
        SequencePredictor p = SequencePredictor.of(Task.SINGLE_LABEL, List.of("neg", "neu", "pos"));
        // logits ln1, ln2, ln5: exp gives 1, 2, 5, so softmax = 1/8, 2/8, 5/8
        SingleLabelPrediction out = p.singleLabel(new float[]{0f, LN2, LN5});
        assertEquals("pos", out.label());
        assertEquals(2, out.index());
        assertEquals(0.625, out.score(), EPS);
        assertEquals(List.of("neg", "neu", "pos"), List.copyOf(out.probabilities().keySet()));
        assertEquals(0.125, out.probabilities().get("neg"), EPS);
        assertEquals(0.25, out.probabilities().get("neu"), EPS);
        assertEquals(List.of(), out.logits(), "logits only on request");
        assertEquals(Task.SINGLE_LABEL, out.task());
    }

    @Test
    void singleLabelTieGoesToTheFirstLabelAsArgmaxDoes() {
        SequencePredictor p = SequencePredictor.of(Task.SINGLE_LABEL, List.of("a", "b", "c"));
        // equal logits: 1/3 each; argmax keeps the first
        SingleLabelPrediction out = p.singleLabel(new float[]{4f, 4f, 4f});
        assertEquals("a", out.label());
        assertEquals(1.0 / 3, out.score(), EPS);
    }

    @Test
    void softmaxIsStableForHugeLogits() {
        SequencePredictor p = SequencePredictor.of(Task.SINGLE_LABEL, List.of("a", "b", "c"));
        // naive exp(1000) overflows to Infinity and gives NaN; shifted by the max: exp(0)=1, exp(-1000)=0, exp(-2000)=0
        SingleLabelPrediction out = p.singleLabel(new float[]{1000f, 0f, -1000f});
        assertEquals("a", out.label());
        assertEquals(1.0, out.score(), 0);
        assertEquals(0.0, out.probabilities().get("c"), 0);
        // -Infinity is a legal logit (probability 0)
        assertArrayEquals(new double[]{0.5, 0.5, 0.0},
                Probabilities.softmax(new float[]{1f, 1f, Float.NEGATIVE_INFINITY}), EPS);
    }

    @Test
    void sigmoidIsStableAndSymmetric() {
        // e^-x would overflow for x = -1000 in the naive 1/(1+e^-x); the stable form gives 0 exactly
        assertEquals(0.0, Probabilities.sigmoid(-1000), 0);
        assertEquals(1.0, Probabilities.sigmoid(1000), 0);
        assertEquals(0.5, Probabilities.sigmoid(0), 0);
        // sigmoid(ln 3) = 3/(3+1) = 0.75, sigmoid(-ln 3) = 0.25
        assertEquals(0.75, Probabilities.sigmoid(Math.log(3)), 1e-15);
        assertEquals(0.25, Probabilities.sigmoid(-Math.log(3)), 1e-15);
    }

    @Test
    void multiLabelUsesTheGlobalThreshold() {
        SequencePredictor p = SequencePredictor.of(Task.MULTI_LABEL, List.of("a", "b", "c")).withLogits();
        // sigmoid(ln 3) = 0.75, sigmoid(0) = 0.5, sigmoid(-ln 3) = 0.25
        MultiLabelPrediction out = p.multiLabel(new float[]{LN3, 0f, -LN3});
        assertEquals(0.75, out.probabilities().get("a"), EPS);
        assertEquals(0.5, out.probabilities().get("b"), EPS);
        assertEquals(0.25, out.probabilities().get("c"), EPS);
        // strictly above 0.5: only a (b sits exactly on the threshold)
        assertEquals(List.of("a"), out.labels());
        assertEquals(Map.of("a", 0.5, "b", 0.5, "c", 0.5), out.thresholds());
        assertEquals(List.of((double) LN3, 0.0, (double) -LN3), out.logits());

        // a global 0.2: all three are above it
        assertEquals(List.of("a", "b", "c"), p.withThreshold(0.2).multiLabel(new float[]{LN3, 0f, -LN3}).labels());
    }

    @Test
    void multiLabelUsesPerClassThresholdsAndTheDefaultForTheRest() {
        SequencePredictor p = SequencePredictor.of(Task.MULTI_LABEL, List.of("a", "b", "c"))
                .withThresholds(new Thresholds(0.4, Map.of("a", 0.8, "c", 0.2)));
        // a: 0.75 vs 0.8 -> no; b: 0.5 vs the default 0.4 -> yes; c: 0.25 vs 0.2 -> yes
        MultiLabelPrediction out = p.multiLabel(new float[]{LN3, 0f, -LN3});
        assertEquals(List.of("b", "c"), out.labels());
        assertEquals(0.4, out.thresholds().get("b"), 0);
        // no label above threshold is a valid, empty answer
        assertEquals(List.of(), p.multiLabel(new float[]{-1000f, -1000f, -1000f}).labels());
    }

    @Test
    void regressionReturnsTheValue() {
        SequencePredictor p = SequencePredictor.of(Task.REGRESSION, List.of("score")).withLogits();
        SequencePrediction out = p.predict(new float[]{2.5f});
        RegressionPrediction r = assertInstanceOf(RegressionPrediction.class, out);
        assertEquals(2.5, r.value(), 0);
        assertEquals(List.of(2.5), r.logits());
    }

    @Test
    void batchPredictionIsOnePerRow() {
        SequencePredictor p = SequencePredictor.of(Task.SINGLE_LABEL, List.of("no", "yes"));
        List<SequencePrediction> out = p.predict(new float[][]{{1f, 0f}, {0f, 1f}});
        assertEquals("no", ((SingleLabelPrediction) out.get(0)).label());
        assertEquals("yes", ((SingleLabelPrediction) out.get(1)).label());
    }

    @Test
    void badInputIsAClearError() {
        SequencePredictor single = SequencePredictor.of(Task.SINGLE_LABEL, List.of("a", "b"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> single.predict(new float[]{1f, 2f, 3f}));
        assertTrue(e.getMessage().contains("expected 2 logits"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> single.predict(new float[][]{{1f, 2f}, {1f}}));
        assertTrue(e.getMessage().startsWith("row 1:"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> single.predict(new float[]{Float.NaN, 0f}));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> single.withThreshold(0.3), "thresholds are multi-label only");
        assertThrows(IllegalArgumentException.class, () -> single.multiLabel(new float[]{1f, 2f}));

        SequencePredictor multi = SequencePredictor.of(Task.MULTI_LABEL, List.of("a", "b"));
        for (double bad : new double[]{0.0, 1.0, -0.1, 1.5, Double.NaN}) {
            e = assertThrows(IllegalArgumentException.class, () -> multi.withThreshold(bad));
            assertTrue(e.getMessage().contains("strictly between 0 and 1"), e.getMessage());
        }
        e = assertThrows(IllegalArgumentException.class, () -> multi.withThresholds(Thresholds.of(Map.of("zzz", 0.3))));
        assertTrue(e.getMessage().contains("[zzz]"), e.getMessage());

        assertThrows(IllegalArgumentException.class, () -> SequencePredictor.of(Task.REGRESSION, List.of("a", "b")));
        assertThrows(IllegalArgumentException.class, () -> SequencePredictor.of(Task.SINGLE_LABEL, List.of("a")));
        assertThrows(IllegalArgumentException.class, () -> SequencePredictor.of(Task.SINGLE_LABEL, List.of("a", "a")));
        assertThrows(IllegalArgumentException.class, () -> SequencePredictor.of(Task.TOKEN_CLASSIFICATION, List.of("O", "B-X")));
    }

    @Test
    void resultsAreImmutable() {
        SingleLabelPrediction out = SequencePredictor.of(Task.SINGLE_LABEL, List.of("a", "b"))
                .withLogits().singleLabel(new float[]{1f, 0f});
        assertThrows(UnsupportedOperationException.class, () -> out.probabilities().put("c", 1.0));
        assertThrows(UnsupportedOperationException.class, () -> out.logits().set(0, 9.0));
    }
}
