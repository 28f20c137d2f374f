package dev.jbert.bert.onnx;

import dev.jbert.core.proto.Proto;
import dev.jbert.bert.config.Activation;
import dev.jbert.bert.config.EncoderConfig;
import dev.jbert.core.ModelFileException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.jbert.bert.onnx.OnnxProto.dims;
import static dev.jbert.bert.onnx.OnnxProto.floatTensor;
import static dev.jbert.bert.onnx.OnnxProto.int64Tensor;
import static dev.jbert.bert.onnx.OnnxProto.model;
import static dev.jbert.bert.onnx.OnnxProto.names;
import static dev.jbert.bert.onnx.OnnxProto.node;
import static dev.jbert.bert.onnx.OnnxProto.tensorAttribute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** config.json read off small hand-built graphs (the real export is covered by OnnxMiniLmTest). */
class ConfigInferenceTest {

    /** A 2-layer, hidden-4 BERT's parameters (zeros), vocabulary 10, 8 positions, intermediate 6. */
    private static List<Proto> parameters() {
        List<Proto> t = new ArrayList<>();
        t.add(floatTensor("embeddings.word_embeddings.weight", dims(10, 4), new float[40]));
        t.add(floatTensor("embeddings.position_embeddings.weight", dims(8, 4), new float[32]));
        t.add(floatTensor("embeddings.token_type_embeddings.weight", dims(2, 4), new float[8]));
        for (int i = 0; i < 2; i++) {
            t.add(floatTensor("encoder.layer." + i + ".attention.self.query.bias", dims(4), new float[4]));
            t.add(floatTensor("encoder.layer." + i + ".intermediate.dense.bias", dims(6), new float[6]));
        }
        return t;
    }

    private static EncoderConfig infer(List<Proto> nodes) {
        byte[] bytes = model(nodes.toArray(Proto[]::new), parameters().toArray(Proto[]::new));
        try (OnnxCheckpointFile f = OnnxCheckpointFile.of(Path.of("tiny.onnx"), ByteBuffer.wrap(bytes))) {
            return ConfigInference.infer(f);
        }
    }

    private static Proto constant(String out, Proto tensor) {
        return node("Constant", names(), names(out), tensorAttribute("value", tensor));
    }

    @Test
    void headsFromTheQueryReshapeAndEpsilonFromLayerNormalization() {
        EncoderConfig c = infer(List.of(
                node("LayerNormalization", names("x", "s", "b"), names("ln"),
                        new Proto().string(1, "epsilon").fixed32(2, Float.floatToIntBits(1e-5f)).varint(20, 1)),
                node("Add", names("encoder.layer.0.attention.self.query.bias", "mm"), names("q")),
                constant("batch_seq", int64Tensor("", dims(2), 0, 0)),
                constant("heads_size", int64Tensor("", dims(2), 2, 2)),
                node("Concat", names("batch_seq", "heads_size"), names("shape")),
                node("Reshape", names("q", "shape"), names("q4")),
                node("Erf", names("h"), names("e"))));
        assertEquals(10, c.vocabSize());
        assertEquals(4, c.hiddenSize());
        assertEquals(2, c.numHiddenLayers());
        assertEquals(6, c.intermediateSize());
        assertEquals(8, c.maxPositionEmbeddings());
        assertEquals(2, c.typeVocabSize());
        assertEquals(2, c.numAttentionHeads());
        assertEquals(1e-5, c.layerNormEps());
        assertEquals(Activation.GELU, c.hiddenAct());
    }

    @Test
    void headsFromTheScoreScaleAndEpsilonUnderTheSquareRoot() {
        // 4 = 4 heads x 1: scores / sqrt(1); epsilon added to ReduceMean under Sqrt; tanh GELU
        EncoderConfig c = infer(List.of(
                node("ReduceMean", names("d"), names("var")),
                constant("eps", floatTensor("", dims(), 1e-12f)),
                node("Add", names("var", "eps"), names("ve")),
                node("Sqrt", names("ve"), names("std")),
                node("MatMul", names("q", "k"), names("scores")),
                constant("scale", floatTensor("", dims(), 1f)),
                node("Div", names("scores", "scale"), names("scaled")),
                node("Gelu", names("h"), names("g"), new Proto().string(1, "approximate").string(4, "tanh").varint(20, 3))));
        assertEquals(4, c.numAttentionHeads());
        assertEquals(1e-12, c.layerNormEps());
        assertEquals(Activation.GELU_PYTORCH_TANH, c.hiddenAct());
    }

    @Test
    void whatCannotBeReadIsAnErrorAskingForTheConfig() {
        ModelFileException e = assertThrows(ModelFileException.class, () -> infer(List.of(node("Erf", names("h"), names("e")))));
        assertTrue(e.getMessage().contains("attention heads"), e.getMessage());
        assertTrue(e.getMessage().contains("give the model's config.json"), e.getMessage());
    }
}
