package dev.jbert.bert.model;

import dev.jbert.core.nn.AttentionMask;
import dev.jbert.core.nn.Pass;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * Layers one after another, nothing shared between them: BertEncoder and DistilBERT's Transformer, and the layer
 * loop of DeBERTa's encoder and ModernBERT's model.
 *
 * <p>Every layer keeps its activations in slots of its own, reused from pass to pass, which the backward pass needs.
 * An inference pass of at least {@link #RELEASE_ROWS} token rows frees each layer's as soon as the next layer has
 * read its output: one sequence of 8,192 tokens through ModernBERT-base would otherwise hold some 500 MB per
 * layer. At that size a layer's products take seconds, so allocating its buffers again costs nothing measurable.
 */
final class LayerStack implements EncoderStack {

    /** B·T from which inference frees finished layers' activations. */
    static final long RELEASE_ROWS = 4096;

    private final List<? extends EncoderLayer> layers;

    LayerStack(List<? extends EncoderLayer> layers) {
        this.layers = List.copyOf(layers);
    }

    @Override
    public INDArray forward(INDArray hidden, AttentionMask mask, Pass pass) {
        boolean release = !pass.training() && hidden.size(0) >= RELEASE_ROWS;
        INDArray h = hidden;
        for (int i = 0; i < layers.size(); i++) {
            h = layers.get(i).forward(h, mask, pass);
            if (release && i > 0) layers.get(i - 1).release();
        }
        return h;
    }

    /** Frees the last layer's activations too, once the caller has read its output (an inference pass of many rows). */
    void releaseLast(INDArray hidden, Pass pass) {
        if (!pass.training() && hidden.size(0) >= RELEASE_ROWS && !layers.isEmpty()) layers.get(layers.size() - 1).release();
    }

    @Override
    public INDArray backward(INDArray dOut, Pass pass) {
        INDArray d = dOut;
        for (int i = layers.size() - 1; i >= 0; i--) d = layers.get(i).backward(d, pass);
        return d;
    }

    @Override
    public void release() {
        layers.forEach(EncoderLayer::release);
    }
}
