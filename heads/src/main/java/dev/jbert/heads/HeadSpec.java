package dev.jbert.heads;

import dev.jbert.bert.config.Activation;

/**
 * The shape of the classification head.
 *
 * @param kind          a single Linear, or a small MLP
 * @param mlpHiddenSize width of the MLP's hidden layer (ignored for LINEAR)
 * @param mlpActivation the MLP's activation (ignored for LINEAR)
 */
public record HeadSpec(Kind kind, int mlpHiddenSize, Activation mlpActivation) {

    /** Head architectures. */
    public enum Kind {
        /**
         * {@code classifier.weight}, {@code classifier.bias}: transformers' own heads, so the saved
         * model loads in BertForSequenceClassification / BertForTokenClassification.
         */
        LINEAR,
        /**
         * {@code classifier.dense} → activation → dropout → {@code classifier.out_proj}, named as
         * transformers' RoBERTa classification head; loads here, not in a BERT class of transformers.
         */
        MLP
    }

    public HeadSpec {
        if (kind == null) throw new IllegalArgumentException("head kind is required");
        if (kind == Kind.MLP && mlpHiddenSize <= 0) {
            throw new IllegalArgumentException("an MLP head needs a hidden size > 0, got " + mlpHiddenSize);
        }
        if (kind == Kind.MLP && mlpActivation == null) throw new IllegalArgumentException("an MLP head needs an activation");
    }

    /** transformers' head: one Linear. */
    public static HeadSpec linear() {
        return new HeadSpec(Kind.LINEAR, 0, null);
    }

    /** A one-hidden-layer MLP head. */
    public static HeadSpec mlp(int hiddenSize, Activation activation) {
        return new HeadSpec(Kind.MLP, hiddenSize, activation);
    }
}
