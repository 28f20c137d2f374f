package dev.jbert.bert.model;

import dev.jbert.core.nn.AttentionMask;
import dev.jbert.core.nn.Pass;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/** BertEncoder (DistilBERT's Transformer): {@link TransformerLayer}s one after another, nothing shared between them. */
public final class BertEncoder implements EncoderStack {

    private final List<TransformerLayer> layers;

    public BertEncoder(List<TransformerLayer> layers) {
        this.layers = List.copyOf(layers);
    }

    @Override
    public INDArray forward(INDArray hidden, AttentionMask mask, Pass pass) {
        INDArray h = hidden;
        for (TransformerLayer layer : layers) h = layer.forward(h, mask, pass);
        return h;
    }

    @Override
    public INDArray backward(INDArray dOut, Pass pass) {
        INDArray d = dOut;
        for (int i = layers.size() - 1; i >= 0; i--) d = layers.get(i).backward(d, pass);
        return d;
    }

    @Override
    public void release() {
        layers.forEach(TransformerLayer::release);
    }
}
