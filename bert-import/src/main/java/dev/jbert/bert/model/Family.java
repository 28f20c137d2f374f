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
    BERT("bert", "Bert", "bert", List.of("embeddings.", "encoder.", "pooler."), List.of("cls.")),
    DISTILBERT("distilbert", "DistilBert", "distilbert", List.of("embeddings.", "transformer."),
            List.of("vocab_transform.", "vocab_layer_norm.", "vocab_projector.")),
    ELECTRA("electra", "Electra", "electra", List.of("embeddings.", "embeddings_project.", "encoder."),
            List.of("discriminator_predictions.", "generator_predictions.", "generator_lm_head.")),
    ROBERTA("roberta", "Roberta", "roberta", List.of("embeddings.", "encoder.", "pooler."), List.of("lm_head.")),
    XLM_ROBERTA("xlm-roberta", "XLMRoberta", "roberta", List.of("embeddings.", "encoder.", "pooler."), List.of("lm_head.")),
    DEBERTA_V2("deberta-v2", "DebertaV2", "deberta", List.of("embeddings.", "encoder."), List.of("lm_predictions.", "mask_predictions.", "cls.")),
    // ModernBertForMaskedLM's head.dense and head.norm are the classifiers' head too: only its decoder goes unused
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

    /** The family of a {@code model_type}. */
    public static Family of(String modelType) {
        return Arrays.stream(values()).filter(f -> f.modelType.equals(modelType)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("model_type '" + modelType + "' is not a supported encoder; expected one of "
                        + Arrays.stream(values()).map(Family::modelType).toList()));
    }

    public static Family of(EncoderConfig config) {
        return of(config.modelType());
    }

    public String modelType() {
        return modelType;
    }

    /** The transformers class of this family for a task: {@code RobertaForSequenceClassification}, say. */
    public String className(String task) {
        return classPrefix + task;
    }

    /** The prefix of the encoder's keys in a checkpoint with a head ({@code roberta} for XLM-RoBERTa too). */
    public String basePrefix() {
        return basePrefix;
    }

    /** Whether a checkpoint key belongs to a pre-training head this library does not use. */
    public boolean isPretrainingHead(String key) {
        return pretrainingHeads.stream().anyMatch(key::startsWith);
    }

    /** How this family's checkpoints name their tensors. */
    public CheckpointKeys checkpointKeys() {
        return keys;
    }

    /**
     * Builds the encoder of this family.
     *
     * @param pooler build BERT's pooler when the checkpoint has one (other families have none in their classifiers)
     */
    public Encoder build(EncoderConfig config, Weights weights, boolean pooler) {
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
