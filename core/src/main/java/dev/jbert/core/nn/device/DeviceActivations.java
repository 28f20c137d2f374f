package dev.jbert.core.nn.device;

import dev.jbert.core.nd4j.NativeMemory;
import dev.jbert.core.nn.ActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The activations as ND4J operations. GELU is composed from {@code erf}: ND4J's own {@code gelu} is the sigmoid
 * approximation, not the erf form BERT uses (ND4J-NOTES).
 */
final class DeviceActivations {

    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

    private DeviceActivations() {
    }

    /** {@code y = f(x)}; {@code y} may be {@code x}. */
    static void forward(ActivationFunction f, INDArray x, INDArray y) {
        INDArray out = switch (f) {
            case GELU -> {
                INDArray t = x.mul(SQRT_HALF);
                Nd4j.exec(new Erf(t, t));
                yield t.addi(1).muli(x).muli(0.5);
            }
            case GELU_TANH -> Transforms.tanh(tanhArgument(x), false).addi(1).muli(x).muli(0.5);
            case RELU -> Transforms.relu(x, true);
            case SILU -> Transforms.sigmoid(x, true).muli(x);
            case TANH -> Transforms.tanh(x, true);
        };
        y.assign(out);
        NativeMemory.free(out);
    }

    /** {@code dx = dy ⊙ f'(x)}, TANH's from its output {@code y}; {@code dx} may be {@code dy}. */
    static void backward(ActivationFunction f, INDArray x, INDArray y, INDArray dy, INDArray dx) {
        INDArray derivative = switch (f) {
            case GELU -> {
                INDArray cdf = x.mul(SQRT_HALF);
                Nd4j.exec(new Erf(cdf, cdf));
                cdf.addi(1).muli(0.5);
                INDArray density = Transforms.exp(x.mul(x).muli(-0.5), false).muli(INV_SQRT_2PI).muli(x);
                cdf.addi(density);
                NativeMemory.free(density);
                yield cdf;
            }
            case GELU_TANH -> {
                INDArray t = Transforms.tanh(tanhArgument(x), false);
                INDArray inner = x.mul(x).muli(3 * 0.044715).addi(1).muli(SQRT_2_OVER_PI);
                INDArray slope = t.mul(t).rsubi(1).muli(x).muli(0.5).muli(inner);
                t.addi(1).muli(0.5).addi(slope);
                NativeMemory.free(inner, slope);
                yield t;
            }
            case RELU -> {
                INDArray positive = x.gt(0), factor = positive.castTo(x.dataType());
                NativeMemory.free(positive);
                yield factor;
            }
            case SILU -> {
                INDArray s = Transforms.sigmoid(x, true), d = s.rsub(1).muli(s).muli(x).addi(s);
                NativeMemory.free(s);
                yield d;
            }
            case TANH -> y.mul(y).rsubi(1);
        };
        if (dx != dy) dx.assign(dy);
        dx.muli(derivative);
        NativeMemory.free(derivative);
    }

    /** {@code √(2/π)·(x + 0.044715·x³)}, a new array. */
    private static INDArray tanhArgument(INDArray x) {
        return x.mul(x).muli(x).muli(0.044715).addi(x).muli(SQRT_2_OVER_PI);
    }
}
