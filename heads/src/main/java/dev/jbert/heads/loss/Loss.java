package dev.jbert.heads.loss;

import dev.jbert.core.nn.ReadBack;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A training loss appended to a graph, built from basic SameDiff ops: the {@code sd.loss.*} ops
 * of ND4J 1.0.0-M2.1 ignore the upstream gradient and silently mishandle ignored labels, so none
 * of them is used. Each implementation states the PyTorch function it reproduces.
 *
 * <p>Implementations should be immutable, as the records here are: a {@link dev.jbert.heads.ClassifierSpec} and
 * every model built from it share one loss.
 */
public interface Loss {

    /**
     * Adds the loss to {@code sd} and returns it as a scalar. With example weights it is the weighted mean
     * {@code Σ_i w_i·l_i / Σ_i w_i} over examples, where {@code l_i} is example i's loss (its mean over labels for
     * multi-label and several-target losses) and {@code w_i} its weight times, for a class-weighted loss, its class's
     * weight; without them, the loss's own mean, op for op.
     *
     * @param sd             the graph to add the loss to
     * @param logits         {@code [N, C]} raw scores (for token tasks N = batch·seq)
     * @param labels         the label placeholder, in the layout {@link #labelKind()} names
     * @param exampleWeights {@code [N]} per-example weights (sequence tasks only), or null for none
     * @param numClasses     C, the head's output width
     * @return the scalar loss
     */
    SDVariable build(SameDiff sd, SDVariable logits, SDVariable labels, SDVariable exampleWeights, int numClasses);

    /**
     * What the labels placeholder holds.
     *
     * @return the label layout
     */
    LabelKind labelKind();

    /**
     * The denominator of the mean this loss takes over a batch with these labels and example weights (null for
     * none): a batch's gradient is then the sum of its parts' gradients, each scaled by its part's normalizer over
     * the whole's (data-parallel training splits batches so). Class indices: the weights of the rows not ignored;
     * other layouts: every element, as {@code mean()}, each weighing its example's weight.
     *
     * @param labels         the batch's labels, in the layout {@link #labelKind()} names
     * @param exampleWeights per-example weights, or null for none
     * @return the denominator
     */
    default double normalizer(INDArray labels, float[] exampleWeights) {
        if (labelKind() != LabelKind.CLASS_INDEX) {
            return exampleWeights == null ? labels.length() : Weights.sum(exampleWeights) * (labels.length() / labels.size(0));
        }
        return Weights.rowWeightSum(ReadBack.ints(labels, ReadBack.Use.LABELS), exampleWeights, null);
    }

    /** Label layouts a loss consumes. */
    enum LabelKind {
        /** int32 {@code [N]} class indices; -100 marks a position to ignore. */
        CLASS_INDEX,
        /** float32 {@code [N, C]} multi-hot targets. */
        MULTI_HOT,
        /** float32 {@code [N]} (or {@code [N, C]} for several targets) real values. */
        REAL
    }

    /** The label value transformers and torch ignore: subword continuations, padding. */
    int IGNORE_INDEX = -100;
}
