package dev.jbert.heads.train;

import dev.jbert.heads.ClassifierModel;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Accumulating two micro-batches of two examples, each scaled by 1/2, gives the gradient of one
 * batch of the same four examples: the mean cross-entropy over four is the mean of the two
 * halves' means. Float32 sums in another order differ by rounding only (about 5e-7 here), so each
 * tensor must agree within 1e-6 of its own norm; the attention key biases, whose gradient is zero
 * but for rounding, are held to 1e-6 of the whole gradient's norm instead.
 */
class GradientAccumulationTest {

    private static Map<String, INDArray> zeros(ClassifierModel model) {
        Map<String, INDArray> g = new LinkedHashMap<>();
        model.trainableParameters().forEach((n, p) -> g.put(n, p.ulike().assign(0)));
        return g;
    }

    @Test
    void twoHalvesScaledByOneHalfEqualTheWholeBatch() {
        ClassifierModel model = TrainFixtures.seqCls(42);
        Map<String, INDArray> whole = zeros(model);
        double wholeLoss = TrainFixtures.value(model.accumulateGradients(TrainFixtures.batch(0, 5, 6, 9), 1.0, 3, whole));

        Map<String, INDArray> halves = zeros(model);
        double first = TrainFixtures.value(model.accumulateGradients(TrainFixtures.batch(0, 5), 0.5, 3, halves));
        double second = TrainFixtures.value(model.accumulateGradients(TrainFixtures.batch(6, 9), 0.5, 4, halves));

        // the returned losses are unscaled batch means
        assertEquals(wholeLoss, (first + second) / 2, 1e-6 * Math.abs(wholeLoss));

        double globalNorm = 0, globalDiff = 0, worst = 0;
        String worstName = null;
        for (Map.Entry<String, INDArray> e : whole.entrySet()) {
            INDArray expected = e.getValue();
            INDArray actual = halves.get(e.getKey());
            double norm = expected.norm2Number().doubleValue();
            double diff = expected.sub(actual).norm2Number().doubleValue();
            globalNorm += norm * norm;
            globalDiff += diff * diff;
            if (e.getKey().contains("attention.self.key.bias")) {
                // analytically zero (softmax ignores a shift shared by all keys): only rounding noise, checked below
                continue;
            }
            assertTrue(norm > 0, e.getKey() + " has a zero gradient");
            if (diff / norm > worst) {
                worst = diff / norm;
                worstName = e.getKey();
            }
        }
        globalNorm = Math.sqrt(globalNorm);
        globalDiff = Math.sqrt(globalDiff);
        System.out.printf("accumulation: worst relative difference %.2g (%s), overall %.2g%n", worst, worstName, globalDiff / globalNorm);
        assertTrue(worst < 1e-6, "gradients differ by " + worst + " relative in " + worstName);
        assertTrue(globalDiff < 1e-6 * globalNorm, "all gradients together differ by " + globalDiff / globalNorm + " relative");
        for (String name : whole.keySet()) {
            if (name.contains("attention.self.key.bias")) {
                assertTrue(whole.get(name).norm2Number().doubleValue() < 1e-6 * globalNorm, name + " should be (numerically) zero");
            }
        }
        assertEquals(model.trainableParameters().keySet(), whole.keySet());
    }

    @Test
    void scaleMultipliesTheGradientAndNotTheReturnedLoss() {
        ClassifierModel model = TrainFixtures.seqCls(42);
        Map<String, INDArray> once = zeros(model);
        Map<String, INDArray> quarter = zeros(model);
        double l1 = TrainFixtures.value(model.accumulateGradients(TrainFixtures.batch(1, 2, 3), 1.0, 0, once));
        double l2 = TrainFixtures.value(model.accumulateGradients(TrainFixtures.batch(1, 2, 3), 0.25, 0, quarter));
        assertEquals(l1, l2, 0.0, "the returned loss is unscaled");
        for (String name : once.keySet()) {
            INDArray expected = once.get(name).mul(0.25);
            double norm = expected.norm2Number().doubleValue();
            double diff = expected.sub(quarter.get(name)).norm2Number().doubleValue();
            assertTrue(diff <= 1e-6 * norm, name + ": scaled gradient differs by " + diff);
        }
    }
}
