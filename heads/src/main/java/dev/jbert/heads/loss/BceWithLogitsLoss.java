package dev.jbert.heads.loss;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code torch.nn.BCEWithLogitsLoss(pos_weight)}, mean over all elements, in torch's stable form
 * {@code (1−y)·x + (1 + (pw−1)·y)·(log(1+e^{−|x|}) + max(−x, 0))}; without pos_weight pw is 1.
 * transformers' multi-label head. With example weights, each example's mean over its labels is weighted.
 *
 * <p>Immutable and safe to share between threads, as long as nobody writes into the array {@link #posWeight()}
 * returns: it is the record's own copy, not a fresh one.
 *
 * @param posWeight per-class weight of the positive term, or null
 */
public record BceWithLogitsLoss(float[] posWeight) implements Loss {

    /**
     * Checks and copies the weights.
     *
     * @param posWeight per-class weight of the positive term, or null
     * @throws IllegalArgumentException when a weight is negative, infinite or NaN
     */
    public BceWithLogitsLoss {
        posWeight = Weights.checked("pos_weight", posWeight);
    }

    @Override
    public SDVariable build(SameDiff sd, SDVariable logits, SDVariable labels, SDVariable exampleWeights, int numClasses) {
        Weights.checkCount("pos_weight", posWeight, numClasses);
        SDVariable y = labels;                                                               // [N, C]
        SDVariable logTerm = logOnePlusExpNeg(sd, logits);
        SDVariable positive = posWeight == null
                ? logTerm
                : logTerm.mul(y.mul(sd.constant(Nd4j.createFromArray(posWeight)).sub(1.0)).add(1.0));
        SDVariable elementLosses = y.rsub(1.0).mul(logits).add(positive);                    // [N, C]
        return exampleWeights == null ? elementLosses.mean() : Weights.exampleMean(sd, elementLosses, exampleWeights, numClasses);
    }

    /** {@code log(1+e^{−|x|}) + max(−x, 0)} = {@code log(1+e^{−x})}, without overflow. */
    static SDVariable logOnePlusExpNeg(SameDiff sd, SDVariable x) {
        return sd.math.log1p(sd.math.exp(sd.math.abs(x).neg())).add(sd.nn.relu(x.neg(), 0));
    }

    @Override
    public LabelKind labelKind() {
        return LabelKind.MULTI_HOT;
    }
}
