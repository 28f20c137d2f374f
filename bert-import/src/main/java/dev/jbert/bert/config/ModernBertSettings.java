package dev.jbert.bert.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * What ModernBERT's config sets beyond every encoder's settings, with ModernBertConfig's defaults.
 *
 * @param normBias             whether every LayerNorm has a bias ({@code norm_bias})
 * @param attentionBias        whether {@code Wqkv} and the attention's {@code Wo} have biases
 * @param mlpBias              whether {@code Wi} and the feed-forward {@code Wo} have biases
 * @param window               how far a local layer's queries see on either side: half of {@code local_attention}
 * @param global               for each layer, whether it attends globally ({@code layer_types}, or every
 *                             {@code global_attn_every_n_layers}-th layer from the first)
 * @param globalTheta          RoPE base of global layers
 * @param localTheta           RoPE base of local layers
 * @param embeddingDropout     dropout after the embedding norm
 * @param meanPooling          whether the sequence head averages the unpadded tokens ({@code classifier_pooling}
 *                             {@code mean}) rather than reading the first ({@code cls})
 * @param classifierActivation the head's activation
 * @param classifierBias       whether the head's dense layer has a bias
 */
public record ModernBertSettings(boolean normBias, boolean attentionBias, boolean mlpBias, int window, List<Boolean> global,
                                 double globalTheta, double localTheta, double embeddingDropout, boolean meanPooling,
                                 Activation classifierActivation, boolean classifierBias) {

    /**
     * The settings of a ModernBERT config; an IllegalArgumentException names a key that is out of range.
     *
     * @param config a {@code modernbert} config read from its {@code config.json}, whose {@link EncoderConfig#raw}
     *               holds the keys read here
     * @return the settings, with ModernBertConfig's defaults for absent keys
     * @throws IllegalArgumentException when the config has no JSON, or {@code local_attention}, {@code layer_types},
     *                                  {@code global_attn_every_n_layers}, {@code classifier_pooling} or a RoPE setting
     *                                  is out of range
     */
    public static ModernBertSettings of(EncoderConfig config) {
        JsonNode root = config.raw();
        if (root == null) throw new IllegalArgumentException("a ModernBERT config is read from its config.json");
        int localAttention = EncoderConfig.integer(root, "local_attention", 128);
        if (localAttention < 2) throw new IllegalArgumentException("local_attention must be at least 2, found " + localAttention);
        List<Boolean> global = new ArrayList<>();
        JsonNode types = root.get("layer_types");
        if (types != null && !types.isNull()) {
            if (!types.isArray() || types.size() != config.numHiddenLayers()) {
                throw new IllegalArgumentException("layer_types must list one type per layer (" + config.numHiddenLayers() + "), found " + types);
            }
            for (JsonNode t : types) {
                switch (t.asText()) {
                    case "full_attention" -> global.add(true);
                    case "sliding_attention" -> global.add(false);
                    default -> throw new IllegalArgumentException("layer_types holds '" + t.asText()
                            + "'; expected full_attention or sliding_attention");
                }
            }
        } else {
            int every = EncoderConfig.integer(root, "global_attn_every_n_layers", 3);
            if (every < 1) throw new IllegalArgumentException("global_attn_every_n_layers must be > 0, found " + every);
            for (int i = 0; i < config.numHiddenLayers(); i++) global.add(i % every == 0);
        }
        String pooling = EncoderConfig.text(root, "classifier_pooling", "cls");
        if (!pooling.equals("cls") && !pooling.equals("mean")) {
            throw new IllegalArgumentException("classifier_pooling is '" + pooling + "'; expected cls or mean");
        }
        return new ModernBertSettings(EncoderConfig.bool(root, "norm_bias", false), EncoderConfig.bool(root, "attention_bias", false), EncoderConfig.bool(root, "mlp_bias", false),
                localAttention / 2, List.copyOf(global), theta(root, "full_attention", "global_rope_theta", 160_000),
                theta(root, "sliding_attention", "local_rope_theta", 10_000), EncoderConfig.number(root, "embedding_dropout", 0.0),
                pooling.equals("mean"), EncoderConfig.activation(root, "classifier_activation"), EncoderConfig.bool(root, "classifier_bias", false));
    }

    /** {@code rope_parameters[layerType].rope_theta} (transformers 5), or the older flat key. */
    private static double theta(JsonNode root, String layerType, String legacyKey, double fallback) {
        JsonNode params = root.path("rope_parameters").path(layerType);
        if (params.isObject()) {
            String type = params.path("rope_type").asText("default");
            if (!type.equals("default")) {
                throw new IllegalArgumentException("rope_parameters." + layerType + ".rope_type is '" + type + "'; only default RoPE is implemented");
            }
            double theta = EncoderConfig.number(params, "rope_theta", fallback);
            if (!(theta > 1)) throw new IllegalArgumentException("rope_parameters." + layerType + ".rope_theta must be > 1, found " + theta);
            return theta;
        }
        return EncoderConfig.number(root, legacyKey, fallback);
    }
}
