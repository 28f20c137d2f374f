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
 *
 * <p>Each set is one instance, shared by models on any thread: an implementation keeps no state between calls (its
 * scratch is per thread). The kernel objects it creates hold a pass's state and belong to one module, so they serve
 * one pass at a time.
 */
public interface Kernels {

    /**
     * Which set this is.
     *
     * @return {@link KernelSet#HOST} or {@link KernelSet#DEVICE}
     */
    KernelSet set();

    // ---- products

    /**
     * {@code c = α·op(a)·op(b) + β·c}, {@code op} transposing where asked.
     *
     * @param a          the left operand, {@code [M, K]} after {@code op}
     * @param b          the right operand, {@code [K, N]} after {@code op}
     * @param c          the {@code [M, N]} result, read when {@code beta} is not 0 and overwritten
     * @param transposeA whether {@code op(a)} is {@code aᵀ}
     * @param transposeB whether {@code op(b)} is {@code bᵀ}
     * @param alpha      the factor on the product
     * @param beta       the factor on {@code c}'s previous contents (0: overwritten)
     */
    void gemm(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB, double alpha, double beta);

    /**
     * {@code y[r, :] += bias} for every row of {@code y [N, W]}.
     *
     * @param y    {@code [N, W]}, updated in place
     * @param bias {@code [W]}
     */
    void addBias(INDArray y, INDArray bias);

    /**
     * {@code target[j] += Σ_r a[r, j]}: a bias's gradient.
     *
     * @param a      {@code [N, W]}, typically a layer's output gradient
     * @param target {@code [W]}, accumulated into
     */
    void addColumnSums(INDArray a, INDArray target);

    // ---- element-wise

    /**
     * {@code y = f(x + bias)} with {@code bias [W]} over the rows of {@code x [N, W]} (null: none). When
     * {@code keepBiasedInput}, {@code x} is left holding {@code x + bias}, which the backward pass reads.
     *
     * @param f               the activation function
     * @param x               the input {@code [N, W]}
     * @param bias            {@code [W]}, or null for none
     * @param y               the output {@code [N, W]}
     * @param keepBiasedInput whether {@code x} is overwritten with {@code x + bias}
     */
    void activation(ActivationFunction f, INDArray x, INDArray bias, INDArray y, boolean keepBiasedInput);

    /**
     * {@code dx = dy ⊙ f'(x)} ({@code y = f(x)}, which TANH's derivative reads); {@code dx} may be {@code dy}.
     *
     * @param f  the activation function of the forward pass
     * @param x  the forward pass's input (with its bias added)
     * @param y  the forward pass's output {@code f(x)}
     * @param dy the output's gradient
     * @param dx the input's gradient, written; may be {@code dy}
     */
    void activationBackward(ActivationFunction f, INDArray x, INDArray y, INDArray dy, INDArray dx);

    // ---- rows picked by index

    /**
     * One table's rows for the positions of a batch: {@code ids[r]}, or {@code r % period} when ids is null.
     *
     * @param table {@code [rows, W]}
     */
    record Lookup(INDArray table, int[] ids, int period) {

        /**
         * The row position {@code r} reads.
         *
         * @param r a row of the batch, {@code [0, B·T)}
         * @return the table row that position reads
         */
        public int row(int r) {
            return ids == null ? r % period : ids[r];
        }
    }

    /**
     * {@code out[r, :] = Σ_k lookups[k].table[row_k(r), :]}, added in the order given: embeddings.
     *
     * @param out     {@code [B·T, W]}, overwritten
     * @param lookups the tables and their rows, all of width {@code W}
     */
    void sumRows(INDArray out, List<Lookup> lookups);

    /**
     * {@code gradient[id(r), :] += rows[r, :]} for every row whose id is not {@code skip} (-1 skips none): an embedding
     * table's gradient. Ids as in {@link Lookup}.
     *
     * @param rows     the gradient of the looked-up rows, {@code [B·T, W]}
     * @param ids      the table row of each row of {@code rows}, or null to use {@code r % period}
     * @param period   the period of the row ids when {@code ids} is null
     * @param skip     an id whose rows are left out, such as the padding id; -1 for none
     * @param gradient the table's gradient {@code [rows, W]}, accumulated into
     */
    void scatterRows(INDArray rows, int[] ids, int period, int skip, INDArray gradient);

    /**
     * Zeroes the rows of padded positions in {@code rows [B·T, W]}.
     *
     * @param rows {@code [B·T, W]}, updated in place
     * @param mask which positions are padding
     */
    void zeroPaddedRows(INDArray rows, AttentionMask mask);

    /**
     * {@code first[b] = hidden[b·seq]}.
     *
     * @param hidden the hidden states {@code [B·T, H]}
     * @param first  {@code [B, H]}, overwritten
     * @param seq    the padded sequence length {@code T}
     */
    void firstTokens(INDArray hidden, INDArray first, int seq);

