package dev.jbert.core.nn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import dev.jbert.core.nn.host.HostActivations;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each activation and its derivative, with each kernel set, against double-precision formulas on a grid over
 * [-12, 12]: values within 2e-6 absolute (float32 rounds values up to 12 by 7e-7), derivatives within 1e-5 absolute.
 */
class ActivationFunctionTest {

    private static final int N = 24001;

    private static INDArray grid() {
        return Nd4j.linspace(-12, 12, N, DataType.FLOAT).reshape(1, N);
    }

    private static double exact(ActivationFunction f, double x) {
        return switch (f) {
            case GELU -> 0.5 * x * (1 + Reference.erf(x / Math.sqrt(2)));
            case GELU_TANH -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            case RELU -> Math.max(x, 0);
            case SILU -> x / (1 + Math.exp(-x));
            case TANH -> Math.tanh(x);
        };
    }

    static Stream<Arguments> everyActivationWithEveryKernelSet() {
        return Stream.of(KernelSet.values()).flatMap(k -> Stream.of(ActivationFunction.values()).map(f -> Arguments.of(k, f)));
    }

    @ParameterizedTest
    @MethodSource("everyActivationWithEveryKernelSet")
    void forwardMatchesTheExactFunction(KernelSet kernels, ActivationFunction function) {
        Activation f = new Activation(function, kernels.kernels());
        INDArray x = grid(), y = x.ulike();
        f.forward(x, y);
        double worst = 0;
        float[] xs = x.data().asFloat(), ys = y.data().asFloat();
        for (int i = 0; i < N; i++) worst = Math.max(worst, Math.abs(ys[i] - exact(function, xs[i])));
        assertTrue(worst < 2e-6, kernels + " " + function + ": max |Δ| " + worst);
    }

    @ParameterizedTest
    @MethodSource("everyActivationWithEveryKernelSet")
    void backwardIsTheDerivativeTimesTheUpstreamGradient(KernelSet kernels, ActivationFunction function) {
        Activation f = new Activation(function, kernels.kernels());
        INDArray x = grid(), y = x.ulike(), dy = Nd4j.linspace(-2, 2, N, DataType.FLOAT).reshape(1, N), dx = dy.ulike();
        f.forward(x, y);
        f.backward(x, y, dy, dx);
        float[] xs = x.data().asFloat(), gs = dy.data().asFloat(), ds = dx.data().asFloat();
        double worst = 0;
        for (int i = 0; i < N; i++) {
            if (function == ActivationFunction.RELU && xs[i] == 0) continue;        // the kink: torch's choice, 0, is tested below
            double h = 1e-5, derivative = (exact(function, xs[i] + h) - exact(function, xs[i] - h)) / (2 * h);
            worst = Math.max(worst, Math.abs(ds[i] - gs[i] * derivative));
        }
        assertTrue(worst < 1e-5, kernels + " " + function + ": max |Δ| " + worst);
    }

    @ParameterizedTest
    @EnumSource(KernelSet.class)
    void reluPassesNoGradientAtZeroAsTorch(KernelSet kernels) {
        INDArray x = Nd4j.zeros(DataType.FLOAT, 1, 3), y = x.ulike(), dy = Nd4j.ones(DataType.FLOAT, 1, 3), dx = dy.ulike();
        new Activation(ActivationFunction.RELU, kernels.kernels()).backward(x, y, dy, dx);
        assertEquals(0.0, dx.sumNumber().doubleValue());
    }

    @ParameterizedTest
    @EnumSource(KernelSet.class)
    void theBiasedForwardAddsTheBiasIntoItsInput(KernelSet kernels) {
        Activation gelu = new Activation(ActivationFunction.GELU, kernels.kernels());
        INDArray x = Nd4j.linspace(-3, 3, 12, DataType.FLOAT).reshape(3, 4), bias = Nd4j.createFromArray(0.5f, -1f, 2f, 0f);
        INDArray expected = x.addRowVector(bias), y = x.ulike(), reference = x.ulike();
        INDArray untouched = x.dup();
        gelu.forward(x, bias, y, Pass.inference());
        assertEquals(untouched, x, "evaluation leaves x alone");
        gelu.forward(x, bias, y, Pass.training(0, java.util.Map.of()));
        assertEquals(expected, x, "training keeps x + bias for the backward pass");
        gelu.forward(expected, reference);
        assertEquals(reference, y);
    }

    @Test
    void theVectorisedHelpersMatchTheirFunctions() {
        DoubleUnaryOperator exp = Math::exp;
        double worstExp = 0, worstErf = 0;
        for (double z = -20; z <= 0; z += 1e-3) {
            worstExp = Math.max(worstExp, Math.abs(HostActivations.expNonPositive((float) z) / exp.applyAsDouble((float) z) - 1));
        }
        for (double x = -6; x <= 6; x += 1e-3) worstErf = Math.max(worstErf, Math.abs(HostActivations.erf((float) x) - Reference.erf((float) x)));
        assertTrue(worstExp < 5e-6, "exp relative error " + worstExp);
        assertTrue(worstErf < 5e-7, "erf absolute error " + worstErf);
    }
}
