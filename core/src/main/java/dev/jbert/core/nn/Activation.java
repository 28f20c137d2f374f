package dev.jbert.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An {@link ActivationFunction} applied by a model's kernels, forward and backward. Holds no state between calls:
 * threads may share it as long as their arrays differ.
 */
public final class Activation {

    private final ActivationFunction function;
    private final Kernels kernels;

    /**
     * An activation computed by the given kernels.
     *
     * @param function the function
     * @param kernels  the model's kernel set
     */
    public Activation(ActivationFunction function, Kernels kernels) {
        this.function = function;
        this.kernels = kernels;
    }

    /**
     * The function applied.
     *
     * @return the function
     */
    public ActivationFunction function() {
        return function;
    }

    /**
     * {@code y = f(x + bias)} row by row, in one pass over {@code x [N, W]}: a Linear's bias added here rather than
     * in a pass of its own. In training {@code x} keeps the biased values the backward pass needs; otherwise it is
     * left alone, which saves writing it back.
     *
     * @param x    the input {@code [N, W]}
     * @param bias {@code [W]}, or null
     * @param y    the output {@code [N, W]}
     * @param pass the pass; in a training pass {@code x} keeps {@code x + bias}
     */
    public void forward(INDArray x, INDArray bias, INDArray y, Pass pass) {
        kernels.activation(function, x, bias, y, pass.training());
    }

    /**
     * {@code y = f(x)}; {@code y} may be {@code x}.
     *
     * @param x the input
     * @param y the output, as many elements as {@code x}
     */
    public void forward(INDArray x, INDArray y) {
        kernels.activation(function, x, null, y, false);
    }

    /**
     * {@code dx = dy ⊙ f'(x)}, from the input {@code x} (and for TANH the output {@code y}); {@code dx} may be
     * {@code dy}.
     *
     * @param x  the forward pass's input, with its bias added
     * @param y  the forward pass's output
     * @param dy the output's gradient
     * @param dx the input's gradient, written
     */
    public void backward(INDArray x, INDArray y, INDArray dy, INDArray dx) {
        kernels.activationBackward(function, x, y, dy, dx);
    }
}
