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
     * @param pooler build the pooler when {@code weights} has {@code bert.pooler.dense.*}: transformers builds it for
     *               the bare model and sequence classification, never for token classification
     */
    public static Encoder build(EncoderConfig config, Weights weights, boolean pooler) {
        ModuleBuilder b = new ModuleBuilder(config, weights);
        Embeddings embeddings = new Embeddings(b, "bert.embeddings", Embeddings.Positions.ABSOLUTE, true);
        List<TransformerLayer> layers = new ArrayList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) layers.add(new TransformerLayer(b, "bert.encoder.layer." + i, LayerNames.BERT));
        Pooler p = pooler && (b.has("bert.pooler.dense.weight") || b.has("bert.pooler.dense.bias")) ? new Pooler(b, "bert.pooler") : null;
        return new Encoder(Family.BERT, b, embeddings, null, new LayerStack(layers), p);
    }
}
