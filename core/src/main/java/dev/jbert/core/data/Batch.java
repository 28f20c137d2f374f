package dev.jbert.core.data;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One model-ready batch: token ids, segment ids and attention mask, all {@code [batch, seq]},
 * padded to one length, and the labels in the layout the task's loss reads (class indices
 * {@code [batch]} or {@code [batch, seq]} as int32 with -100 to ignore, multi-hot
 * {@code [batch, C]} or real values {@code [batch]} as float32), or null when unlabelled.
 *
 * <p>{@code exampleWeights} ({@code [batch]}) weigh each example's loss, for synthetic examples that count less (or
 * more) than real ones; null when every example weighs 1, and then the loss is computed op for op as an unweighted
 * batch's, so that a run without weights is bit-for-bit what it was before weights existed.
 *
 * <p>The arrays are held and handed out as they are, not copied: treat them as read-only, and the batch may then be
 * read from several threads.
 */
public record Batch(int[][] inputIds, int[][] tokenTypeIds, int[][] attentionMask, INDArray labels, float[] exampleWeights) {

    /**
     * Checks that the arrays agree on the batch size and are padded to one length, and that the weights are positive.
     *
     * @param inputIds       token ids {@code [batch, seq]}
     * @param tokenTypeIds   segment ids {@code [batch, seq]}
     * @param attentionMask  1 for real tokens, 0 for padding, {@code [batch, seq]}
     * @param labels         the labels in the task's layout, or null when unlabelled
     * @param exampleWeights each example's loss weight {@code [batch]}, finite and {@code > 0}; null when all weigh 1
     * @throws IllegalArgumentException if the batch is empty, the shapes disagree or a weight is not finite and
     *                                  positive
     */
    public Batch {
        if (inputIds.length == 0) throw new IllegalArgumentException("a batch needs at least one example");
        int len = inputIds[0].length;
        for (int i = 0; i < inputIds.length; i++) {
            if (inputIds[i].length != len || tokenTypeIds[i].length != len || attentionMask[i].length != len) {
                throw new IllegalArgumentException("example " + i + " of the batch is not padded to length " + len);
            }
        }
        if (tokenTypeIds.length != inputIds.length || attentionMask.length != inputIds.length) {
            throw new IllegalArgumentException("ids, token types and attention mask disagree on the batch size");
        }
        if (labels != null && labels.size(0) != inputIds.length) {
            throw new IllegalArgumentException("labels hold " + labels.size(0) + " rows for a batch of " + inputIds.length);
        }
        if (exampleWeights != null) {
            if (exampleWeights.length != inputIds.length) {
                throw new IllegalArgumentException(exampleWeights.length + " example weights for a batch of " + inputIds.length);
            }
            for (int i = 0; i < exampleWeights.length; i++) {
                if (!(exampleWeights[i] > 0) || Float.isInfinite(exampleWeights[i])) {
                    throw new IllegalArgumentException("example " + i + " of the batch weighs " + exampleWeights[i]
                            + "; example weights must be finite and > 0");
                }
            }
        }
    }

    /**
     * A batch whose examples all weigh 1.
     *
     * @param inputIds      token ids {@code [batch, seq]}
     * @param tokenTypeIds  segment ids {@code [batch, seq]}
     * @param attentionMask 1 for real tokens, 0 for padding, {@code [batch, seq]}
     * @param labels        the labels in the task's layout, or null when unlabelled
     */
    public Batch(int[][] inputIds, int[][] tokenTypeIds, int[][] attentionMask, INDArray labels) {
        this(inputIds, tokenTypeIds, attentionMask, labels, null);
    }

    /**
     * The number of examples.
     *
     * @return {@code batch}
     */
    public int size() {
        return inputIds.length;
    }

    /**
     * The padded length of every example.
     *
     * @return {@code seq}
     */
    public int sequenceLength() {
        return inputIds[0].length;
    }
}
