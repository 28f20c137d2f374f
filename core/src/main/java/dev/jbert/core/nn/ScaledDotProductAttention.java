package dev.jbert.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Multi-head scaled dot-product attention as transformers' eager attention computes it:
 * {@code softmax(Q·Kᵀ·scale + mask)}, dropout, times V, per batch row and head, with the options of
 * {@link Kernels.AttentionOptions} (DeBERTa's scale, masked padded queries and position terms; ModernBERT's sliding
 * window). Q, K and V are {@code [B·T, H]}, head h the columns {@code [h·hs, (h+1)·hs)}; the arithmetic is the
 * model's kernels' ({@link Kernels.AttentionKernel}), which keep what the backward pass needs. Not thread-safe for
 * that reason: one pass at a time per model.
 */
public final class ScaledDotProductAttention {

    private final Kernels.AttentionKernel kernel;

    /**
     * Attention with the given options on a model's kernel set.
     *
     * @param heads    the number of heads
     * @param headSize the columns per head, {@code hs}; {@code H = heads·hs}
     * @param dropout  on the attention probabilities ({@code attention_probs_dropout_prob})
     * @param options  how the scores are formed and masked
     * @param kernels  the model's kernel set, which the dropout and the options' position terms come from too
     */
    public ScaledDotProductAttention(int heads, int headSize, Dropout dropout, Kernels.AttentionOptions options, Kernels kernels) {
        this.kernel = kernels.attention(heads, headSize, dropout, options);
    }

    /**
     * transformers' eager attention with the kernel set models are built with now ({@link KernelSet#active()}).
     *
     * @param heads    the number of heads
     * @param headSize the columns per head, {@code hs}; {@code H = heads·hs}
     * @param dropout  on the attention probabilities
     */
    public ScaledDotProductAttention(int heads, int headSize, Dropout dropout) {
        this(heads, headSize, dropout, Kernels.AttentionOptions.standard(headSize), KernelSet.active().kernels());
    }

    /**
     * {@code q, k, v [B·T, H]} → the context {@code [B·T, H]}, in this module's memory.
     *
     * @param q    the queries
     * @param k    the keys
     * @param v    the values
     * @param mask which keys (and, with the option, queries) are padding
     * @param pass the pass; a training pass keeps what the backward pass needs
     * @return the context, valid until this module runs again
     */
    public INDArray forward(INDArray q, INDArray k, INDArray v, AttentionMask mask, Pass pass) {
        return kernel.forward(q, k, v, mask, pass);
    }

    /**
     * The gradients of Q, K and V for the context's gradient {@code dCtx [B·T, H]}; read them with
     * {@link #queryGradient()}, {@link #keyGradient()} and {@link #valueGradient()}.
     *
     * @param dCtx the context's gradient
     * @param pass the pass of the forward call
     */
    public void backward(INDArray dCtx, Pass pass) {
        kernel.backward(dCtx, pass);
    }

    /**
     * The gradient of Q after {@link #backward}.
     *
     * @return {@code [B·T, H]}, in this module's memory
     */
    public INDArray queryGradient() {
        return kernel.queryGradient();
    }

    /**
     * The gradient of K after {@link #backward}.
     *
     * @return {@code [B·T, H]}, in this module's memory
     */
    public INDArray keyGradient() {
        return kernel.keyGradient();
    }

    /**
     * The gradient of V after {@link #backward}.
     *
     * @return {@code [B·T, H]}, in this module's memory
     */
    public INDArray valueGradient() {
        return kernel.valueGradient();
    }

    /** Frees the native memory of this module's activations. */
    public void release() {
        kernel.release();
    }
}
