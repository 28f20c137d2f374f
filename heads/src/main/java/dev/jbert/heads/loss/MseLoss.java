package dev.jbert.heads.loss;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * {@code torch.nn.MSELoss()} as transformers' regression head applies it: with one label,
 * {@code MSELoss(logits.squeeze(), labels.squeeze())}; with several, elementwise over all.
 */
public record MseLoss() implements Loss {

    @Override
    public SDVariable build(SameDiff sd, SDVariable logits, SDVariable labels, int numClasses) {
        SDVariable diff = sd.reshape(logits, -1).sub(sd.reshape(labels, -1));
        return sd.math.square(diff).mean();
    }

    @Override
    public LabelKind labelKind() {
        return LabelKind.REAL;
    }
}
