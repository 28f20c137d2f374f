package dev.jbert.core.nn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The float32 Linear with each kernel set against products written out with ND4J. */
class LinearTest {

    private final Random random = new Random(5);
    private final INDArray w = Reference.randn(random, 0.5, 7, 11), b = Reference.randn(random, 0.5, 7);
    private final INDArray x = Reference.randn(random, 1, 13, 11), dy = Reference.randn(random, 1, 13, 7);

    private Linear linear(KernelSet kernels) {
        return new Linear("l", w, b, new PrecisionPolicy(), kernels.kernels());
    }

    @ParameterizedTest
    @EnumSource(KernelSet.class)
    void forwardIsXTimesWTransposedPlusBias(KernelSet kernels) {
        INDArray y = linear(kernels).forward(x);
        assertTrue(y.equalsWithEps(x.mmul(w.transpose()).addRowVector(b), 1e-5));
    }

    @ParameterizedTest
    @EnumSource(KernelSet.class)
    void backwardAccumulatesIntoTheGradientsAndTheInputGradient(KernelSet kernels) {
        Map<String, INDArray> grads = new HashMap<>();
        INDArray dW = w.ulike().assign(1), db = b.ulike().assign(1);
        grads.put("l.weight", dW);
        grads.put("l.bias", db);
        Linear linear = linear(kernels);
        linear.forward(x);
        INDArray into = x.ulike().assign(2);
        linear.backward(dy, into, true, Pass.training(0, grads));
        assertTrue(dW.equalsWithEps(dy.transpose().mmul(x).addi(1), 1e-4), "dW += dyᵀ·x");
        assertTrue(db.equalsWithEps(dy.sum(0).addi(1), 1e-5), "db += Σ dy");
        assertTrue(into.equalsWithEps(dy.mmul(w).addi(2), 1e-5), "dx added to what the input's gradient held");
        INDArray dx = linear.backward(dy, Pass.training(0, Map.of()));
        assertTrue(dx.equalsWithEps(dy.mmul(w), 1e-5), "dx alone");
    }

    @ParameterizedTest
    @EnumSource(KernelSet.class)
    void aFrozenLayerLeavesGradientsAloneAndStillPassesTheInputGradient(KernelSet kernels) {
        Linear linear = linear(kernels);
        linear.forward(x);
        Map<String, INDArray> none = new HashMap<>();
        INDArray dx = linear.backward(dy, Pass.training(0, none));
        assertTrue(none.isEmpty());
        assertTrue(dx.equalsWithEps(dy.mmul(w), 1e-5));
    }

    @Test
    void shapesAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new Linear("l", w, Reference.randn(random, 1, 6)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Linear("l", Reference.randn(random, 1, 7), null));
        assertTrue(e.getMessage().contains("l.weight"), e.getMessage());
        assertEquals(11, new Linear("l", w, null).inFeatures());
    }
}
