package dev.jbert.heads.loss;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/** Validation shared by the losses' per-class vectors, and the example-weighted mean they share. */
final class Weights {

    private Weights() {
    }

    static float[] checked(String what, float[] values) {
        if (values == null) return null;
        for (int c = 0; c < values.length; c++) {
            if (!(values[c] >= 0) || Float.isInfinite(values[c])) {
                throw new IllegalArgumentException(what + " must be finite and >= 0; class " + c + " has " + values[c]);
            }
        }
        return values.clone();
    }

    static void checkCount(String what, float[] values, int numClasses) {
        if (values != null && values.length != numClasses) {
            throw new IllegalArgumentException(what + " give " + values.length + " values but the head has " + numClasses + " classes");
        }
    }

    /**
     * {@code Σ_i w_i·l_i / (k·Σ_i w_i)} for losses {@code [N, k]} (or {@code [N]}, k = 1): the mean over each example's
     * k elements, weighted over examples. Summing the weighted elements, rather than averaging each row first, keeps
     * the unweighted mean's order of additions.
     */
    static SDVariable exampleMean(SameDiff sd, SDVariable elementLosses, SDVariable exampleWeights, int perExample) {
        SDVariable w = perExample == 1 ? exampleWeights : sd.expandDims(exampleWeights, 1);
        return elementLosses.mul(w).sum().div(exampleWeights.sum().mul(perExample));
    }

    static double sum(float[] values) {
        double sum = 0;
        for (float v : values) sum += v;
        return sum;
    }

    /**
     * {@code Σ_i w_i·c_{y_i}} over the rows not ignored, with {@code w} 1 without example weights and {@code c} 1
     * without class weights: the denominator of a class-index loss's weighted mean.
     */
    static double rowWeightSum(int[] ids, float[] exampleWeights, float[] classWeights) {
        if (exampleWeights != null && exampleWeights.length != ids.length) {
            throw new IllegalArgumentException(exampleWeights.length + " example weights for " + ids.length
                    + " labels: example weights are per sequence, not per token");
        }
        double sum = 0;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == Loss.IGNORE_INDEX) continue;
            sum += (exampleWeights == null ? 1.0 : exampleWeights[i]) * (classWeights == null ? 1.0 : classWeights[ids[i]]);
        }
        return sum;
    }
}
