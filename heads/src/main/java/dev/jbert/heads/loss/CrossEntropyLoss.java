package dev.jbert.heads.loss;

import dev.jbert.core.nn.ReadBack;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code torch.nn.CrossEntropyLoss(weight, ignore_index=-100, label_smoothing)} with mean
 * reduction: {@code Σ_i w_{y_i}·nll_i / Σ_i w_{y_i}} over rows not ignored (a weighted mean, as
 * torch takes it), plus, with smoothing ε, {@code ε/C · Σ_i Σ_c w_c·(−log p_ic) / Σ_i w_{y_i}}
 * against {@code (1−ε)} of the first term. Without weights every w is 1. Example weights e multiply each row's
 * terms and its share of the denominator, {@code Σ_i e_i·w_{y_i}}. Used for single-label
 * sequence classification and, over every token, for token classification.
 *
 * <p>Immutable and safe to share between threads, as long as nobody writes into the array {@link #classWeights()}
 * returns: it is the record's own copy, not a fresh one.
 *
 * @param classWeights   per-class weights, or null for none
 * @param labelSmoothing ε in [0, 1)
 */
public record CrossEntropyLoss(float[] classWeights, double labelSmoothing) implements Loss {

    /**
     * Checks the smoothing and checks and copies the weights.
     *
     * @param classWeights   per-class weights, or null for none
     * @param labelSmoothing ε in [0, 1)
     * @throws IllegalArgumentException when ε is outside [0, 1), or a weight is negative, infinite or NaN
     */
    public CrossEntropyLoss {
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new IllegalArgumentException("label smoothing must be in [0, 1), got " + labelSmoothing);
        }
        classWeights = Weights.checked("class weights", classWeights);
    }

    /**
     * Plain cross entropy, transformers' default for single-label and token heads.
     *
     * @return cross entropy without class weights or label smoothing
     */
    public static CrossEntropyLoss plain() {
        return new CrossEntropyLoss(null, 0);
    }

    /** The weighted mean's denominator: {@code Σ_i e_i·w_{y_i}} over the rows not ignored, e the example weights. */
    @Override
    public double normalizer(INDArray labels, float[] exampleWeights) {
        return Weights.rowWeightSum(ReadBack.ints(labels, ReadBack.Use.LABELS), exampleWeights, classWeights);
    }

    @Override
    public SDVariable build(SameDiff sd, SDVariable logits, SDVariable labels, SDVariable exampleWeights, int numClasses) {
        Weights.checkCount("class weights", classWeights, numClasses);
        ClassIndexLabels y = ClassIndexLabels.of(sd, labels, numClasses);
        SDVariable logProbs = sd.nn.logSoftmax(logits);                                      // [N, C]
        // rows counted: 1, or the example's weight; torch's reduction='none' loss times it, over Σ e_i·w_{y_i}
        SDVariable counted = exampleWeights == null ? y.valid() : y.valid().mul(exampleWeights); // [N]
        SDVariable rowWeight = classWeights == null ? counted : y.perRow(sd, classWeights).mul(counted); // [N]
        SDVariable denominator = rowWeight.sum();
        SDVariable nll = y.pick(logProbs).neg();                                             // [N]
        SDVariable loss = nll.mul(rowWeight).sum().div(denominator);
        if (labelSmoothing == 0) return loss;
        SDVariable weighted = classWeights == null ? logProbs : logProbs.mul(sd.constant(Nd4j.createFromArray(classWeights)));
        SDVariable smooth = weighted.sum(1).neg().mul(counted).sum().div(denominator);
        return loss.mul(1 - labelSmoothing).add(smooth.mul(labelSmoothing / numClasses));
    }

    @Override
    public LabelKind labelKind() {
        return LabelKind.CLASS_INDEX;
    }
}