    /**
     * {@code dHidden[b·seq] += dFirst[b]}.
     *
     * @param dFirst  the first tokens' gradient {@code [B, H]}
     * @param dHidden the hidden states' gradient {@code [B·T, H]}, accumulated into
     * @param seq     the padded sequence length {@code T}
     */
    void addFirstTokens(INDArray dFirst, INDArray dHidden, int seq);

    /**
     * {@code pooled[b] = Σ_t m[b][t]·hidden[b·T + t] / Σ_t m[b][t]}.
     *
     * @param hidden        the hidden states {@code [B·T, H]}
     * @param attentionMask {@code m}, {@code [B][T]}, 1 for real tokens and 0 for padding
     * @param pooled        {@code [B, H]}, overwritten
     */
    void meanPool(INDArray hidden, int[][] attentionMask, INDArray pooled);

    /**
     * {@code dHidden[b·T + t] += m[b][t]·dPooled[b] / Σ_t m[b][t]}.
     *
     * @param dPooled       the pooled states' gradient {@code [B, H]}
     * @param attentionMask {@code m}, {@code [B][T]}, 1 for real tokens and 0 for padding
     * @param dHidden       the hidden states' gradient {@code [B·T, H]}, accumulated into
     */
    void addMeanPool(INDArray dPooled, int[][] attentionMask, INDArray dHidden);

    // ---- modules with state between the passes

    /**
     * Inverted dropout with probability {@code p} at a site of a model ({@link Dropout}).
     *
     * @param p    the probability of dropping an element, in {@code [0, 1)}
     * @param site distinct per dropout in a model, so that masks are independent
     * @return the site's kernel
     */
    DropoutKernel dropout(double p, int site);

    /**
     * LayerNorm over rows of {@code width}, with the sum that feeds it in post-norm layers folded in
     * ({@link LayerNorm}).
     *
     * @param width the number of columns normalised together
     * @param eps   added to the variance before its square root
     * @return a new kernel
     */
    LayerNormKernel layerNorm(int width, float eps);

    /**
     * Multi-head scaled dot-product attention ({@link ScaledDotProductAttention}).
     *
     * @param heads    the number of attention heads
     * @param headSize the columns per head; {@code H = heads·headSize}
     * @param dropout  the dropout on the attention probabilities
     * @param options  how the scores are formed and masked
     * @return a new kernel
     */
    AttentionKernel attention(int heads, int headSize, Dropout dropout, AttentionOptions options);

    /**
     * DeBERTa's disentangled position terms, added to attention's scores ({@link AttentionOptions#positions}).
     *
     * @param heads    the number of attention heads
     * @param headSize the columns per head
     * @param scale    the divisor of the position terms, as DeBERTa scales them
     * @return a new kernel, to pass in {@link AttentionOptions#positions}
     */
    RelativePositionKernel relativePositions(int heads, int headSize, float scale);

    /**
     * Rotary position embeddings ({@link RotaryEmbedding}).
     *
     * @param heads    the number of heads rotated
     * @param headSize the columns per head
     * @param theta    the base of the rotation frequencies
     * @return a new kernel
     */
    RotaryKernel rotary(int heads, int headSize, double theta);

    /**
     * A dropout site's masks: drawn in a training pass, applied to a tensor and again to its gradient. The host's
     * stores no mask and may be shared; the device's keeps each pass's mask, so it serves one pass at a time.
     */
    interface DropoutKernel {

        /**
         * {@code out = in ⊙ mask} for this pass ({@code out} may be {@code in}); the same call on a gradient is the
         * backward pass.
         *
         * @param in   the tensor, or its gradient in the backward pass
         * @param out  the result, may be {@code in}
         * @param pass the pass whose mask is used
         */
        void apply(INDArray in, INDArray out, Pass pass);
    }

    /**
     * See {@link LayerNorm}: forward and backward with what the forward pass saved. Not thread-safe: one pass at a
     * time.
     */
    interface LayerNormKernel {

        /**
         * {@code y = LayerNorm(dropout(x + bias) + residual)·γ + β}; bias, dropout, residual and β may be null.
         *
         * @param x        the sublayer's output {@code [N, width]}
         * @param bias     {@code [width]}, or null
         * @param dropout  the dropout on {@code x + bias}, or null
         * @param residual the residual added before normalising, or null
         * @param gamma    the scale {@code γ [width]}
         * @param beta     the shift {@code β [width]}, or null
         * @param pass     the pass
         * @return the normalised output {@code y}, in the kernel's memory
         */
        INDArray forward(INDArray x, INDArray bias, Dropout dropout, INDArray residual, INDArray gamma, INDArray beta, Pass pass);

        /**
         * The gradient of the normalised sum for {@code dy}; γ's and β's gradients accumulated (either may be null);
         * the gradient of {@code x} through dropout written into {@code dx} when given; its column sums added into
         * {@code dBias} when given.
         *
         * @param dy      the output's gradient
         * @param gamma   the scale {@code γ} of the forward pass
         * @param dropout the dropout of the forward pass, or null
         * @param dx      receives the gradient of {@code x}, or null
         * @param dBias   accumulates the bias's gradient, or null
         * @param dGamma  accumulates γ's gradient, or null
         * @param dBeta   accumulates β's gradient, or null
         * @param pass    the pass
         * @return the gradient of the normalised sum (the residual's gradient)
         */
        INDArray backward(INDArray dy, INDArray gamma, Dropout dropout, INDArray dx, INDArray dBias, INDArray dGamma, INDArray dBeta,
                          Pass pass);

