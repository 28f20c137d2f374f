package dev.jbert.bert.model;

/**
 * Where a post-norm transformer layer's parameters sit under the layer's prefix, family by family, and whether the
 * attention output is dropped out before its residual.
 *
 * @param query                  the query projection, e.g. {@code attention.self.query}
 * @param key                    the key projection
 * @param value                  the value projection
 * @param attentionOutput        the dense layer after attention, e.g. {@code attention.output.dense}
 * @param attentionNorm          the LayerNorm after the attention residual
 * @param intermediate           the feed-forward expansion, e.g. {@code intermediate.dense}
 * @param output                 the feed-forward projection back to the hidden size
 * @param outputNorm             the LayerNorm after the feed-forward residual
 * @param attentionOutputDropout whether the attention output dense layer is followed by hidden dropout
 */
public record LayerNames(String query, String key, String value, String attentionOutput, String attentionNorm,
                         String intermediate, String output, String outputNorm, boolean attentionOutputDropout) {

    /** modeling_bert.py, and the families that copy it (RoBERTa, XLM-RoBERTa, ELECTRA). */
    public static final LayerNames BERT = new LayerNames("attention.self.query", "attention.self.key", "attention.self.value",
            "attention.output.dense", "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm", true);

    /** modeling_deberta_v2.py: BERT's block with DisentangledSelfAttention's {@code query_proj}, {@code key_proj}, {@code value_proj}. */
    public static final LayerNames DEBERTA_V2 = new LayerNames("attention.self.query_proj", "attention.self.key_proj",
            "attention.self.value_proj", "attention.output.dense", "attention.output.LayerNorm", "intermediate.dense", "output.dense",
            "output.LayerNorm", true);

    /** modeling_distilbert.py's TransformerBlock: no dropout between {@code out_lin} and {@code sa_layer_norm}. */
    public static final LayerNames DISTILBERT = new LayerNames("attention.q_lin", "attention.k_lin", "attention.v_lin",
            "attention.out_lin", "sa_layer_norm", "ffn.lin1", "ffn.lin2", "output_layer_norm", false);
}
