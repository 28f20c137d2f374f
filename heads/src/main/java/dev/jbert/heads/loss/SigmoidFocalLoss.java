package dev.jbert.heads.loss;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * torchvision's {@code sigmoid_focal_loss(reduction="mean")}: binary cross entropy per element
 * times {@code (1−p_t)^γ}, times {@code α_t = α·y + (1−α)·(1−y)} when α ≥ 0, averaged over all
 * elements (with example weights, each example's mean over its labels weighted). For multi-label heads.
 *
 * @param gamma γ ≥ 0 (torchvision's default 2)
 * @param alpha α in [0, 1], or a negative value for no weighting (torchvision's convention)
 */
public record SigmoidFocalLoss(double gamma, double alpha) implements Loss {

    /**
     * Checks γ and α.
     *
     * @param gamma γ ≥ 0
     * @param alpha α in [0, 1], or negative for none
     * @throws IllegalArgumentException when γ is negative or NaN, or α is above 1
     */
    public SigmoidFocalLoss {
        if (!(gamma >= 0)) throw new IllegalArgumentException("focal gamma must be >= 0, got " + gamma);
        if (alpha > 1) throw new IllegalArgumentException("focal alpha must be <= 1 (or negative for none), got " + alpha);
    }

    @Override
    public SDVariable build(SameDiff sd, SDVariable logits, SDVariable labels, SDVariable exampleWeights, int numClasses) {
        SDVariable y = labels;                                                               // [N, C]
        SDVariable p = sd.nn.sigmoid(logits);
        SDVariable ce = y.rsub(1.0).mul(logits).add(BceWithLogitsLoss.logOnePlusExpNeg(sd, logits));
        SDVariable pT = p.mul(y).add(p.rsub(1.0).mul(y.rsub(1.0)));
        SDVariable loss = ce.mul(sd.math.pow(pT.rsub(1.0), gamma));
        if (alpha >= 0) loss = loss.mul(y.mul(alpha).add(y.rsub(1.0).mul(1 - alpha)));
        return exampleWeights == null ? loss.mean() : Weights.exampleMean(sd, loss, exampleWeights, numClasses);
    }

    @Override
    public LabelKind labelKind() {
        return LabelKind.MULTI_HOT;
    }
}
