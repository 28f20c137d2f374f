package dev.jbert.bert.model;

import dev.jbert.core.nn.AttentionMask;
import dev.jbert.core.nn.Pass;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The self-attention inside a post-norm layer, before its output dense layer: BERT's ({@link BertSelfAttention})
 * or DeBERTa's disentangled one ({@link DisentangledSelfAttention}).
 */
interface SelfAttention {

    /** {@code hidden [B·T, H]} → the context {@code [B·T, H]}. */
    INDArray forward(INDArray hidden, AttentionMask mask, Pass pass);

    /** Adds the gradient of the hidden states for the context's {@code dContext} into {@code dHidden}. */
    void backward(INDArray dContext, INDArray dHidden, Pass pass);

    void release();
}
