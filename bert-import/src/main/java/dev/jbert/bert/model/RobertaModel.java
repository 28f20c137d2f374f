package dev.jbert.bert.model;

import dev.jbert.bert.config.EncoderConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * RoBERTa and XLM-RoBERTa ({@code modeling_roberta.py}, {@code modeling_xlm_roberta.py}): BERT's layers under
 * {@code roberta.encoder.layer.N}, with position ids that start after {@code padding_idx} and skip padding. Their
 * classifiers build no pooler ({@code add_pooling_layer=False}), so a pretrained {@code roberta.pooler} goes unused.
 */
public final class RobertaModel {

    private RobertaModel() {
    }

    /**
     * Builds a RoBERTa or XLM-RoBERTa encoder from checkpoint keys under {@code roberta.}.
     *
     * @param family  {@link Family#ROBERTA} or {@link Family#XLM_ROBERTA}, which the encoder reports
     * @param config  a {@code roberta} or {@code xlm-roberta} config
     * @param weights where the parameters come from
     * @return the encoder, without a pooler
     */
    public static Encoder build(Family family, EncoderConfig config, Weights weights) {
        ModuleBuilder b = new ModuleBuilder(config, weights);
        Embeddings embeddings = new Embeddings(b, "roberta.embeddings", Embeddings.Positions.AFTER_PADDING, true);
        List<TransformerLayer> layers = new ArrayList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            layers.add(new TransformerLayer(b, "roberta.encoder.layer." + i, LayerNames.BERT));
        }
        return new Encoder(family, b, embeddings, null, new LayerStack(layers), null);
    }
}
