package dev.jbert.bert.model;

import dev.jbert.bert.config.EncoderConfig;
import dev.jbert.core.nn.Dropout;
import dev.jbert.core.nn.GatedLinearUnit;
import dev.jbert.core.nn.Linear;
import dev.jbert.core.nn.Pass;
import org.nd4j.linalg.api.ndarray.INDArray;

/** ModernBertMLP: {@code Wi} to twice the intermediate width, GeGLU, dropout, {@code Wo} back. */
final class ModernBertMlp {

    private final Linear wi;
    private final GatedLinearUnit glu;
    private final Dropout dropout;
    private final Linear wo;

    ModernBertMlp(ModuleBuilder b, String prefix, boolean bias) {
        EncoderConfig c = b.config();
        this.wi = b.linear(prefix + ".Wi", c.hiddenSize(), 2 * c.intermediateSize(), bias);
        this.glu = new GatedLinearUnit(b.activation(c.hiddenAct().function()));
        this.dropout = b.dropout(c.hiddenDropoutProb());
        this.wo = b.linear(prefix + ".Wo", c.intermediateSize(), c.hiddenSize(), bias);
    }

    INDArray forward(INDArray x, Pass pass) {
        INDArray gated = glu.forward(wi.forward(x));
        dropout.apply(gated, pass);
        return wo.forward(gated);
    }

    /** The input's gradient, in {@code Wi}'s slot; {@code dOut} is left alone. */
    INDArray backward(INDArray dOut, Pass pass) {
        INDArray dGated = wo.backward(dOut, pass);
        dropout.apply(dGated, pass);
        return wi.backward(glu.backward(dGated), pass);
    }

    void release() {
        wi.release();
        glu.release();
        wo.release();
    }
}
