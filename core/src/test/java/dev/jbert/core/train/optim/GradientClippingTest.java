package dev.jbert.core.train.optim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GradientClippingTest {

    @Test
    void clipsToTheMaximumAndReturnsTheNormBefore() {
        Map<String, INDArray> grads = grads(new float[] {3, 4}, new float[] {12});
        double total = GradientClipping.clipByGlobalNorm(grads, 1.0);
        assertEquals(13.0, total, 1e-6);
        float scale = (float) (1.0 / (13.0 + 1e-6));
        assertArrayEquals(new float[] {3 * scale, 4 * scale}, grads.get("a").toFloatVector(), 1e-7f);
        assertArrayEquals(new float[] {12 * scale}, grads.get("b").toFloatVector(), 1e-7f);
        assertEquals(1.0, GradientClipping.clipByGlobalNorm(grads, 100.0), 1e-6);
    }

    @Test
    void leavesSmallGradientsAlone() {
        Map<String, INDArray> grads = grads(new float[] {0.3f, 0.4f}, new float[] {1.2f});
        assertEquals(1.3, GradientClipping.clipByGlobalNorm(grads, 5.0), 1e-6);
        assertArrayEquals(new float[] {0.3f, 0.4f}, grads.get("a").toFloatVector());
        assertArrayEquals(new float[] {1.2f}, grads.get("b").toFloatVector());
    }

    @Test
    void aNormEqualToTheMaximumIsStillScaledByTheEpsilonAsInTorch() {
        Map<String, INDArray> grads = grads(new float[] {3, 4}, new float[] {0});
        assertEquals(5.0, GradientClipping.clipByGlobalNorm(grads, 5.0), 1e-6);
        float scaled = grads.get("a").getFloat(0);
        assertTrue(scaled < 3f, "scaled to " + scaled);
        assertEquals(3 * 5.0 / (5.0 + 1e-6), scaled, 1e-6);
    }

    @Test
    void nonFiniteNormIsReturnedAndNothingIsScaled() {
        Map<String, INDArray> nan = grads(new float[] {3, Float.NaN}, new float[] {12});
        assertTrue(Double.isNaN(GradientClipping.clipByGlobalNorm(nan, 1.0)));
        assertArrayEquals(new float[] {12}, nan.get("b").toFloatVector());

        Map<String, INDArray> inf = grads(new float[] {3, 4}, new float[] {Float.POSITIVE_INFINITY});
        assertEquals(Double.POSITIVE_INFINITY, GradientClipping.clipByGlobalNorm(inf, 1.0));
        assertArrayEquals(new float[] {3, 4}, inf.get("a").toFloatVector());
    }

    @Test
    void globalNormLeavesTheGradientsAlone() {
        Map<String, INDArray> grads = grads(new float[] {3, 4}, new float[] {12});
        assertEquals(13.0, GradientClipping.globalNorm(grads), 1e-6);
        assertArrayEquals(new float[] {3, 4}, grads.get("a").toFloatVector());
        assertTrue(Double.isNaN(GradientClipping.globalNorm(grads(new float[] {Float.NaN}, new float[] {1}))));
        assertThrows(IllegalArgumentException.class, () -> GradientClipping.globalNorm(null));
    }

    @Test
    void noGradientsHaveNormZero() {
        assertEquals(0.0, GradientClipping.clipByGlobalNorm(Map.of(), 1.0));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, -1.0, Double.NaN})
    void nonPositiveMaximumIsRejected(double maxNorm) {
        Map<String, INDArray> grads = grads(new float[] {3, 4}, new float[] {12});
        assertThrows(IllegalArgumentException.class, () -> GradientClipping.clipByGlobalNorm(grads, maxNorm));
        assertArrayEquals(new float[] {3, 4}, grads.get("a").toFloatVector());
    }

    @Test
    void missingGradientsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> GradientClipping.clipByGlobalNorm(null, 1.0));
        Map<String, INDArray> withNull = new LinkedHashMap<>();
        withNull.put("a", null);
        assertThrows(IllegalArgumentException.class, () -> GradientClipping.clipByGlobalNorm(withNull, 1.0));
    }

    private static Map<String, INDArray> grads(float[] a, float[] b) {
        Map<String, INDArray> grads = new LinkedHashMap<>();
        grads.put("a", Nd4j.createFromArray(a));
        grads.put("b", Nd4j.createFromArray(b));
        return grads;
    }
}
