package dev.jbert.core.nn;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code LayerNorm(dropout(x + bias) + residual)} and its gradients, with each kernel set, against a double-precision
 * reference: outputs within 1e-5, gradients within 1e-4 relative to their largest value.
 */
class LayerNormTest {

    private static final int ROWS = 37, WIDTH = 53;
    private static final double EPS = 1e-12;
    private final Random random = new Random(11);
    private final INDArray x = Reference.randn(random, 2, ROWS, WIDTH), residual = Reference.randn(random, 1, ROWS, WIDTH);
    private final INDArray bias = Reference.randn(random, 0.5, WIDTH), gamma = Reference.randn(random, 1, WIDTH), beta = Reference.randn(random, 1, WIDTH);
    private final INDArray dy = Reference.randn(random, 1, ROWS, WIDTH);

    /** The reference: outputs, and gradients of Σ dy·y for x (through dropout), γ, β and the bias. */
    private record Expected(double[] y, double[] dx, double[] dGamma, double[] dBeta, double[] dBias) {
    }

    /** {@code mask}: the dropout's multipliers (0 or 1/(1-p)) for each element, or null for none. */
    private Expected reference(float[] mask) {
        double[] xs = Reference.doubles(x), rs = Reference.doubles(residual), b = Reference.doubles(bias), g = Reference.doubles(gamma);
        double[] bt = Reference.doubles(beta), d = Reference.doubles(dy);
        double[] y = new double[ROWS * WIDTH], dx = new double[ROWS * WIDTH], dG = new double[WIDTH], dB = new double[WIDTH], dBias = new double[WIDTH];
        for (int r = 0; r < ROWS; r++) {
            double[] v = new double[WIDTH], keep = new double[WIDTH];
            double mean = 0;
            for (int j = 0; j < WIDTH; j++) {
                int i = r * WIDTH + j;
                keep[j] = mask == null ? 1 : mask[i];
                v[j] = (xs[i] + b[j]) * keep[j] + rs[i];
                mean += v[j] / WIDTH;
            }
            double var = 0;
            for (int j = 0; j < WIDTH; j++) var += (v[j] - mean) * (v[j] - mean) / WIDTH;
            double rstd = 1 / Math.sqrt(var + EPS), sumG = 0, sumGx = 0;
            double[] hat = new double[WIDTH];
            for (int j = 0; j < WIDTH; j++) {
                int i = r * WIDTH + j;
                hat[j] = (v[j] - mean) * rstd;
                y[i] = hat[j] * g[j] + bt[j];
                dG[j] += d[i] * hat[j];
                dB[j] += d[i];
                sumG += d[i] * g[j];
                sumGx += d[i] * g[j] * hat[j];
            }
            for (int j = 0; j < WIDTH; j++) {
                int i = r * WIDTH + j;
                double dv = rstd * (d[i] * g[j] - sumG / WIDTH - hat[j] * sumGx / WIDTH);
                dx[i] = dv * keep[j];
                dBias[j] += dx[i];
            }
        }
        return new Expected(y, dx, dG, dB, dBias);
    }

    private static void assertClose(double[] expected, INDArray actual, double relative, String what) {
        double d = Reference.maxAbsDiff(expected, actual), scale = Math.max(1, Reference.maxAbs(expected));
        assertTrue(d <= relative * scale, what + ": max |Δ| " + d + " against a scale of " + scale);
    }

    /** An evaluation pass must give the training pass's output; the backward pass follows a training pass. */
    private void check(KernelSet kernels, Dropout dropout, Pass pass) {
        Map<String, INDArray> grads = new HashMap<>();
        grads.put("ln.weight", gamma.ulike().assign(0));
        grads.put("ln.bias", gamma.ulike().assign(0));
        Pass training = Pass.training(pass.dropoutSeed(), grads);
        LayerNorm ln = new LayerNorm("ln", gamma, beta, EPS, kernels.kernels());
        INDArray y;
        Expected e;
        if (!pass.training()) {
            e = reference(null);
            assertClose(e.y(), ln.forward(x, bias, dropout, residual, pass), 1e-5, "evaluation output");
            y = ln.forward(x, bias, dropout, residual, training);
        } else {
            y = ln.forward(x, bias, dropout, residual, training);
            // the mask the pass drew: the same dropout applied to ones in the same pass
            INDArray ones = x.ulike().assign(1), mask = x.ulike();
            dropout.apply(ones, mask, training);
            e = reference(mask.dup().data().asFloat());
        }
        assertClose(e.y(), y, 1e-5, "output");
        INDArray dx = x.ulike(), dBias = bias.ulike().assign(0);
        ln.backward(dy, dropout, dx, dBias, training);
        assertClose(e.dx(), dx, 1e-4, "dx");
        assertClose(e.dGamma(), grads.get("ln.weight"), 1e-4, "dγ");
        assertClose(e.dBeta(), grads.get("ln.bias"), 1e-4, "dβ");
        assertClose(e.dBias(), dBias, 1e-4, "d bias");
    }

    @ParameterizedTest
    @EnumSource(KernelSet.class)
    void normalisesTheBiasedResidualSum(KernelSet kernels) {
        check(kernels, null, Pass.inference());
    }

    @ParameterizedTest
    @EnumSource(KernelSet.class)
    void dropsOutTheBiasedInputBeforeTheResidualAndBackwardsThroughTheSameMask(KernelSet kernels) {
        check(kernels, new Dropout(0.3, 4, kernels.kernels()), Pass.training(99, Map.of()));
    }

    @ParameterizedTest
    @EnumSource(KernelSet.class)
    void aRowOfAnotherWidthIsRefused(KernelSet kernels) {
        LayerNorm ln = new LayerNorm("ln", gamma, beta, EPS, kernels.kernels());
        assertThrows(IllegalArgumentException.class,
                () -> ln.forward(org.nd4j.linalg.factory.Nd4j.zeros(DataType.FLOAT, 2, WIDTH + 1), null, null, null, Pass.inference()));
    }
}
