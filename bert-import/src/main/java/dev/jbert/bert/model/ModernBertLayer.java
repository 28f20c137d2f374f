package dev.jbert.bert.model;

import dev.jbert.core.nn.AttentionMask;
import dev.jbert.core.nn.LayerNorm;
import dev.jbert.core.nn.Pass;
import dev.jbert.core.nn.Slot;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ModernBertEncoderLayer, pre-norm: {@code h + attn(attn_norm(h))}, then {@code h + mlp(mlp_norm(h))}. The first
 * layer has no {@code attn_norm} (the embeddings end in a norm already).
 */
final class ModernBertLayer implements EncoderLayer {

    private final LayerNorm attnNorm;         // null in layer 0
    private final ModernBertAttention attn;
    private final LayerNorm mlpNorm;
    private final ModernBertMlp mlp;
    private final Slot attended = new Slot(), output = new Slot();
    private final Slot attendedGradient = new Slot(), inputGradient = new Slot();

    ModernBertLayer(ModuleBuilder b, String prefix, int index, boolean normBias, boolean attentionBias, boolean mlpBias, double theta,
                    int window) {
        int h = b.config().hiddenSize();
        this.attnNorm = index == 0 ? null : b.layerNorm(prefix + ".attn_norm", h, normBias);
        this.attn = new ModernBertAttention(b, prefix + ".attn", attentionBias, theta, window);
        this.mlpNorm = b.layerNorm(prefix + ".mlp_norm", h, normBias);
        this.mlp = new ModernBertMlp(b, prefix + ".mlp", mlpBias);
    }

    @Override
    public INDArray forward(INDArray hidden, AttentionMask mask, Pass pass) {
        INDArray normed = attnNorm == null ? hidden : attnNorm.forward(hidden, null, null, null, pass);
        INDArray mid = attended.get(hidden.shape()).assign(hidden).addi(attn.forward(normed, mask, pass));
        INDArray ffn = mlp.forward(mlpNorm.forward(mid, null, null, null, pass), pass);
        return output.get(hidden.shape()).assign(mid).addi(ffn);
    }

    /** The input's gradient, in this layer's slot; {@code dOut} is left alone. */
    @Override
    public INDArray backward(INDArray dOut, Pass pass) {
        INDArray dMid = attendedGradient.get(dOut.shape()).assign(dOut);
        dMid.addi(mlpNorm.backward(mlp.backward(dOut, pass), pass));
        INDArray dIn = inputGradient.get(dOut.shape()).assign(dMid);
        INDArray dNormed = attn.backward(dMid, pass);
        dIn.addi(attnNorm == null ? dNormed : attnNorm.backward(dNormed, pass));
        return dIn;
    }

    @Override
    public void release() {
        if (attnNorm != null) attnNorm.release();
        attn.release();
        mlpNorm.release();
        mlp.release();
        for (Slot s : new Slot[]{attended, output, attendedGradient, inputGradient}) s.release();
    }
}
