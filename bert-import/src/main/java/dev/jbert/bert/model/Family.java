package dev.jbert.bert.model;

import dev.jbert.bert.checkpoint.CheckpointKeys;
import dev.jbert.bert.config.EncoderConfig;

import java.util.Arrays;
import java.util.List;

/**
 * The encoder families, picked by {@code config.json}'s {@code model_type} as transformers' AutoModel picks them:
 * the class name prefix of their transformers classes, the prefix their encoder's keys carry in a checkpoint with a
 * head, and the tensors of pre-training heads that classification leaves unused.
 */
public enum Family {
    /** BERT ({@code bert}, keys under {@code bert.}). */
    BERT("bert", "Bert", "bert", List.of("embeddings.", "encoder.", "pooler."), List.of("cls.")),
    /** DistilBERT ({@code distilbert}, keys under {@code distilbert.}). */
    DISTILBERT("distilbert", "DistilBert", "distilbert", List.of("embeddings.", "transformer."),
            List.of("vocab_transform.", "vocab_layer_norm.", "vocab_projector.")),
    /** ELECTRA's discriminator ({@code electra}, keys under {@code electra.}). */
    ELECTRA("electra", "Electra", "electra", List.of("embeddings.", "embeddings_project.", "encoder."),
            List.of("discriminator_predictions.", "generator_predictions.", "generator_lm_head.")),
    /** RoBERTa ({@code roberta}, keys under {@code roberta.}). */
    ROBERTA("roberta", "Roberta", "roberta", List.of("embeddings.", "encoder.", "pooler."), List.of("lm_head.")),
    /** XLM-RoBERTa ({@code xlm-roberta}): RoBERTa's layout, keys under {@code roberta.}. */
    XLM_ROBERTA("xlm-roberta", "XLMRoberta", "roberta", List.of("embeddings.", "encoder.", "pooler."), List.of("lm_head.")),
    /** DeBERTa-v2 and -v3 ({@code deberta-v2}, keys under {@code deberta.}). */
    DEBERTA_V2("deberta-v2", "DebertaV2", "deberta", List.of("embeddings.", "encoder."), List.of("lm_predictions.", "mask_predictions.", "cls.")),
    // ModernBertForMaskedLM's head.dense and head.norm are the classifiers' head too: only its decoder goes unused
    /** ModernBERT ({@code modernbert}, keys under {@code model.}). */
    MODERNBERT("modernbert", "ModernBert", "model", List.of("embeddings.", "layers.", "final_norm."), List.of("decoder."));

    private final String modelType;
    private final String classPrefix;
    private final String basePrefix;
    private final List<String> pretrainingHeads;
    private final CheckpointKeys keys;

    Family(String modelType, String classPrefix, String basePrefix, List<String> roots, List<String> pretrainingHeads) {
        this.modelType = modelType;
        this.classPrefix = classPrefix;
        this.basePrefix = basePrefix;
        this.pretrainingHeads = pretrainingHeads;
        this.keys = new CheckpointKeys(basePrefix, roots, this::isPretrainingHead);
    }

    /**
     * The family of a {@code model_type}.
     *
     * @param modelType a {@code config.json} {@code model_type}, e.g. {@code xlm-roberta}
     * @return its family
     * @throws IllegalArgumentException when no family has that model type
     */
    public static Family of(String modelType) {
        return Arrays.stream(values()).filter(f -> f.modelType.equals(modelType)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("model_type '" + modelType + "' is not a supported encoder; expected one of "
                        + Arrays.stream(values()).map(Family::modelType).toList()));
    }

    /**
     * The family of a config's {@code model_type}.
     *
     * @param config the config
     * @return its family
     */
    public static Family of(EncoderConfig config) {
        return of(config.modelType());
    }

    /**
     * The {@code model_type} that picks this family.
     *
     * @return the {@code config.json} value, e.g. {@code deberta-v2}
     */
    public String modelType() {
        return modelType;
    }

    /**
     * The transformers class of this family for a task: {@code RobertaForSequenceClassification}, say.
     *
     * @param task the class name's suffix, e.g. {@code ForSequenceClassification}
     * @return the family's class prefix followed by {@code task}
     */
    public String className(String task) {
        return classPrefix + task;
    }

    /**
     * The prefix of the encoder's keys in a checkpoint with a head ({@code roberta} for XLM-RoBERTa too).
     *
     * @return the prefix, without the trailing dot
     */
    public String basePrefix() {
        return basePrefix;
    }

    /**
     * Whether a checkpoint key belongs to a pre-training head this library does not use.
     *
     * @param key a checkpoint key, e.g. {@code cls.predictions.bias}
     * @return whether it starts with one of the family's pre-training head prefixes
     */
    public boolean isPretrainingHead(String key) {
        return pretrainingHeads.stream().anyMatch(key::startsWith);
    }

    /**
     * How this family's checkpoints name their tensors.
     *
     * @return the family's key normalisation
     */
    public CheckpointKeys checkpointKeys() {
        return keys;
    }

    /**
     * Builds the encoder of this family.
     *
     * @param config  a config of this family
     * @param weights where the parameters come from
     * @param pooler  whether BERT's pooler is built when the checkpoint has one (other families have none)
     * @return the encoder
     */
    public Encoder build(EncoderConfig config, Weights weights, PoolerChoice pooler) {
        return switch (this) {
            case BERT -> BertModel.build(config, weights, pooler);
            case DISTILBERT -> DistilBertModel.build(config, weights);
            case ELECTRA -> ElectraModel.build(config, weights);
            case ROBERTA, XLM_ROBERTA -> RobertaModel.build(this, config, weights);
            case MODERNBERT -> ModernBertModel.build(config, weights);
            case DEBERTA_V2 -> DebertaV2Model.build(config, weights);
        };
    }
}
