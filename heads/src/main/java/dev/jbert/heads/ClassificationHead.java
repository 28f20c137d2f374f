package dev.jbert.heads;

import dev.jbert.bert.model.Weights;
import dev.jbert.core.nn.ActivationFunction;
import dev.jbert.core.nn.Dropout;
import dev.jbert.core.nn.Linear;
import dev.jbert.core.nn.Pass;
import dev.jbert.core.nn.Slot;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The layers between the encoder's features and the logits, as a {@link HeadLayout} lays them out: optional
 * dropout, an optional dense layer with its activation and dropout, then the output layer.
 */
final class ClassificationHead {

    private final Dropout inputDropout;       // null when the layout has none
    private final Linear dense;               // null without a hidden layer
    private final ActivationFunction act;
    private final Dropout hiddenDropout;
    private final Linear out;
    private final Map<String, INDArray> parameters = new LinkedHashMap<>();
    private final Slot dropped = new Slot();
    private final Slot activated = new Slot();
    private final Slot droppedGradient = new Slot();
    private INDArray preActivation;

    /**
     * @param firstDropoutSite the first dropout site number free after the encoder's
     */
    ClassificationHead(HeadLayout layout, int hidden, int numLabels, int firstDropoutSite, Weights weights) {
        this.inputDropout = layout.inputDropout() ? new Dropout(layout.dropout(), firstDropoutSite) : null;
        if (layout.dense() == null) {
            this.dense = null;
            this.act = null;
            this.hiddenDropout = null;
            this.out = linear(layout.out(), hidden, numLabels, weights);
        } else {
            this.dense = linear(layout.dense(), hidden, layout.denseWidth(), weights);
            this.act = layout.activation().function();
            this.hiddenDropout = new Dropout(layout.dropout(), firstDropoutSite + 1);
            this.out = linear(layout.out(), layout.denseWidth(), numLabels, weights);
        }
    }

    private Linear linear(String prefix, int in, int outFeatures, Weights weights) {
        INDArray w = weights.get(prefix + ".weight", outFeatures, in), b = weights.get(prefix + ".bias", outFeatures);
        parameters.put(prefix + ".weight", w);
        parameters.put(prefix + ".bias", b);
        return new Linear(prefix, w, b);
    }

    Map<String, INDArray> parameters() {
        return parameters;
    }

    /** {@code features [N, H]} → logits {@code [N, C]}; the features are not modified. */
    INDArray forward(INDArray features, Pass pass) {
        INDArray x = features;
        if (inputDropout != null && inputDropout.active(pass)) {
            x = dropped.get(features.shape());
            inputDropout.apply(features, x, pass);
        }
        if (dense == null) return out.forward(x);
        preActivation = dense.forward(x);
        INDArray h = activated.get(preActivation.shape());
        act.forward(preActivation, h);
        hiddenDropout.apply(h, pass);
        return out.forward(h);
    }

    /** The features' gradient for {@code dLogits [N, C]}, accumulating the head's parameter gradients. */
    INDArray backward(INDArray dLogits, Pass pass) {
        INDArray d = out.backward(dLogits, pass);
        if (dense != null) {
            hiddenDropout.apply(d, pass);
            act.backward(preActivation, activated.get(preActivation.shape()), d, d);
            d = dense.backward(d, pass);
        }
        if (inputDropout != null && inputDropout.active(pass)) {
            INDArray dx = droppedGradient.get(d.shape());
            inputDropout.apply(d, dx, pass);
            d = dx;
        }
        return d;
    }

    void release() {
        out.release();
        if (dense != null) dense.release();
        dropped.release();
        activated.release();
        droppedGradient.release();
    }
}
