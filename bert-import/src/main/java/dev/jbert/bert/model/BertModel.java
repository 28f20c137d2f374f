package dev.jbert.bert.model;

import dev.jbert.bert.config.EncoderConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * BERT, as transformers' {@code modeling_bert.py} lays it out: {@code bert.embeddings} (words, token types,
 * absolute positions), {@code bert.encoder.layer.N} ({@link LayerNames#BERT}) and the optional {@code bert.pooler}.
 */
public final class BertModel {

    private BertModel() {
    }

    /**
     * Builds a BERT encoder from checkpoint keys under {@code bert.}.
     *
     * @param config  a {@code bert} config
     * @param weights where the parameters come from
     * @param pooler  whether the pooler is built (when {@code weights} has {@code bert.pooler.dense.*})
     * @return the encoder, with a pooler only when asked for and present
     */
    public static Encoder build(EncoderConfig config, Weights weights, PoolerChoice pooler) {
        ModuleBuilder b = new ModuleBuilder(config, weights);
        Embeddings embeddings = new Embeddings(b, "bert.embeddings", Embeddings.Positions.ABSOLUTE, true);
        List<TransformerLayer> layers = new ArrayList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) layers.add(new TransformerLayer(b, "bert.encoder.layer." + i, LayerNames.BERT));
        Pooler p = pooler == PoolerChoice.IF_PRESENT && (b.has("bert.pooler.dense.weight") || b.has("bert.pooler.dense.bias")) ? new Pooler(b, "bert.pooler") : null;
        return new Encoder(Family.BERT, b, embeddings, null, new LayerStack(layers), p);
    }
}
