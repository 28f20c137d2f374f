package dev.jbert.bert.model;

/**
 * Where a post-norm transformer layer's parameters sit under the layer's prefix, family by family, and whether the
 * attention output is dropped out before its residual.
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
