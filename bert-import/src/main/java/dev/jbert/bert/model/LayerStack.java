package dev.jbert.bert.model;

import dev.jbert.core.nn.AttentionMask;
import dev.jbert.core.nn.Pass;
import dev.jbert.core.nn.SlotPool;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Layers one after another, nothing shared between them: BertEncoder and DistilBERT's Transformer, and the layer
 * loop of DeBERTa's encoder and ModernBERT's model.
 *
 * <p>Every layer keeps its activations in slots of its own, reused from pass to pass, which the backward pass needs.
 * An inference pass needs none of them once the next layer has read a layer's output, so it hands each finished
 * layer's buffers to the layer after the next through a {@link SlotPool}: the whole stack runs in the memory of two
 * layers (one sequence of 8,192 tokens through ModernBERT-base would otherwise hold some 500 MB per layer), and from
 * the second pass on without allocating at all.
 */
final class LayerStack implements EncoderStack {

    private final List<? extends EncoderLayer> layers;
    private final SlotPool pool = new SlotPool();

    LayerStack(List<? extends EncoderLayer> layers) {
        this.layers = List.copyOf(layers);
    }

    @Override
    public INDArray forward(INDArray hidden, AttentionMask mask, Pass pass) {
        return forward(hidden, mask, pass, null);
    }

    /**
     * The layers, then {@code after} on the last layer's output (ModernBERT's final norm), whose result is returned.
     * An inference pass with {@code after} hands the last layer's buffers on as well, since only its result is read.
     */
    INDArray forward(INDArray hidden, AttentionMask mask, Pass pass, UnaryOperator<INDArray> after) {
        if (pass.training()) {
            INDArray h = hidden;
            for (EncoderLayer layer : layers) h = layer.forward(h, mask, pass);
            return after == null ? h : after.apply(h);
        }
        try (SlotPool.Scope ignored = pool.open()) {
            INDArray h = hidden;
            for (int i = 0; i < layers.size(); i++) {
                h = layers.get(i).forward(h, mask, pass);
                if (i > 0) layers.get(i - 1).release();
            }
            if (after == null) return h;
            INDArray out = after.apply(h);
            if (!layers.isEmpty()) layers.get(layers.size() - 1).release();
            return out;
        }
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
        pool.clear();
    }
}
