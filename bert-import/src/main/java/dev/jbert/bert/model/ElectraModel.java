package dev.jbert.bert.model;

import dev.jbert.bert.config.EncoderConfig;
import dev.jbert.core.nn.Linear;

import java.util.ArrayList;
import java.util.List;

/**
 * ELECTRA's discriminator ({@code modeling_electra.py}): BERT's embeddings at {@code embedding_size}, then
 * {@code electra.embeddings_project} up to the hidden size when the two differ, then BERT's layers under
 * {@code electra.encoder.layer.N}. No pooler.
 */
public final class ElectraModel {

    private ElectraModel() {
    }

    /**
     * Builds a ELECTRA discriminator encoder from checkpoint keys under {@code electra.}.
     *
     * @param config  a {@code electra} config
     * @param weights where the parameters come from
     * @return the encoder, without a pooler
     */
    public static Encoder build(EncoderConfig config, Weights weights) {
        ModuleBuilder b = new ModuleBuilder(config, weights);
        Embeddings embeddings = new Embeddings(b, "electra.embeddings", Embeddings.Positions.ABSOLUTE, true);
        Linear projection = config.embeddingSize() != config.hiddenSize()
                ? b.linear("electra.embeddings_project", config.embeddingSize(), config.hiddenSize()) : null;
        List<TransformerLayer> layers = new ArrayList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            layers.add(new TransformerLayer(b, "electra.encoder.layer." + i, LayerNames.BERT));
        }
        return new Encoder(Family.ELECTRA, b, embeddings, projection, new LayerStack(layers), null);
    }
}
