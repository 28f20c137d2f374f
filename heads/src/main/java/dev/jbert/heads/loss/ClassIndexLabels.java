package dev.jbert.heads.loss;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Class-index labels prepared once for the softmax losses: which rows count, their one-hot
 * targets, and each row's weight, so cross entropy and focal loss share one reading of -100.
 *
 * @param valid  {@code [N]} 1 where the label is not {@link Loss#IGNORE_INDEX}, else 0
 * @param oneHot {@code [N, C]} one-hot of the label (all zeros where ignored)
 */
record ClassIndexLabels(SDVariable valid, SDVariable oneHot) {

    static ClassIndexLabels of(SameDiff sd, SDVariable labels, int numClasses) {
        SDVariable flat = sd.reshape(labels, -1);                                            // [N]
        SDVariable valid = flat.neq(Loss.IGNORE_INDEX).castTo(DataType.FLOAT);               // [N]
        // an ignored row gets class 0 for the one-hot, then weight 0 through `valid`
        SDVariable safe = flat.castTo(DataType.FLOAT).mul(valid).castTo(DataType.INT);
        SDVariable oneHot = sd.oneHot(safe, numClasses, -1, 1.0, 0.0, DataType.FLOAT).mul(sd.expandDims(valid, 1));
        return new ClassIndexLabels(valid, oneHot);
    }

    /** {@code [N]}: each row's entry of a per-class vector, 0 for ignored rows. */
    SDVariable perRow(SameDiff sd, float[] perClass) {
        return oneHot.mul(sd.constant(Nd4j.createFromArray(perClass))).sum(1);
    }

    /** {@code [N]}: the log-probability of each row's label, 0 for ignored rows. */
    SDVariable pick(SDVariable logProbs) {
        return oneHot.mul(logProbs).sum(1);
    }
}
