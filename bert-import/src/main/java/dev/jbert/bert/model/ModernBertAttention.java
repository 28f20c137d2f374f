package dev.jbert.bert.model;

import dev.jbert.bert.config.EncoderConfig;
import dev.jbert.core.nn.AttentionMask;
import dev.jbert.core.nn.Kernels;
import dev.jbert.core.nn.Dropout;
import dev.jbert.core.nn.Linear;
import dev.jbert.core.nn.Pass;
import dev.jbert.core.nn.RotaryEmbedding;
import dev.jbert.core.nn.ScaledDotProductAttention;
import dev.jbert.core.nn.Slot;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * ModernBertAttention: the fused {@code Wqkv} projection, rotary embeddings on queries and keys, eager attention
 * (global, or within a sliding window), {@code Wo} and its dropout.
 */
final class ModernBertAttention {

    private final int width;
    private final Linear wqkv;
    private final RotaryEmbedding rotary;
    private final ScaledDotProductAttention attention;
    private final Linear wo;
    private final Dropout outDropout;
    private final Slot query = new Slot(), key = new Slot(), value = new Slot();
    private final Slot fusedGradient = new Slot(), droppedGradient = new Slot();
    private int seq;

    /**
     * @param window how far a query sees on either side, or {@link Integer#MAX_VALUE} for global attention
     */
    ModernBertAttention(ModuleBuilder b, String prefix, boolean bias, double theta, int window) {
        EncoderConfig c = b.config();
        this.width = c.hiddenSize();
        this.wqkv = b.linear(prefix + ".Wqkv", width, 3 * width, bias);
        this.rotary = new RotaryEmbedding(c.numAttentionHeads(), c.headSize(), theta, b.kernels());
        this.attention = new ScaledDotProductAttention(c.numAttentionHeads(), c.headSize(), b.dropout(c.attentionProbsDropoutProb()),
                Kernels.AttentionOptions.standard(c.headSize()).withWindow(window), b.kernels());
        this.wo = b.linear(prefix + ".Wo", width, width, bias);
        this.outDropout = b.dropout(c.attentionProbsDropoutProb());
    }

    INDArray forward(INDArray x, AttentionMask mask, Pass pass) {
        seq = mask.seq();
        INDArray qkv = wqkv.forward(x);
        long rows = qkv.size(0);
        INDArray q = query.get(rows, width), k = key.get(rows, width), v = value.get(rows, width);
        rotary.rotate(qkv, 0, q, seq, false);
        rotary.rotate(qkv, width, k, seq, false);
        v.assign(qkv.get(NDArrayIndex.all(), NDArrayIndex.interval(2L * width, 3L * width)));
        INDArray out = wo.forward(attention.forward(q, k, v, mask, pass));
        outDropout.apply(out, pass);
        return out;
    }

    /** The input's gradient, in the projection's slot; {@code dOut} is left alone. */
    INDArray backward(INDArray dOut, Pass pass) {
        INDArray d = dOut;
        if (outDropout.active(pass)) {
            d = droppedGradient.get(dOut.shape());
            outDropout.apply(dOut, d, pass);
        }
        attention.backward(wo.backward(d, pass), pass);
        INDArray dq = attention.queryGradient(), dk = attention.keyGradient();
        INDArray dFused = fusedGradient.get(dq.size(0), 3L * width);
        INDArray dQuery = dFused.get(NDArrayIndex.all(), NDArrayIndex.interval(0, width));
        INDArray dKey = dFused.get(NDArrayIndex.all(), NDArrayIndex.interval(width, 2L * width));
        dQuery.assign(rotated(dq));
        dKey.assign(rotated(dk));
        dFused.get(NDArrayIndex.all(), NDArrayIndex.interval(2L * width, 3L * width)).assign(attention.valueGradient());
        return wqkv.backward(dFused, pass);
    }

    /** The rotation's transpose applied to a query or key gradient, into the (free by now) query slot. */
    private INDArray rotated(INDArray gradient) {
        INDArray out = query.get(gradient.shape());
        rotary.rotate(gradient, 0, out, seq, true);
        return out;
    }

    void release() {
        wqkv.release();
        attention.release();
        wo.release();
        for (Slot s : new Slot[]{query, key, value, fusedGradient, droppedGradient}) s.release();
    }
}
