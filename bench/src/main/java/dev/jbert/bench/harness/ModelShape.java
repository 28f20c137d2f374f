package dev.jbert.bench.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.bert.config.EncoderConfig;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The encoder shapes the harness measures: the BERT sizes with the uncased BERT vocabulary (30,522 entries) and an
 * intermediate size of four times the hidden size, and the base sizes of the other families as their released
 * checkpoints have them (deberta-v3-base, ModernBERT-base).
 *
 * <p>FLOPs are counted as two per multiply-add, over the matrix products only (embeddings, LayerNorm, softmax,
 * GELU and the loss are left out, as they are in the usual 6·N·tokens estimate): per layer and sequence of length
 * L, BERT's {@code L·(8h² + 4h·i) + 4L²h} forward — the Q, K, V and output projections, the two feed-forward
 * products, and the two attention products — plus {@code 2h²} for the pooler (or head) and {@code 2h·labels} for the
 * classifier. DeBERTa adds, per layer, its two position terms ({@code 2 · 2L·2S·h} for S relative buckets); the
 * projections of the {@code 2S} relative embeddings, computed once per batch rather than per sequence, are left
 * out. ModernBERT's GeGLU expands to twice the
 * intermediate size ({@code L·(8h² + 6h·i)}), and its local layers are counted, as computed, over the whole
 * sequence. A training step counts three forward passes (the backward pass computes two products per forward
 * product).
 *
 * @param family       the config's model_type
 * @param intermediate the feed-forward width
 * @param vocab        rows of the word-embedding table
 */
public record ModelShape(String name, String family, int layers, int hidden, int heads, int intermediate, int vocab) {

    public static final int BERT_VOCAB_SIZE = 30522;
    /** deberta-v3-base's relative position buckets. */
    static final int DEBERTA_BUCKETS = 256;
    public static final ModelShape TINY = bert("tiny", 2, 128, 2);
    public static final ModelShape MINI = bert("mini", 4, 256, 4);
    public static final ModelShape MINILM = bert("minilm", 6, 384, 12);
    public static final ModelShape BASE = bert("base", 12, 768, 12);
    public static final ModelShape DEBERTA_V3_BASE = new ModelShape("deberta-v3-base", "deberta-v2", 12, 768, 12, 3072, 128100);
    public static final ModelShape MODERNBERT_BASE = new ModelShape("modernbert-base", "modernbert", 22, 768, 12, 1152, 50368);
    private static final ModelShape[] STANDARD = {TINY, MINI, MINILM, BASE, DEBERTA_V3_BASE, MODERNBERT_BASE};

    private static ModelShape bert(String name, int layers, int hidden, int heads) {
        return new ModelShape(name, "bert", layers, hidden, heads, 4 * hidden, BERT_VOCAB_SIZE);
    }

    /** A standard shape by name (tiny, mini, minilm, base, deberta-v3-base, modernbert-base; any case). */
    public static ModelShape named(String name) {
        for (ModelShape s : STANDARD) {
            if (s.name.equalsIgnoreCase(name.strip())) return s;
        }
        throw new IllegalArgumentException("unknown model shape '" + name + "'; expected one of "
                + Arrays.stream(STANDARD).map(ModelShape::name).collect(Collectors.joining(", ")));
    }

    /** "6/384/12": layers, hidden size, attention heads. */
    public String dimensions() {
        return String.format(Locale.ROOT, "%d/%d/%d", layers, hidden, heads);
    }

    /** The longest sequence the shape's config allows. */
    public int maxLength() {
        return family.equals("modernbert") ? 8192 : 512;
    }

    /**
     * A configuration of this shape, with the released checkpoints' settings: dropout 0.1 for BERT and DeBERTa
     * (ModernBERT-base trains without dropout), DeBERTa-v3's disentangled attention, ModernBERT's local and global
     * layers and mean pooling.
     */
    public EncoderConfig config() {
        ObjectNode json = new ObjectMapper().createObjectNode();
        json.put("model_type", family);
        json.put("vocab_size", vocab);
        json.put("hidden_size", hidden);
        json.put("num_hidden_layers", layers);
        json.put("num_attention_heads", heads);
        json.put("intermediate_size", intermediate);
        json.put("max_position_embeddings", maxLength());
        switch (family) {
            case "deberta-v2" -> {
                json.put("relative_attention", true).put("position_buckets", DEBERTA_BUCKETS).put("max_relative_positions", -1)
                        .put("share_att_key", true).put("norm_rel_ebd", "layer_norm").put("position_biased_input", false)
                        .put("type_vocab_size", 0).put("pooler_hidden_act", "gelu");
                json.putArray("pos_att_type").add("p2c").add("c2p");
            }
            case "modernbert" -> json.put("local_attention", 128).put("global_attn_every_n_layers", 3).put("classifier_pooling", "mean")
                    .put("classifier_activation", "gelu").put("pad_token_id", 50283);
            default -> {
            }
        }
        return EncoderConfig.fromJson(json);
    }

    /** Forward-pass FLOPs for one sequence of {@code length} tokens through encoder, pooler or head, and a classifier. */
    public double forwardFlops(int length, int labels) {
        double h = hidden, l = length, i = intermediate;
        double perLayer = switch (family) {
            case "modernbert" -> l * (8 * h * h + 6 * h * i) + 4 * l * l * h;
            case "deberta-v2" -> l * (8 * h * h + 4 * h * i) + 4 * l * l * h + 8 * l * DEBERTA_BUCKETS * h;
            default -> l * (8 * h * h + 4 * h * i) + 4 * l * l * h;
        };
        return layers * perLayer + 2 * h * h + 2 * h * labels;
    }

    /** FLOPs of one training step's worth for one sequence: forward plus a backward pass of twice its cost. */
    public double trainingFlops(int length, int labels) {
        return 3 * forwardFlops(length, labels);
    }
}
