package dev.jbert.bert.model;

import dev.jbert.bert.config.EncoderConfig;
import dev.jbert.core.nn.Activation;
import dev.jbert.core.nn.AttentionMask;
import dev.jbert.core.nn.Dropout;
import dev.jbert.core.nn.LayerNorm;
import dev.jbert.core.nn.Linear;
import dev.jbert.core.nn.Pass;
import dev.jbert.core.nn.Slot;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One post-norm encoder layer, the block BERT, RoBERTa, XLM-RoBERTa, ELECTRA, DistilBERT and DeBERTa-v2 share under
 * their own key names ({@link LayerNames}): self-attention (DeBERTa's is disentangled), a dense layer, dropout, the
 * residual and LayerNorm; then the feed-forward expansion, its activation, a dense layer back, dropout, the residual
 * and LayerNorm.
 *
 * <p>Not thread-safe: it keeps each pass's activations in buffers of its own for the backward pass; one pass at a
 * time.
 */
public final class TransformerLayer implements EncoderLayer {

    private final SelfAttention attention;
    private final DenseResidualNorm attentionOutput;
    private final Intermediate intermediate;
    private final DenseResidualNorm output;

    /**
     * A layer with BERT's self-attention.
     *
     * @param b      the builder that reads the layer's parameters
     * @param prefix the layer's checkpoint key, e.g. {@code bert.encoder.layer.3}
     * @param names  where the family keeps the layer's parameters under {@code prefix}
     */
    public TransformerLayer(ModuleBuilder b, String prefix, LayerNames names) {
        this(b, prefix, names, new BertSelfAttention(b, prefix, names));
    }

    TransformerLayer(ModuleBuilder b, String prefix, LayerNames names, SelfAttention attention) {
        EncoderConfig c = b.config();
        int h = c.hiddenSize();
        this.attention = attention;
        this.attentionOutput = new DenseResidualNorm(b, prefix + "." + names.attentionOutput(), prefix + "." + names.attentionNorm(), h,
                names.attentionOutputDropout() ? c.hiddenDropoutProb() : 0);
        this.intermediate = new Intermediate(b, prefix + "." + names.intermediate());
        this.output = new DenseResidualNorm(b, prefix + "." + names.output(), prefix + "." + names.outputNorm(), c.intermediateSize(),
                c.hiddenDropoutProb());
    }

    /** {@code hidden [B·T, H]} → {@code [B·T, H]}. */
    @Override
    public INDArray forward(INDArray hidden, AttentionMask mask, Pass pass) {
        INDArray context = attention.forward(hidden, mask, pass);
        INDArray attended = attentionOutput.forward(context, hidden, pass);
        return output.forward(intermediate.forward(attended, pass), attended, pass);
    }

    /** Returns the gradient of the input hidden states. */
    @Override
    public INDArray backward(INDArray dOut, Pass pass) {
        INDArray dAttended = output.backward(dOut, pass);
        intermediate.backward(output.inputGradient(), dAttended, pass);
        INDArray dHidden = attentionOutput.backward(dAttended, pass);
        attention.backward(attentionOutput.inputGradient(), dHidden, pass);
        return dHidden;
    }

    @Override
    public void release() {
        attention.release();
        attentionOutput.release();
        intermediate.release();
        output.release();
    }

    /**
     * A dense layer, dropout, the residual and LayerNorm: attention.output and output share this shape in
     * modeling_bert.py (BertSelfOutput, BertOutput).
     */
    static final class DenseResidualNorm {
        private final Linear dense;
        private final Dropout dropout;
        private final LayerNorm layerNorm;
        private final Slot droppedGradient = new Slot();
        private INDArray lastInputGradient;

        DenseResidualNorm(ModuleBuilder b, String densePrefix, String normPrefix, int in, double dropoutP) {
            int h = b.config().hiddenSize();
            this.dense = b.linear(densePrefix, in, h);
            this.dropout = b.dropout(dropoutP);
            this.layerNorm = b.layerNorm(normPrefix, h);
        }

        /** The dense layer's bias, dropout and residual are folded into the LayerNorm's pass. */
        INDArray forward(INDArray x, INDArray residual, Pass pass) {
            return layerNorm.forward(dense.forwardWithoutBias(x), dense.bias(), dropout, residual, pass);
        }

        /**
         * Returns the gradient of the residual (the normalised sum's), and leaves the dense layer's input gradient
         * in {@link #inputGradient}: callers add one into the other where both meet.
         */
        INDArray backward(INDArray dOut, Pass pass) {
            INDArray dropped = dropout.active(pass) ? droppedGradient.get(dOut.shape()) : null;
            INDArray dSum = layerNorm.backward(dOut, dropout, dropped, dense.biasGradient(pass), pass);
            lastInputGradient = dense.backwardWithoutBias(dropped == null ? dSum : dropped, pass);
            return dSum;
        }

        INDArray inputGradient() {
            return lastInputGradient;
        }

        void release() {
            dense.release();
            layerNorm.release();
            droppedGradient.release();
        }
    }

    /** The feed-forward expansion and its activation. */
    static final class Intermediate {
        private final Linear dense;
        private final Activation act;
        private final Slot activated = new Slot();
        private INDArray preActivation;

        Intermediate(ModuleBuilder b, String prefix) {
            this.dense = b.linear(prefix, b.config().hiddenSize(), b.config().intermediateSize());
            this.act = b.activation(b.config().hiddenAct().function());
        }

        /** The dense layer's bias is added in the activation's pass. */
        INDArray forward(INDArray x, Pass pass) {
            preActivation = dense.forwardWithoutBias(x);
            INDArray y = activated.get(preActivation.shape());
            act.forward(preActivation, dense.bias(), y, pass);
            return y;
        }

        /** Adds the input's gradient into {@code into}; {@code dOut} is overwritten. */
        void backward(INDArray dOut, INDArray into, Pass pass) {
            act.backward(preActivation, activated.get(preActivation.shape()), dOut, dOut);
            dense.backward(dOut, into, true, pass);
        }

        void release() {
            dense.release();
            activated.release();
        }
    }
}