        /** Frees the native memory of the activations kept between the passes. */
        void release();
    }

    /**
     * See {@link ScaledDotProductAttention}. Not thread-safe: it keeps what the backward pass needs, so one pass at
     * a time.
     */
    interface AttentionKernel {

        /**
         * {@code q, k, v [B·T, H]} → the context {@code [B·T, H]}.
         *
         * @param q    the queries
         * @param k    the keys
         * @param v    the values
         * @param mask which keys (and queries) are padding
         * @param pass the pass
         * @return the context, in the kernel's memory
         */
        INDArray forward(INDArray q, INDArray k, INDArray v, AttentionMask mask, Pass pass);

        /**
         * The gradients of Q, K and V for the context's, read afterwards with the three accessors.
         *
         * @param dContext the context's gradient {@code [B·T, H]}
         * @param pass     the pass
         */
        void backward(INDArray dContext, Pass pass);

        /**
         * The gradient of Q after {@link #backward}.
         *
         * @return {@code [B·T, H]}, in the kernel's memory
         */
        INDArray queryGradient();

        /**
         * The gradient of K after {@link #backward}.
         *
         * @return {@code [B·T, H]}, in the kernel's memory
         */
        INDArray keyGradient();

        /**
         * The gradient of V after {@link #backward}.
         *
         * @return {@code [B·T, H]}, in the kernel's memory
         */
        INDArray valueGradient();

        /** Frees the native memory of the activations kept between the passes. */
        void release();
    }

    /**
     * DeBERTa's c2p and p2c terms; attention calls it, the family's module feeds it the projected positions.
     * Not thread-safe: it keeps the pass's positions and gradients, so one pass at a time.
     */
    interface RelativePositionKernel {

        /**
         * This pass's projected relative positions ({@code [2S, H]} each, either null when its term is off) and
         * {@code δ(i, j)} ({@code [T·T]}, row-major), the relative position index of query i and key j.
         *
         * @param positionKey   the projected position keys, or null when the c2p term is off
         * @param positionQuery the projected position queries, or null when the p2c term is off
         * @param index         {@code δ(i, j)} for every query i and key j
         */
        void positions(INDArray positionKey, INDArray positionQuery, int[] index);

        /**
         * The position keys' gradient after a backward pass, {@code [2S, H]}.
         *
         * @return {@code [2S, H]}
         */
        INDArray positionKeyGradient();

        /**
         * The position queries' gradient after a backward pass, {@code [2S, H]}.
         *
         * @return {@code [2S, H]}
         */
        INDArray positionQueryGradient();

        /** Frees the native memory of the activations kept between the passes. */
        void release();
    }

    /**
     * See {@link RotaryEmbedding}. Implementations cache their tables for the last sequence length: one pass at a
     * time.
     */
    interface RotaryKernel {

        /**
         * Rotates {@code nh·hs} columns of {@code src} starting at {@code column} into {@code dst [B·T, nh·hs]}, or by the
         * opposite angle (the gradient) when {@code inverse}.
         *
         * @param src     {@code [B·T, *]}
         * @param column  the first column rotated
         * @param dst     {@code [B·T, nh·hs]}, overwritten
         * @param seq     the padded sequence length {@code T}, which gives each row's position
         * @param inverse whether to rotate by the opposite angle
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

        /**
         * Checks that the window is not negative.
         *
         * @param window            a query sees keys at most this far on either side ({@link Integer#MAX_VALUE}: all)
         * @param scale             the factor on {@code Q·Kᵀ}
         * @param maskPaddedQueries whether padded queries' rows are masked whole, as DeBERTa's 2-D mask does
         *                          (their softmax is then uniform), rather than attending like any query
         * @param positions         relative position terms added to the scores, or null; from the same kernel set
         * @throws IllegalArgumentException if {@code window} is negative
         */
        public AttentionOptions {
            if (window < 0) throw new IllegalArgumentException("a sliding window of " + window + " positions");
        }

        /**
         * transformers' eager attention: global, scaled by {@code 1/√head_size}, padded keys masked.
         *
         * @param headSize the columns per head
         * @return global attention with transformers' default scale
         */
        public static AttentionOptions standard(int headSize) {
            return new AttentionOptions(Integer.MAX_VALUE, 1.0 / Math.sqrt(headSize), false, null);
        }

        /**
         * Local attention: {@code |q - k| <= window}, as transformers' bidirectional sliding-window mask allows.
         *
         * @param positions the window, in positions either side
         * @return these options with that window
         */
        public AttentionOptions withWindow(int positions) {
            return new AttentionOptions(positions, scale, maskPaddedQueries, this.positions);
        }
    }
}
