package dev.jbert.heads;

import dev.jbert.core.data.Task;
import dev.jbert.core.nd4j.GradientFunction;
import dev.jbert.core.nd4j.NativeMemory;
import dev.jbert.core.nn.Profiler;
import dev.jbert.core.nn.ReadBack;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

/**
 * The loss of a {@link ClassifierSpec} as a small SameDiff graph from logits and labels, and its gradient with
 * respect to the logits. The losses are composed of basic SameDiff ops (see {@link dev.jbert.heads.loss.Loss});
 * at {@code [batch, labels]} their cost is nothing beside the encoder's.
 */
final class LossGraph {

    static final String LOGITS = "logits";
    static final String LABELS = "labels";
    static final String EXAMPLE_WEIGHTS = "example_weights";
    static final String LOSS = "loss";

    private final SameDiff sd;
    private final String logitsGradient;
    private final boolean exampleWeighted;

    /**
     * @param exampleWeighted whether the graph takes per-example weights ({@link dev.jbert.core.data.Batch#exampleWeights()});
     *                        a graph without them is the loss's plain mean
     * @throws IllegalArgumentException for example weights on token classification, whose loss averages over tokens
     */
    LossGraph(ClassifierSpec spec, boolean exampleWeighted) {
        if (exampleWeighted && spec.task() == Task.TOKEN_CLASSIFICATION) {
            throw new IllegalArgumentException("example weights are for sequence tasks; token classification's loss averages over tokens");
        }
        this.exampleWeighted = exampleWeighted;
        sd = SameDiff.create();
        int c = spec.numLabels();
        // SameDiff differentiates only graphs with a trainable variable: a zero offset makes one, exactly
        SDVariable logits = sd.placeHolder(LOGITS, DataType.FLOAT, -1, c)                      // [N, C]
                .add(sd.var("logits_offset", Nd4j.zeros(DataType.FLOAT, c)));
        SDVariable labels = switch (ClassifierSpec.labelKind(spec.task())) {
            case CLASS_INDEX -> spec.task() == Task.TOKEN_CLASSIFICATION
                    ? sd.placeHolder(LABELS, DataType.INT, -1, -1)                                 // [B, T]
                    : sd.placeHolder(LABELS, DataType.INT, -1);                                    // [B]
            case MULTI_HOT -> sd.placeHolder(LABELS, DataType.FLOAT, -1, c);                      // [B, C]
            case REAL -> sd.placeHolder(LABELS, DataType.FLOAT, -1);                              // [B]
        };
        SDVariable weights = exampleWeighted ? sd.placeHolder(EXAMPLE_WEIGHTS, DataType.FLOAT, -1) : null;  // [B]
        sd.identity(LOSS, spec.loss().build(sd, logits, labels, weights, c));
        sd.setLossVariables(LOSS);
        GradientFunction.create(sd);
        logitsGradient = sd.getGradForVariable(LOGITS).name();
    }

    /** The loss of {@code logits [N, C]}; {@code exampleWeights} ({@code [B]}) are given exactly when the graph takes them. */
    double loss(INDArray logits, INDArray labels, float[] exampleWeights) {
        long t = Profiler.start();
        INDArray weights = weights(exampleWeights);
        Map<String, INDArray> out = sd.output(inputs(logits, labels, weights), LOSS);
        double loss = ReadBack.scalar(out.get(LOSS), ReadBack.Use.LOSS);
        NativeMemory.free(out.values());
        if (weights != null) NativeMemory.free(weights);
        Profiler.stop(Profiler.Section.LOSS, t);
        return loss;
    }

    /**
     * The loss, and its gradient with respect to the logits scaled by {@code scale}, written into {@code dLogits}. The
     * loss is left where it was computed, a one-element array: training reads it back only when it logs.
     */
    INDArray lossAndGradient(INDArray logits, INDArray labels, float[] exampleWeights, double scale, INDArray dLogits) {
        long t = Profiler.start();
        INDArray weights = weights(exampleWeights);
        Map<String, INDArray> out = sd.getFunction("grad").output(inputs(logits, labels, weights), LOSS, logitsGradient);
        INDArray loss = out.get(LOSS);
        INDArray g = out.get(logitsGradient);
        dLogits.assign(scale == 1 ? g : g.muli(scale));
        NativeMemory.free(g);
        if (weights != null) NativeMemory.free(weights);
        Profiler.stop(Profiler.Section.LOSS, t);
        return loss;
    }

    private INDArray weights(float[] exampleWeights) {
        if ((exampleWeights != null) != exampleWeighted) {
            throw new IllegalStateException("a loss graph " + (exampleWeighted ? "with" : "without") + " example weights was given "
                    + (exampleWeights == null ? "none" : exampleWeights.length));
        }
        return exampleWeights == null ? null : Nd4j.createFromArray(exampleWeights);
    }

    private static Map<String, INDArray> inputs(INDArray logits, INDArray labels, INDArray weights) {
        return weights == null ? Map.of(LOGITS, logits, LABELS, labels) : Map.of(LOGITS, logits, LABELS, labels, EXAMPLE_WEIGHTS, weights);
    }
}
