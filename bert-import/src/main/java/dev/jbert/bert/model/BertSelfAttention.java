package dev.jbert.bert.model;

import dev.jbert.bert.config.EncoderConfig;
import dev.jbert.core.nn.AttentionMask;
import dev.jbert.core.nn.Kernels;
import dev.jbert.core.nn.Linear;
import dev.jbert.core.nn.Pass;
import dev.jbert.core.nn.ScaledDotProductAttention;
import org.nd4j.linalg.api.ndarray.INDArray;

/** BertSelfAttention: query, key and value projections and scaled dot-product attention. */
final class BertSelfAttention implements SelfAttention {

    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final ScaledDotProductAttention attention;

    BertSelfAttention(ModuleBuilder b, String prefix, LayerNames names) {
        this(b, prefix, names, Kernels.AttentionOptions.standard(b.config().headSize()));
    }

    /** With attention {@code options} of its own: DeBERTa's scale, 2-D mask and position terms. */
    BertSelfAttention(ModuleBuilder b, String prefix, LayerNames names, Kernels.AttentionOptions options) {
        EncoderConfig c = b.config();
        int h = c.hiddenSize();
        this.query = b.linear(prefix + "." + names.query(), h, h);
        this.key = b.linear(prefix + "." + names.key(), h, h);
        this.value = b.linear(prefix + "." + names.value(), h, h);
        this.attention = new ScaledDotProductAttention(c.numAttentionHeads(), c.headSize(), b.dropout(c.attentionProbsDropoutProb()), options,
                b.kernels());
    }

    Linear query() {
        return query;
    }

    Linear key() {
        return key;
    }

    @Override
    public INDArray forward(INDArray hidden, AttentionMask mask, Pass pass) {
        INDArray[] qkv = Linear.forwardEach(hidden, query, key, value);
        return attention.forward(qkv[0], qkv[1], qkv[2], mask, pass);
    }

    @Override
    public void backward(INDArray dContext, INDArray dHidden, Pass pass) {
        attention.backward(dContext, pass);
        query.backward(attention.queryGradient(), dHidden, true, pass);
        key.backward(attention.keyGradient(), dHidden, true, pass);
        value.backward(attention.valueGradient(), dHidden, true, pass);
    }

    @Override
    public void release() {
        query.release();
        key.release();
        value.release();
        attention.release();
    }
}
