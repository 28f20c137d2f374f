package dev.jbert.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * Every arithmetic step of a forward and backward pass, in one interface with one implementation per kind of memory
 * the arrays live in: {@link KernelSet#HOST} kernels read and write ND4J's host buffers with vectorised Java and
 * BLAS; {@link KernelSet#DEVICE} kernels are built from ND4J operations only, so they run wherever ND4J runs,
 * CUDA included. The modules of this package and the families' class trees call these methods and never know which
 * set runs them, as transformers' modules never know which device computes them.
 *
 * <p>Arrays are float32, row-major and contiguous unless a method says otherwise; hidden states are {@code [B·T, H]}.
 * Operations that keep state between a forward pass and its backward pass (what they saved, a dropout mask) are
 * objects a module creates once: {@link LayerNormKernel}, {@link AttentionKernel}, {@link DropoutKernel},
 * {@link RotaryKernel}, {@link RelativePositionKernel}.
 */
public interface Kernels {

    /** Which set this is. */
    KernelSet set();

    // ---- products

    /** {@code c = α·op(a)·op(b) + β·c}, {@code op} transposing where asked. */
    void gemm(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB, double alpha, double beta);

    /** {@code y[r, :] += bias} for every row of {@code y [N, W]}. */
    void addBias(INDArray y, INDArray bias);

    /** {@code target[j] += Σ_r a[r, j]}: a bias's gradient. */
    void addColumnSums(INDArray a, INDArray target);

    // ---- element-wise

    /**
     * {@code y = f(x + bias)} with {@code bias [W]} over the rows of {@code x [N, W]} (null: none). When
     * {@code keepBiasedInput}, {@code x} is left holding {@code x + bias}, which the backward pass reads.
     */
    void activation(ActivationFunction f, INDArray x, INDArray bias, INDArray y, boolean keepBiasedInput);

    /** {@code dx = dy ⊙ f'(x)} ({@code y = f(x)}, which TANH's derivative reads); {@code dx} may be {@code dy}. */
    void activationBackward(ActivationFunction f, INDArray x, INDArray y, INDArray dy, INDArray dx);

    // ---- rows picked by index

    /**
     * One table's rows for the positions of a batch: {@code ids[r]}, or {@code r % period} when ids is null.
     *
     * @param table {@code [rows, W]}
     */
    record Lookup(INDArray table, int[] ids, int period) {

        /** The row position {@code r} reads. */
        public int row(int r) {
            return ids == null ? r % period : ids[r];
        }
    }

    /** {@code out[r, :] = Σ_k lookups[k].table[row_k(r), :]}, added in the order given: embeddings. */
    void sumRows(INDArray out, List<Lookup> lookups);

    /**
     * {@code gradient[id(r), :] += rows[r, :]} for every row whose id is not {@code skip} (-1 skips none): an embedding
     * table's gradient. Ids as in {@link Lookup}.
     */
    void scatterRows(INDArray rows, int[] ids, int period, int skip, INDArray gradient);

    /** Zeroes the rows of padded positions in {@code rows [B·T, W]}. */
    void zeroPaddedRows(INDArray rows, AttentionMask mask);

    /** {@code first[b] = hidden[b·seq]}. */
    void firstTokens(INDArray hidden, INDArray first, int seq);

    /** {@code dHidden[b·seq] += dFirst[b]}. */
    void addFirstTokens(INDArray dFirst, INDArray dHidden, int seq);

    /** {@code pooled[b] = Σ_t m[b][t]·hidden[b·T + t] / Σ_t m[b][t]}. */
    void meanPool(INDArray hidden, int[][] attentionMask, INDArray pooled);

    /** {@code dHidden[b·T + t] += m[b][t]·dPooled[b] / Σ_t m[b][t]}. */
    void addMeanPool(INDArray dPooled, int[][] attentionMask, INDArray dHidden);

    // ---- modules with state between the passes

    /** Inverted dropout with probability {@code p} at a site of a model ({@link Dropout}). */
    DropoutKernel dropout(double p, int site);

    /** LayerNorm over rows of {@code width}, with the sum that feeds it in post-norm layers folded in ({@link LayerNorm}). */
    LayerNormKernel layerNorm(int width, float eps);

    /** Multi-head scaled dot-product attention ({@link ScaledDotProductAttention}). */
    AttentionKernel attention(int heads, int headSize, Dropout dropout, AttentionOptions options);

    /** DeBERTa's disentangled position terms, added to attention's scores ({@link AttentionOptions#positions}). */
    RelativePositionKernel relativePositions(int heads, int headSize, float scale);

    /** Rotary position embeddings ({@link RotaryEmbedding}). */
    RotaryKernel rotary(int heads, int headSize, double theta);

    /** A dropout site's masks: drawn in a training pass, applied to a tensor and again to its gradient. */
    interface DropoutKernel {

        /** {@code out = in ⊙ mask} for this pass ({@code out} may be {@code in}); the same call on a gradient is the backward pass. */
        void apply(INDArray in, INDArray out, Pass pass);
    }

    /** See {@link LayerNorm}: forward and backward with what the forward pass saved. */
    interface LayerNormKernel {

        /** {@code y = LayerNorm(dropout(x + bias) + residual)·γ + β}; bias, dropout, residual and β may be null. */
        INDArray forward(INDArray x, INDArray bias, Dropout dropout, INDArray residual, INDArray gamma, INDArray beta, Pass pass);

        /**
         * The gradient of the normalised sum for {@code dy}; γ's and β's gradients accumulated (either may be null);
         * the gradient of {@code x} through dropout written into {@code dx} when given; its column sums added into
         * {@code dBias} when given.
         */
        INDArray backward(INDArray dy, INDArray gamma, Dropout dropout, INDArray dx, INDArray dBias, INDArray dGamma, INDArray dBeta,
                          Pass pass);

        void release();
    }

    /** See {@link ScaledDotProductAttention}. */
    interface AttentionKernel {

        /** {@code q, k, v [B·T, H]} → the context {@code [B·T, H]}. */
        INDArray forward(INDArray q, INDArray k, INDArray v, AttentionMask mask, Pass pass);

        /** The gradients of Q, K and V for the context's, read afterwards with the three accessors. */
        void backward(INDArray dContext, Pass pass);

        INDArray queryGradient();

        INDArray keyGradient();

        INDArray valueGradient();

        void release();
    }

    /** DeBERTa's c2p and p2c terms; attention calls it, the family's module feeds it the projected positions. */
    interface RelativePositionKernel {

        /**
         * This pass's projected relative positions ({@code [2S, H]} each, either null when its term is off) and
         * {@code δ(i, j)} ({@code [T·T]}, row-major), the relative position index of query i and key j.
         */
        void positions(INDArray positionKey, INDArray positionQuery, int[] index);

        /** The position keys' gradient after a backward pass, {@code [2S, H]}. */
        INDArray positionKeyGradient();

        /** The position queries' gradient after a backward pass, {@code [2S, H]}. */
        INDArray positionQueryGradient();

        void release();
    }

    /** See {@link RotaryEmbedding}. */
    interface RotaryKernel {

        /**
         * Rotates {@code nh·hs} columns of {@code src} starting at {@code column} into {@code dst [B·T, nh·hs]}, or by the
         * opposite angle (the gradient) when {@code inverse}.
         */
        void rotate(INDArray src, int column, INDArray dst, int seq, boolean inverse);
    }

    /**
     * How attention forms and masks its scores.
     *
     * @param window            a query sees keys at most this far on either side ({@link Integer#MAX_VALUE}: all)
     * @param scale             the factor on {@code Q·Kᵀ}
     * @param maskPaddedQueries whether padded queries' rows are masked whole, as DeBERTa's 2-D mask does (their
     *                          softmax is then uniform), rather than attending like any query
     * @param positions         relative position terms added to the scores, or null; from the same kernel set
     */
    record AttentionOptions(int window, double scale, boolean maskPaddedQueries, RelativePositionKernel positions) {

        public AttentionOptions {
            if (window < 0) throw new IllegalArgumentException("a sliding window of " + window + " positions");
        }

        /** transformers' eager attention: global, scaled by {@code 1/√head_size}, padded keys masked. */
        public static AttentionOptions standard(int headSize) {
            return new AttentionOptions(Integer.MAX_VALUE, 1.0 / Math.sqrt(headSize), false, null);
        }

        /** Local attention: {@code |q - k| <= window}, as transformers' bidirectional sliding-window mask allows. */
        public AttentionOptions withWindow(int positions) {
            return new AttentionOptions(positions, scale, maskPaddedQueries, this.positions);
        }
    }
}
