package dev.jbert.heads.loss;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * {@code torch.nn.MSELoss()} as transformers' regression head applies it: with one label,
 * {@code MSELoss(logits.squeeze(), labels.squeeze())}; with several, elementwise over all. With example
 * weights, each example's mean over its targets is weighted.
 */
public record MseLoss() implements Loss {

    @Override
    public SDVariable build(SameDiff sd, SDVariable logits, SDVariable labels, SDVariable exampleWeights, int numClasses) {
        SDVariable squared = sd.math.square(sd.reshape(logits, -1).sub(sd.reshape(labels, -1)));
        if (exampleWeights == null) return squared.mean();
        return Weights.exampleMean(sd, numClasses == 1 ? squared : sd.reshape(squared, -1, numClasses), exampleWeights, numClasses);
    }

    @Override
    public LabelKind labelKind() {
        return LabelKind.REAL;
    }
}
