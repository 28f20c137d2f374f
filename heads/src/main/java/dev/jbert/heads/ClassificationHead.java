package dev.jbert.heads;

import dev.jbert.bert.model.Weights;
import dev.jbert.core.nn.Activation;
import dev.jbert.core.nn.Dropout;
import dev.jbert.core.nn.Kernels;
import dev.jbert.core.nn.LayerNorm;
import dev.jbert.core.nn.Linear;
import dev.jbert.core.nn.Pass;
import dev.jbert.core.nn.PrecisionPolicy;
import dev.jbert.core.nn.Slot;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The layers between the encoder's features and the logits, as a {@link HeadLayout} lays them out: optional
 * dropout, an optional dense layer with its activation, optional LayerNorm and dropout, then the output layer.
 */
final class ClassificationHead {

    private final Dropout inputDropout;       // null when the layout has none
    private final Linear dense;               // null without a hidden layer
    private final Activation act;
    private final LayerNorm norm;             // null unless the layout has one
    private final String normPrefix;
    private final Dropout hiddenDropout;
    private final Linear out;
    private final Map<String, INDArray> parameters = new LinkedHashMap<>();
    private final PrecisionPolicy precision;
    private final Kernels kernels;
    private final Slot dropped = new Slot();
    private final Slot activated = new Slot();
    private final Slot droppedGradient = new Slot();
    private INDArray preActivation;

    /**
     * @param firstDropoutSite the first dropout site number free after the encoder's
     * @param normEps          the epsilon of the head's LayerNorm, if it has one
     * @param precision        the encoder's, which the head's Linears share
     * @param kernels          the encoder's
     */
    ClassificationHead(HeadLayout layout, int hidden, int numLabels, int firstDropoutSite, double normEps, Weights weights,
                       PrecisionPolicy precision, Kernels kernels) {
        this.precision = precision;
        this.kernels = kernels;
        this.inputDropout = layout.inputDropout() != null ? new Dropout(layout.inputDropout(), firstDropoutSite, kernels) : null;
        if (layout.dense() == null) {
            this.dense = null;
            this.act = null;
            this.norm = null;
            this.normPrefix = null;
            this.hiddenDropout = null;
            this.out = linear(layout.out(), hidden, numLabels, true, weights);
        } else {
            this.dense = linear(layout.dense(), hidden, layout.denseWidth(), layout.denseBias(), weights);
            this.act = new Activation(layout.activation().function(), kernels);
            this.norm = layout.norm() == null ? null : layerNorm(layout.norm(), layout.denseWidth(), layout.normBias(), normEps, weights);
            this.normPrefix = layout.norm();
            this.hiddenDropout = new Dropout(layout.dropout(), firstDropoutSite + 1, kernels);
            this.out = linear(layout.out(), layout.denseWidth(), numLabels, true, weights);
        }
    }

    private Linear linear(String prefix, int in, int outFeatures, boolean bias, Weights weights) {
        INDArray w = weights.get(prefix + ".weight", outFeatures, in);
        parameters.put(prefix + ".weight", w);
        INDArray b = null;
        if (bias) {
            b = weights.get(prefix + ".bias", outFeatures);
            parameters.put(prefix + ".bias", b);
        }
        return new Linear(prefix, w, b, precision, kernels);
    }

    /** A new head's LayerNorm starts as nn.LayerNorm does: weight 1, bias 0. */
    private LayerNorm layerNorm(String prefix, int width, boolean bias, double eps, Weights weights) {
        INDArray w = weights.has(prefix + ".weight") ? weights.get(prefix + ".weight", width) : Nd4j.ones(DataType.FLOAT, width);
        parameters.put(prefix + ".weight", w);
        INDArray b = null;
        if (bias) {
            b = weights.has(prefix + ".bias") ? weights.get(prefix + ".bias", width) : Nd4j.zeros(DataType.FLOAT, width);
            parameters.put(prefix + ".bias", b);
        }
        return new LayerNorm(prefix, w, b, eps, kernels);
    }

    /** Whether a head parameter is a LayerNorm's, which Trainer exempts from weight decay. */
    boolean isNormParameter(String name) {
        return normPrefix != null && name.startsWith(normPrefix + ".");
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
        if (norm != null) h = norm.forward(h, null, null, null, pass);
        hiddenDropout.apply(h, pass);
        return out.forward(h);
    }

    /** The features' gradient for {@code dLogits [N, C]}, accumulating the head's parameter gradients. */
    INDArray backward(INDArray dLogits, Pass pass) {
        INDArray d = out.backward(dLogits, pass);
        if (dense != null) {
            hiddenDropout.apply(d, pass);
            if (norm != null) d = norm.backward(d, pass);
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
        if (norm != null) norm.release();
        dropped.release();
        activated.release();
        droppedGradient.release();
    }
}
