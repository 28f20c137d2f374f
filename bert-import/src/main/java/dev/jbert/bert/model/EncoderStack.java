package dev.jbert.bert.model;

import dev.jbert.core.nn.AttentionMask;
import dev.jbert.core.nn.Pass;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The layers between the embeddings and the last hidden state, with what they share across layers: BERT's stack
 * of post-norm layers ({@link LayerStack}), DeBERTa's with its relative embeddings, ModernBERT's pre-norm layers
 * and final norm.
 *
 * <p>Implementations keep activations between a forward and its backward pass and need not be thread-safe: callers
 * run one pass at a time, as {@link Encoder} requires.
 */
public interface EncoderStack {

    /**
     * {@code hidden [B·T, H]} → the last hidden state {@code [B·T, H]}.
     *
     * @param hidden the embeddings' output {@code [B·T, H]}; it must stay unmodified until the backward pass
     * @param mask   which positions are padding
     * @param pass   whether dropout is on, and where gradients go
     * @return the last hidden state {@code [B·T, H]}, in the stack's own memory, valid until the next pass
     */
    INDArray forward(INDArray hidden, AttentionMask mask, Pass pass);

    /**
     * The gradient of the stack's input for its output's, adding into the gradients the pass names.
     *
     * @param dOut the gradient of the last hidden state {@code [B·T, H]}
     * @param pass the pass the last forward ran with
     * @return the gradient of the stack's input {@code [B·T, H]}
     */
    INDArray backward(INDArray dOut, Pass pass);

    /** Frees the native memory of the activations and gradients kept between passes. */
    void release();
}
