package dev.jbert.bert.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.testdata.Fixtures;
import dev.jbert.bert.checkpoint.BertCheckpoint;
import dev.jbert.bert.config.BertConfig;
import dev.jbert.core.nd4j.GradientFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The training graph: dropout through fed masks (one per embeddings, attention probabilities,
 * attention output and feed-forward output), word rows fed as {@code inputs_embeds}, and a
 * backward pass through all of it.
 */
class TrainingModeTest {

    private static final Path DIR = Fixtures.folder("base");
    private static JsonNode ref;
    private static BertModel model;
    private static Map<String, INDArray> feed;
    private static int batch, seq, hidden;

    @BeforeAll
    static void buildWithDropout() {
        ref = Fixtures.json(DIR.resolve("reference.json"));
        ObjectNode json = (ObjectNode) Fixtures.json(DIR.resolve("config.json"));
        json.put("hidden_dropout_prob", 0.1).put("attention_probs_dropout_prob", 0.1);
        BertConfig config = BertConfig.fromJson(json);
        hidden = config.hiddenSize();
        int[][] ids = Fixtures.ints(ref.get("inputs"), "input_ids");
        batch = ids.length;
        seq = ids[0].length;
        try (BertCheckpoint checkpoint = BertCheckpoint.open(DIR)) {
            SameDiff sd = SameDiff.create();
            model = BertModel.build(sd, config, new CheckpointWeights(checkpoint), BertModel.Mode.TRAINING);
            INDArray table = Nd4j.create(checkpoint.readFloat32("bert.embeddings.word_embeddings.weight"),
                    new long[]{config.vocabSize(), hidden}, 'c');
            feed = new HashMap<>();
            feed.put(BertModel.INPUT_IDS, Nd4j.createFromArray(ids));
            feed.put(BertModel.TOKEN_TYPE_IDS, Nd4j.createFromArray(Fixtures.ints(ref.get("inputs"), "token_type_ids")));
            feed.put(BertModel.ATTENTION_MASK, Nd4j.createFromArray(Fixtures.ints(ref.get("inputs"), "attention_mask")));
            feed.put(BertModel.INPUTS_EMBEDS, Nd4j.pullRows(table, 1, Nd4j.createFromArray(ids).reshape(-1).toIntVector()));
        }
        for (DropoutSite s : model.dropoutSites()) feed.put(s.placeholder(), Nd4j.ones(DataType.FLOAT, s.maskShape(batch, seq)));
        SDVariable weightsOfSum = model.sameDiff().constant(Nd4j.linspace(-1.0, 1.0, (long) batch * seq * hidden, DataType.FLOAT).reshape(batch, seq, hidden));
        model.sameDiff().setLossVariables(model.lastHiddenState().mul(weightsOfSum).sum("loss"));
        GradientFunction.create(model.sameDiff());
    }

    @Test
    void oneSitePerDropoutInTransformers() {
        assertEquals(1 + 3 * 2, model.dropoutSites().size());
        assertEquals("dropout/bert.encoder.layer.1.attention.self", model.dropoutSites().get(4).placeholder());
    }

    @Test
    void masksOfOnesGiveTheInferenceOutputs() {
        INDArray out = model.sameDiff().output(feed, BertModel.LAST_HIDDEN_STATE).get(BertModel.LAST_HIDDEN_STATE);
        double d = Fixtures.maxAbsDiff(Fixtures.flatten(ref.get("last_hidden_state")), out.data().asFloat());
        assertTrue(d < 1e-5, "max |Δ| " + d);
    }

    /** Central differences in float32 are noisy: 1e-2 relative checks the gradient is the right one. */
    @Test
    void gradientOfFedWordRowsMatchesFiniteDifferences() {
        INDArray rows = feed.get(BertModel.INPUTS_EMBEDS);
        INDArray grad = model.sameDiff().calculateGradients(feed, List.of(BertModel.INPUTS_EMBEDS)).get(BertModel.INPUTS_EMBEDS);
        double eps = 1e-2;
        for (int i : new int[]{5, 100, 40 * 32 + 3}) {
            double numeric = (lossWith(rows, i, eps) - lossWith(rows, i, -eps)) / (2 * eps);
            double analytic = grad.getDouble(i);
            assertEquals(numeric, analytic, 1e-2 * Math.max(1, Math.abs(numeric)), "element " + i);
        }
    }

    @Test
    void aZeroMaskStopsTheGradientBehindIt() {
        Map<String, INDArray> dropped = new HashMap<>(feed);
        dropped.put("dropout/bert.embeddings", Nd4j.zeros(DataType.FLOAT, (long) batch * seq, hidden));
        Map<String, INDArray> g = model.sameDiff().calculateGradients(dropped, List.of("bert.embeddings.LayerNorm.bias"));
        assertEquals(0.0, g.get("bert.embeddings.LayerNorm.bias").amaxNumber().doubleValue());
        Map<String, INDArray> kept = model.sameDiff().calculateGradients(feed, List.of("bert.embeddings.LayerNorm.bias"));
        assertTrue(kept.get("bert.embeddings.LayerNorm.bias").amaxNumber().doubleValue() > 0);
    }

    private static double lossWith(INDArray rows, int index, double delta) {
        Map<String, INDArray> f = new HashMap<>(feed);
        INDArray moved = rows.dup();
        moved.putScalar(index, moved.getDouble(index) + delta);
        f.put(BertModel.INPUTS_EMBEDS, moved);
        return model.sameDiff().output(f, "loss").get("loss").getDouble(0);
    }
}
