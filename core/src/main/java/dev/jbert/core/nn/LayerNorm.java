package dev.jbert.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code torch.nn.LayerNorm} over the last dimension, with the sum that feeds it in post-norm layers folded in:
 * {@code LayerNorm(dropout(x + bias) + residual)} in one pass per row, each of bias, dropout and residual
 * optional. {@code y = (v - mean)/sqrt(var + eps)·γ + β} with the biased variance, as torch computes it. The
 * arithmetic is the model's kernels' ({@link Kernels.LayerNormKernel}), which keep what the backward pass needs.
 * Not thread-safe for that reason: one pass at a time per model.
 */
public final class LayerNorm {

    private final String weightName;
    private final String biasName;
    private final INDArray gamma;             // [H]
    private final INDArray beta;              // [H], or null for a LayerNorm without bias
    private final int width;
    private final Kernels.LayerNormKernel kernel;

    /**
     * A LayerNorm over rows as wide as {@code gamma}.
     *
     * @param prefix  checkpoint prefix: parameters {@code prefix.weight} (γ) and {@code prefix.bias} (β)
     * @param gamma   the scale γ {@code [H]}
     * @param beta    the shift β {@code [H]}; null for {@code nn.LayerNorm(bias=False)} (ModernBERT)
     * @param eps     added to the variance before its square root
     * @param kernels the model's kernel set
     */
    public LayerNorm(String prefix, INDArray gamma, INDArray beta, double eps, Kernels kernels) {
        this.weightName = prefix + ".weight";
        this.biasName = beta == null ? null : prefix + ".bias";
        this.gamma = gamma;
        this.beta = beta;
        this.width = (int) gamma.length();
        if (beta != null && beta.length() != width) {
            throw new IllegalArgumentException(biasName + " has " + beta.length() + " elements, expected " + width);
        }
        this.kernel = kernels.layerNorm(width, (float) eps);
    }

    /**
     * With the kernel set models are built with now ({@link KernelSet#active()}).
     *
     * @param prefix checkpoint prefix: parameters {@code prefix.weight} (γ) and {@code prefix.bias} (β)
     * @param gamma  the scale γ {@code [H]}
     * @param beta   the shift β {@code [H]}, or null
     * @param eps    added to the variance before its square root
     */
    public LayerNorm(String prefix, INDArray gamma, INDArray beta, double eps) {
        this(prefix, gamma, beta, eps, KernelSet.active().kernels());
    }

    /**
     * {@code LayerNorm(dropout(x + bias) + residual)} of {@code [N, H]} rows into this module's output; bias
     * ({@code [H]}), dropout and residual ({@code [N, H]}) may each be null. Only a training pass keeps what the
     * backward pass needs.
     *
     * @param x        {@code [N, H]}
     * @param bias     {@code [H]}, or null
     * @param dropout  the dropout on {@code x + bias}, or null
     * @param residual {@code [N, H]}, or null
     * @param pass     the pass
     * @return the normalised rows {@code [N, H]}, valid until this module runs again
     */
    public INDArray forward(INDArray x, INDArray bias, Dropout dropout, INDArray residual, Pass pass) {
        if (x.size(1) != width) throw new IllegalArgumentException("LayerNorm of width " + width + " on rows of " + x.size(1));
        return kernel.forward(x, bias, dropout, residual, gamma, beta, pass);
    }

    /**
     * The gradient of the normalised sum for {@code dy [N, H]}, in this module's memory.
     *
     * @param dy   the output's gradient {@code [N, H]}
     * @param pass the pass whose gradients accumulate γ's and β's
     * @return the gradient of the normalised sum {@code [N, H]}
     */
    public INDArray backward(INDArray dy, Pass pass) {
        return backward(dy, null, null, null, pass);
    }

    /**
     * The gradient of the normalised sum ({@code dropout(x + bias) + residual}) for {@code dy [N, H]}, in this
     * module's memory, accumulating γ's and β's gradients. When {@code dx} is given, the gradient of {@code x}
     * (the sum's through dropout) is written into it; without dropout it equals the sum's, and {@code dx} may be
     * null. When {@code dBias} is given, the column sums of x's gradient are added into it.
     *
     * @param dy      the output's gradient {@code [N, H]}
     * @param dropout the forward pass's dropout, or null
     * @param dx      receives the gradient of {@code x}, or null
     * @param dBias   accumulates the bias's gradient, or null
     * @param pass    the pass whose gradients accumulate γ's and β's
     * @return the gradient of the normalised sum {@code [N, H]}
     */
    public INDArray backward(INDArray dy, Dropout dropout, INDArray dx, INDArray dBias, Pass pass) {
        return kernel.backward(dy, gamma, dropout, dx, dBias, pass.gradient(weightName), biasName == null ? null : pass.gradient(biasName),
                pass);
    }

    /** Frees the native memory of this module's activations. */
    public void release() {
        kernel.release();
    }
}
