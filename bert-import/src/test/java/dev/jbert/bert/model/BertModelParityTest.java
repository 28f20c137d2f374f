package dev.jbert.bert.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jbert.bert.Fixtures;
import dev.jbert.bert.checkpoint.BertCheckpoint;
import dev.jbert.bert.config.BertConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The encoder against transformers' outputs on the tiny fixture models. Tolerance: 1e-5 absolute,
 * float32 rounding, as the foundation issue states.
 */
class BertModelParityTest {

    private static final double TOLERANCE = 1e-5;

    @ParameterizedTest
    @ValueSource(strings = {"model.safetensors", "pytorch_model.bin"})
    void baseMatchesTransformersFromEitherFormat(String weightsFile) {
        Path dir = Fixtures.folder("base");
        JsonNode ref = Fixtures.json(dir.resolve("reference.json"));
        Map<String, INDArray> out = run(dir, dir.resolve(weightsFile), ref.get("inputs"),
                BertModel.LAST_HIDDEN_STATE, BertModel.POOLER_OUTPUT);

        double hidden = Fixtures.maxAbsDiff(Fixtures.flatten(ref.get("last_hidden_state")),
                out.get(BertModel.LAST_HIDDEN_STATE).data().asFloat());
        double pooled = Fixtures.maxAbsDiff(Fixtures.flatten(ref.get("pooler_output")),
                out.get(BertModel.POOLER_OUTPUT).data().asFloat());
        System.out.printf("base/%s: max |Δ| last_hidden_state %.3g, pooler_output %.3g%n", weightsFile, hidden, pooled);
        assertTrue(hidden < TOLERANCE, "last_hidden_state max |Δ| " + hidden);
        assertTrue(pooled < TOLERANCE, "pooler_output max |Δ| " + pooled);
    }

    /** Builds the inference graph from a weights file and runs the reference inputs through it. */
    static Map<String, INDArray> run(Path dir, Path weights, JsonNode inputs, String... outputs) {
        BertConfig config = BertConfig.load(dir.resolve("config.json"));
        try (BertCheckpoint checkpoint = BertCheckpoint.open(weights)) {
            CheckpointWeights w = new CheckpointWeights(checkpoint);
            SameDiff sd = SameDiff.create();
            BertModel.build(sd, config, w, BertModel.Mode.INFERENCE);
            w.verify(n -> n.startsWith("classifier."));
            return sd.output(Map.of(
                    BertModel.INPUT_IDS, Nd4j.createFromArray(Fixtures.ints(inputs, "input_ids")),
                    BertModel.TOKEN_TYPE_IDS, Nd4j.createFromArray(Fixtures.ints(inputs, "token_type_ids")),
                    BertModel.ATTENTION_MASK, Nd4j.createFromArray(Fixtures.ints(inputs, "attention_mask"))), outputs);
        }
    }
}
