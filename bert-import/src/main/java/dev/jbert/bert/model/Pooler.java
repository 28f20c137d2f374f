package dev.jbert.bert.model;

import dev.jbert.core.nn.Activation;
import dev.jbert.core.nn.ActivationFunction;
import dev.jbert.core.nn.Kernels;
import dev.jbert.core.nn.Linear;
import dev.jbert.core.nn.Pass;
import dev.jbert.core.nn.Slot;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * BERT's pooler: tanh of a dense layer on the first token's state.
 *
 * <p>Not thread-safe: its output and gradients live in buffers reused from pass to pass; one pass at a time.
 */
public final class Pooler {
    private final Linear dense;
    private final Activation tanh;
    private final Kernels kernels;
    private final Slot first = new Slot();
    private final Slot pooled = new Slot();
    private final Slot tanhGradient = new Slot();

    /**
     * A pooler of {@code prefix.dense} ({@code [H, H]} with a bias).
     *
     * @param b      the builder that reads the dense layer
     * @param prefix the module's checkpoint key, e.g. {@code bert.pooler}
     */
    public Pooler(ModuleBuilder b, String prefix) {
        int h = b.config().hiddenSize();
        this.dense = b.linear(prefix + ".dense", h, h);
        this.tanh = b.activation(ActivationFunction.TANH);
        this.kernels = b.kernels();
    }

    /**
     * {@code hidden [B·T, H]} → {@code [B, H]}.
     *
     * @param hidden the last hidden state {@code [B·T, H]}
     * @param batch  rows in the batch (B)
     * @param seq    tokens per row (T); row {@code b·T} is the first token of row b
     * @return {@code tanh(dense(first token))} {@code [B, H]}, in the pooler's own memory, valid until the next pass
     */
    public INDArray forward(INDArray hidden, int batch, int seq) {
        int h = (int) hidden.size(1);
        INDArray cls = first.get(batch, h);
        kernels.firstTokens(hidden, cls, seq);
        INDArray y = dense.forward(cls);
        INDArray out = pooled.get(batch, h);
        tanh.forward(y, out);
        return out;
    }

    /**
     * Adds the gradient of the [CLS] rows into {@code dHidden [B·T, H]}.
     *
     * @param dPooled the gradient of the pooled output {@code [B, H]}
     * @param dHidden the hidden states' gradient {@code [B·T, H]}, added into
     * @param seq     tokens per row (T)
     * @param pass    the pass the last forward ran with; the dense layer's gradients go where it names
     */
    public void backward(INDArray dPooled, INDArray dHidden, int seq, Pass pass) {
        INDArray out = pooled.get(dPooled.shape());
        INDArray d = tanhGradient.get(dPooled.shape());
        tanh.backward(out, out, dPooled, d);
        INDArray dCls = dense.backward(d, pass);
        kernels.addFirstTokens(dCls, dHidden, seq);
    }

    /** Frees the native memory of the activations and gradients kept between passes. */
    public void release() {
        dense.release();
        first.release();
        pooled.release();
        tanhGradient.release();
    }
}
