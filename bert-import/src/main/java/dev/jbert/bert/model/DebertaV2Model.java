package dev.jbert.bert.model;

import dev.jbert.bert.config.DebertaV2Settings;
import dev.jbert.bert.config.EncoderConfig;

/**
 * DeBERTa-v2 and -v3 ({@code modeling_deberta_v2.py}): {@code deberta.embeddings} (words, absolute positions only
 * with {@code position_biased_input}, token types only when {@code type_vocab_size > 0}, LayerNorm, padded rows
 * zeroed), then {@code deberta.encoder} ({@link DebertaV2Encoder}): BERT's post-norm layers with disentangled
 * self-attention over shared relative embeddings. No pooler in the encoder: the classifiers' ContextPooler is
 * their head's ({@code pooler.dense}).
 */
public final class DebertaV2Model {

    private DebertaV2Model() {
    }

    /**
     * Builds a DeBERTa-v2 (or -v3) encoder from checkpoint keys under {@code deberta.}.
     *
     * @param config  a {@code deberta-v2} config
     * @param weights where the parameters come from
     * @return the encoder, without a pooler
     * @throws IllegalArgumentException when the config has settings {@link DebertaV2Settings} rejects
     */
    public static Encoder build(EncoderConfig config, Weights weights) {
        DebertaV2Settings s = DebertaV2Settings.of(config);
        ModuleBuilder b = new ModuleBuilder(config, weights);
        Embeddings embeddings = new Embeddings(b, "deberta.embeddings", new Embeddings.Layout("word_embeddings", "LayerNorm",
                s.positionBiasedInput() ? Embeddings.Positions.ABSOLUTE : Embeddings.Positions.NONE, config.typeVocabSize() > 0, true, true,
                config.hiddenDropoutProb()));
        return new Encoder(Family.DEBERTA_V2, b, embeddings, null, new DebertaV2Encoder(b, "deberta.encoder", s), null);
    }
}
