package dev.jbert.bert.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * What DeBERTa-v2's config sets beyond every encoder's settings (DeBERTa-v3 shares the architecture), with
 * DebertaV2Config's defaults.
 *
 * @param relativeAttention    whether attention adds the disentangled position terms
 * @param positionBuckets      log-bucketed relative positions ({@code position_buckets}), or -1 for plain ones
 * @param maxRelativePositions the farthest relative position ({@code max_relative_positions}, or
 *                             {@code max_position_embeddings} when below 1)
 * @param c2p                  the content-to-position term ({@code pos_att_type} has {@code c2p})
 * @param p2c                  the position-to-content term
 * @param shareAttKey          whether positions are projected by the content's query and key layers
 * @param normRelEmbeddings    whether the relative embeddings pass through {@code encoder.LayerNorm}
 * @param positionBiasedInput  whether absolute position embeddings are added to the input
 * @param poolerHiddenAct      the context pooler's activation
 * @param poolerDropout        dropout on the first token before the pooler
 */
public record DebertaV2Settings(boolean relativeAttention, int positionBuckets, int maxRelativePositions, boolean c2p, boolean p2c,
                                boolean shareAttKey, boolean normRelEmbeddings, boolean positionBiasedInput, Activation poolerHiddenAct,
                                double poolerDropout) {

    /**
     * The settings of a DeBERTa-v2 config; an IllegalArgumentException names a key that is out of range or not
     * implemented.
     *
     * @param config a {@code deberta-v2} config read from its {@code config.json}, whose {@link EncoderConfig#raw}
     *               holds the keys read here
     * @return the settings, with DebertaV2Config's defaults for absent keys
     * @throws IllegalArgumentException when the config has no JSON, or uses a convolution layer, an {@code embed_proj},
     *                                  an {@code attention_head_size} or {@code pooler_hidden_size} that is not the
     *                                  hidden layout, or an unknown {@code pos_att_type} or {@code norm_rel_ebd}
     */
    public static DebertaV2Settings of(EncoderConfig config) {
        JsonNode root = config.raw();
        if (root == null) throw new IllegalArgumentException("a DeBERTa-v2 config is read from its config.json");
        if (EncoderConfig.integer(root, "conv_kernel_size", 0) > 0) {
            throw new IllegalArgumentException("conv_kernel_size is " + root.get("conv_kernel_size")
                    + ": DeBERTa-v2's convolution layer (deberta-v2-xlarge and -xxlarge) is not implemented");
        }
        if (config.embeddingSize() != config.hiddenSize()) {
            throw new IllegalArgumentException("embedding_size " + config.embeddingSize() + " differs from hidden_size " + config.hiddenSize()
                    + ": DeBERTa's embed_proj is not implemented");
        }
        if (root.hasNonNull("attention_head_size") && root.get("attention_head_size").asInt() != config.headSize()) {
            throw new IllegalArgumentException("attention_head_size " + root.get("attention_head_size") + " differs from hidden_size / "
                    + "num_attention_heads (" + config.headSize() + "), which is all that is implemented");
        }
        int pooler = EncoderConfig.integer(root, "pooler_hidden_size", config.hiddenSize());
        if (pooler != config.hiddenSize()) {
            throw new IllegalArgumentException("pooler_hidden_size " + pooler + " differs from hidden_size " + config.hiddenSize()
                    + "; DeBERTa's context pooler reads and writes hidden states");
        }
        List<String> types = new ArrayList<>();
        JsonNode pos = root.get("pos_att_type");
        if (pos != null && pos.isArray()) pos.forEach(t -> types.add(t.asText().trim().toLowerCase()));
        else if (pos != null && pos.isTextual()) for (String t : pos.asText().toLowerCase().split("\\|")) types.add(t.trim());
        for (String t : types) {
            if (!t.equals("c2p") && !t.equals("p2c") && !t.isEmpty()) {
                throw new IllegalArgumentException("pos_att_type holds '" + t + "'; expected c2p and/or p2c");
            }
        }
        int maxRelative = EncoderConfig.integer(root, "max_relative_positions", -1);
        if (maxRelative < 1) maxRelative = config.maxPositionEmbeddings();
        int buckets = EncoderConfig.integer(root, "position_buckets", -1);
        if (buckets > 0 && (buckets < 2 || maxRelative <= buckets / 2 + 1)) {
            throw new IllegalArgumentException("position_buckets " + buckets + " needs max_relative_positions above half of it, found "
                    + maxRelative);
        }
        String norm = EncoderConfig.text(root, "norm_rel_ebd", "none").toLowerCase();
        boolean normRel = false;
        for (String n : norm.split("\\|")) {
            if (n.trim().equals("layer_norm")) normRel = true;
            else if (!n.trim().equals("none")) throw new IllegalArgumentException("norm_rel_ebd '" + norm + "'; expected none or layer_norm");
        }
        return new DebertaV2Settings(EncoderConfig.bool(root, "relative_attention", false), buckets, maxRelative, types.contains("c2p"), types.contains("p2c"),
                EncoderConfig.bool(root, "share_att_key", false), normRel, EncoderConfig.bool(root, "position_biased_input", true),
                EncoderConfig.activation(root, "pooler_hidden_act"), EncoderConfig.number(root, "pooler_dropout", 0.0));
    }

    /**
     * Rows on either side of the relative-embedding table ({@code pos_ebd_size}): the buckets, else the farthest
     * position.
     *
     * @return positionBuckets when bucketing, else maxRelativePositions; the table has twice as many rows
     */
    public int span() {
        return positionBuckets > 0 ? positionBuckets : maxRelativePositions;
    }

    /**
     * 1 + the position terms pos_att_type names: the scores are divided by √(head_size · this), as transformers
     * scales them.
     *
     * @return 1, 2 or 3
     */
    public int scaleFactor() {
        return 1 + (c2p ? 1 : 0) + (p2c ? 1 : 0);
    }
}
