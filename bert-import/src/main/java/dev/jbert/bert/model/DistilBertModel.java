package dev.jbert.bert.model;

import dev.jbert.bert.config.EncoderConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * DistilBERT ({@code modeling_distilbert.py}): {@code distilbert.embeddings} with words and absolute positions but
 * no token types, and {@code distilbert.transformer.layer.N} blocks ({@link LayerNames#DISTILBERT}: {@code q_lin},
 * {@code sa_layer_norm}, {@code ffn.lin1}, {@code output_layer_norm}). No pooler.
 */
public final class DistilBertModel {

    private DistilBertModel() {
    }

    /**
     * Builds a DistilBERT encoder from checkpoint keys under {@code distilbert.}.
     *
     * @param config  a {@code distilbert} config
     * @param weights where the parameters come from
     * @return the encoder, without a pooler
     */
    public static Encoder build(EncoderConfig config, Weights weights) {
        ModuleBuilder b = new ModuleBuilder(config, weights);
        Embeddings embeddings = new Embeddings(b, "distilbert.embeddings", Embeddings.Positions.ABSOLUTE, false);
        List<TransformerLayer> layers = new ArrayList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            layers.add(new TransformerLayer(b, "distilbert.transformer.layer." + i, LayerNames.DISTILBERT));
        }
        return new Encoder(Family.DISTILBERT, b, embeddings, null, new LayerStack(layers), null);
    }
}
