package dev.jbert.bert.model;

import dev.jbert.core.nn.AttentionMask;
import dev.jbert.core.nn.Pass;
import org.nd4j.linalg.api.ndarray.INDArray;

/** One layer of an encoder stack: {@link TransformerLayer} (post-norm families) or {@link ModernBertLayer}. */
interface EncoderLayer {

    /** {@code hidden [B·T, H]} → {@code [B·T, H]}, in the layer's own slot. */
    INDArray forward(INDArray hidden, AttentionMask mask, Pass pass);

    /** The gradient of the layer's input. */
    INDArray backward(INDArray dOut, Pass pass);

    /** Frees the native memory of the layer's activations; the layer stays usable. */
    void release();
}
