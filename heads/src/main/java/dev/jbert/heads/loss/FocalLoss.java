package dev.jbert.heads.loss;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Softmax focal loss (Lin et al. 2017), {@code mean_i(−α_{y_i}·(1−p_{y_i})^γ·log p_{y_i})} over
 * rows not ignored; with example weights {@code Σ_i w_i·f_i / Σ_i w_i}. With γ = 0 and no α it is cross entropy.
 *
 * <p>Immutable and safe to share between threads, as long as nobody writes into the array {@link #alpha()}
 * returns: it is the record's own copy, not a fresh one.
 *
 * @param gamma focusing parameter γ ≥ 0
 * @param alpha per-class α, or null for none
 */
public record FocalLoss(double gamma, float[] alpha) implements Loss {

    /**
     * Checks γ and checks and copies α.
     *
     * @param gamma focusing parameter γ ≥ 0
     * @param alpha per-class α, or null for none
     * @throws IllegalArgumentException when γ is negative or NaN, or an α is negative, infinite or NaN
     */
    public FocalLoss {
        if (!(gamma >= 0)) throw new IllegalArgumentException("focal gamma must be >= 0, got " + gamma);
        alpha = Weights.checked("focal alpha", alpha);
    }

    @Override
    public SDVariable build(SameDiff sd, SDVariable logits, SDVariable labels, SDVariable exampleWeights, int numClasses) {
        Weights.checkCount("focal alpha", alpha, numClasses);
        ClassIndexLabels y = ClassIndexLabels.of(sd, labels, numClasses);
        SDVariable logPy = y.pick(sd.nn.logSoftmax(logits));                                  // [N]
        SDVariable modulating = sd.math.pow(sd.math.exp(logPy).rsub(1.0), gamma);            // (1 − p_y)^γ
        SDVariable perRow = logPy.neg().mul(modulating).mul(y.valid());
        if (alpha != null) perRow = perRow.mul(y.perRow(sd, alpha));
        // α scales the loss but, as in the unweighted mean, not the denominator: only the example weights do
        SDVariable counted = y.valid();
        if (exampleWeights != null) {
            perRow = perRow.mul(exampleWeights);
            counted = counted.mul(exampleWeights);
        }
        return perRow.sum().div(counted.sum());
    }

    @Override
    public LabelKind labelKind() {
        return LabelKind.CLASS_INDEX;
    }
}
