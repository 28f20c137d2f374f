package dev.jbert.bert.model;

import dev.jbert.bert.config.EncoderConfig;
import dev.jbert.bert.config.ModernBertSettings;
import dev.jbert.core.nn.AttentionMask;
import dev.jbert.core.nn.LayerNorm;
import dev.jbert.core.nn.Pass;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * ModernBERT ({@code modeling_modernbert.py}): {@code model.embeddings} (words and a norm, no positions), pre-norm
 * {@code model.layers.N} with rotary embeddings, global attention on every {@code global_attn_every_n_layers}-th
 * layer and a sliding window elsewhere, GeGLU feed-forwards, and {@code model.final_norm}. No pooler: the
 * classifiers pool in their head.
 */
public final class ModernBertModel {

    private ModernBertModel() {
    }

    /**
     * Builds a ModernBERT encoder from checkpoint keys under {@code model.}.
     *
     * @param config  a {@code modernbert} config
     * @param weights where the parameters come from
     * @return the encoder, without a pooler
     * @throws IllegalArgumentException when the config has settings {@link ModernBertSettings} rejects
     */
    public static Encoder build(EncoderConfig config, Weights weights) {
        ModernBertSettings s = ModernBertSettings.of(config);
        ModuleBuilder b = new ModuleBuilder(config, weights);
        Embeddings embeddings = new Embeddings(b, "model.embeddings", new Embeddings.Layout("tok_embeddings", "norm",
                Embeddings.Positions.NONE, false, s.normBias(), false, s.embeddingDropout()));
        List<ModernBertLayer> layers = new ArrayList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            boolean global = s.global().get(i);
            layers.add(new ModernBertLayer(b, "model.layers." + i, i, s.normBias(), s.attentionBias(), s.mlpBias(),
                    global ? s.globalTheta() : s.localTheta(), global ? Integer.MAX_VALUE : s.window()));
        }
        LayerNorm finalNorm = b.layerNorm("model.final_norm", config.hiddenSize(), s.normBias());
        return new Encoder(Family.MODERNBERT, b, embeddings, null, new Stack(layers, finalNorm), null);
    }

    /** The layers and {@code final_norm}, which ModernBertModel applies after them. */
    private static final class Stack implements EncoderStack {
        private final LayerStack layers;
        private final LayerNorm finalNorm;

        Stack(List<ModernBertLayer> layers, LayerNorm finalNorm) {
            this.layers = new LayerStack(layers);
            this.finalNorm = finalNorm;
        }

        @Override
        public INDArray forward(INDArray hidden, AttentionMask mask, Pass pass) {
            return layers.forward(hidden, mask, pass, last -> finalNorm.forward(last, null, null, null, pass));
        }

        @Override
        public INDArray backward(INDArray dOut, Pass pass) {
            return layers.backward(finalNorm.backward(dOut, pass), pass);
        }

        @Override
        public void release() {
            layers.release();
            finalNorm.release();
        }
    }
}
