package dev.jbert.heads;

import dev.jbert.bert.config.Activation;

/**
 * The shape of the classification head.
 *
 * @param kind          the family's own head, or a small MLP on BERT's pooler
 * @param mlpHiddenSize width of the MLP's hidden layer (ignored for NATIVE)
 * @param mlpActivation the MLP's activation (ignored for NATIVE)
 */
public record HeadSpec(Kind kind, int mlpHiddenSize, Activation mlpActivation) {

    /** Head architectures. */
    public enum Kind {
        /**
         * The head transformers' own class of the encoder's family has ({@link HeadLayout}): for BERT one Linear
         * {@code classifier} on the pooler, for RoBERTa {@code classifier.dense} and {@code classifier.out_proj} on
         * the first token, and so on. The saved model loads in that class.
         */
        NATIVE,
        /**
         * On BERT's pooler: {@code classifier.dense} → activation → dropout → {@code classifier.out_proj}, named as
         * transformers' RoBERTa classification head; loads here, not in a BERT class of transformers.
         */
        MLP
    }

    /**
     * Checks the parts.
     *
     * @param kind          the head's kind
     * @param mlpHiddenSize the MLP's hidden width
     * @param mlpActivation the MLP's activation
     * @throws IllegalArgumentException when the kind is null, or an MLP head lacks a positive hidden size or an
     *                                  activation
     */
    public HeadSpec {
        if (kind == null) throw new IllegalArgumentException("head kind is required");
        if (kind == Kind.MLP && mlpHiddenSize <= 0) {
            throw new IllegalArgumentException("an MLP head needs a hidden size > 0, got " + mlpHiddenSize);
        }
        if (kind == Kind.MLP && mlpActivation == null) throw new IllegalArgumentException("an MLP head needs an activation");
    }

    /**
     * transformers' own head for the encoder's family.
     *
     * @return the {@link Kind#NATIVE} head
     */
    public static HeadSpec nativeHead() {
        return new HeadSpec(Kind.NATIVE, 0, null);
    }

    /**
     * A one-hidden-layer MLP head.
     *
     * @param hiddenSize the hidden layer's width, above 0
     * @param activation the hidden layer's activation
     * @return the {@link Kind#MLP} head
     */
    public static HeadSpec mlp(int hiddenSize, Activation activation) {
        return new HeadSpec(Kind.MLP, hiddenSize, activation);
    }
}
