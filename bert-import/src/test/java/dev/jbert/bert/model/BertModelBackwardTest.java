package dev.jbert.bert.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.bert.checkpoint.Checkpoint;
import dev.jbert.bert.config.EncoderConfig;
import dev.jbert.core.nn.Pass;
import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import dev.jbert.core.nn.KernelSet;
import dev.jbert.testdata.KernelSets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The encoder's backward pass, on the base fixture with dropout 0.1 switched on: gradients of a weighted sum of
 * the last hidden states against central differences of the forward pass (the same seed gives the same dropout
 * masks, so the loss is a fixed function of the parameters), dropout's reproducibility, and that evaluation turns
 * it off. Exact gradients against torch are the heads module's GradientParityTest.
 */
class BertModelBackwardTest {

    private static final Path DIR = Fixtures.folder("base");
    private static final long SEED = 7;
    private static JsonNode ref;
    private static EncoderConfig config;
    private static final Map<KernelSet, Encoder> MODELS = new EnumMap<>(KernelSet.class);
    private static int[][] ids, types, mask;
    private static INDArray weightsOfSum;                     // [B·T, H]

    @BeforeAll
    static void buildWithDropout() {
        ref = Fixtures.json(DIR.resolve("reference.json"));
        ObjectNode json = (ObjectNode) Fixtures.json(DIR.resolve("config.json"));
        json.put("hidden_dropout_prob", 0.1).put("attention_probs_dropout_prob", 0.1);
        config = EncoderConfig.fromJson(json);
        ids = Fixtures.ints(ref.get("inputs"), "input_ids");
        types = Fixtures.ints(ref.get("inputs"), "token_type_ids");
        mask = Fixtures.ints(ref.get("inputs"), "attention_mask");
        long rows = (long) ids.length * ids[0].length;
        weightsOfSum = Nd4j.linspace(-1.0, 1.0, rows * config.hiddenSize(), DataType.FLOAT).reshape(rows, config.hiddenSize());
    }

    /** The fixture's BERT with dropout, computing with {@code kernels}, built once per set. */
    private static Encoder model(KernelSet kernels) {
        return MODELS.computeIfAbsent(kernels, k -> KernelSets.building(k, () -> {
            try (Checkpoint checkpoint = Checkpoint.open(DIR)) {
                return BertModel.build(config, new CheckpointWeights(checkpoint), PoolerChoice.IF_PRESENT);
            }
        }));
    }

    /**
     * Σ last_hidden_state ⊙ W (plus Σ pooled ⊙ 0.5), the scalar whose gradient is checked, summed in double so that
     * the sum's own rounding does not swamp the differences.
     */
    private static double loss(Encoder model, Pass pass) {
        Encoder.Output out = model.forward(ids, types, mask, pass);
        return out.lastHiddenState().castTo(DataType.DOUBLE).mul(weightsOfSum.castTo(DataType.DOUBLE)).sumNumber().doubleValue()
                + 0.5 * out.pooledOutput().castTo(DataType.DOUBLE).sumNumber().doubleValue();
    }

    private static Map<String, INDArray> gradients(Encoder model) {
        Map<String, INDArray> grads = new LinkedHashMap<>();
        model.parameters().forEach((name, p) -> grads.put(name, p.ulike().assign(0)));
        Pass pass = Pass.training(SEED, grads);
        Encoder.Output out = model.forward(ids, types, mask, pass);
        INDArray dPooled = out.pooledOutput().ulike().assign(0.5);
        model.backward(weightsOfSum, dPooled, pass);
        return grads;
    }

    /** The loss with one parameter element moved by {@code shift}, the element restored afterwards. */
    private static double lossAt(Encoder model, INDArray parameter, int index, double shift) {
        double original = parameter.getDouble(index);
        parameter.putScalar(index, original + shift);
        double loss = loss(model, Pass.training(SEED, Map.of()));
        parameter.putScalar(index, original);
        return loss;
    }

    /**
     * The float32 rounding in the loss, as a standard deviation: the scatter of the loss about the straight line through
     * 21 nudges of a parameter 1e-6 apart, steps too small for the loss to curve but each a new float32 value, so only
     * rounding moves it off the line. A parameter of the embeddings reaches every operation of the forward pass.
     */
    private static double lossRoundOff(Encoder model, String name, int index) {
        INDArray parameter = model.parameters().get(name);
        int n = 21;
        double[] losses = new double[n];
        double mean = 0;
        for (int k = 0; k < n; k++) {
            losses[k] = lossAt(model, parameter, index, (k - n / 2) * 1e-6);
            mean += losses[k] / n;
        }
        double sxy = 0, sxx = 0;
        for (int k = 0; k < n; k++) {
            sxy += (k - n / 2) * (losses[k] - mean);
            sxx += (k - n / 2) * (k - n / 2);
        }
        double squares = 0;
        for (int k = 0; k < n; k++) {
            double residual = losses[k] - mean - sxy / sxx * (k - n / 2);
            squares += residual * residual;
        }
        return Math.sqrt(squares / (n - 2));
    }

    @ParameterizedTest
    @MethodSource("dev.jbert.testdata.KernelSets#each")
    void oneDropoutSitePerDropoutInTransformers(KernelSet kernels) {
        Encoder model = model(kernels);
        // embeddings, then per layer: attention probabilities, attention output, feed-forward output
        assertEquals(1 + 3 * model.config().numHiddenLayers(), model.dropoutSites());
    }

    @ParameterizedTest
    @MethodSource("dev.jbert.testdata.KernelSets#each")
    void evaluationPassesLeaveDropoutOut(KernelSet kernels) {
        Encoder model = model(kernels);
        Encoder.Output out = model.forward(ids, types, mask, Pass.inference());
        double[] expected = Fixtures.flatten(ref.get("last_hidden_state"));
        double d = Fixtures.maxAbsDiff(expected, out.lastHiddenState().dup().data().asFloat());
        assertTrue(d < Fixtures.outputTolerance(1e-5, expected), "max |Δ| " + d);
    }

    @ParameterizedTest
    @MethodSource("dev.jbert.testdata.KernelSets#each")
    void dropoutMasksComeFromTheSeedAlone(KernelSet kernels) {
        Encoder model = model(kernels);
        INDArray first = model.forward(ids, types, mask, Pass.training(SEED, Map.of())).lastHiddenState().dup();
        INDArray again = model.forward(ids, types, mask, Pass.training(SEED, Map.of())).lastHiddenState().dup();
        INDArray other = model.forward(ids, types, mask, Pass.training(SEED + 1, Map.of())).lastHiddenState().dup();
        INDArray evaluation = model.forward(ids, types, mask, Pass.inference()).lastHiddenState().dup();
        assertEquals(first, again);
        assertFalse(first.equalsWithEps(other, 1e-3));
        assertFalse(first.equalsWithEps(evaluation, 1e-3));
    }

    /**
     * Gradients against five-point central differences, (8·(L(x+h) − L(x−h)) − (L(x+2h) − L(x−2h))) / 12h, whose
     * error has two parts. Truncation, h⁴·L⁽⁵⁾/30: at hidden 48 and 3 layers the three-point difference's h²·L‴/6
     * reached 9% of a gradient at h = 1e-2 on a token-type weight, which moves every token at once; the five-point one
     * stays within 0.3%, and 0.5% of the gradient covers it. Round-off: the forward pass is float32 (only the sum is taken in double), so two passes
     * differ by rounding σ_L in the loss, which the quotient divides by about h (a standard deviation of 0.95·σ_L/h).
     * σ_L grows with the outputs and layers (about 1e-5 at hidden 32 and 2 layers, 3e-5 at hidden 48 and 3), so it is
     * measured, and five standard deviations are allowed. A wrong mask, scale, sign or missing term moves a gradient by
     * far more; GradientParityTest holds the gradients to torch's within 1e-4.
     */
    @ParameterizedTest
    @MethodSource("dev.jbert.testdata.KernelSets#each")
    void gradientsMatchCentralDifferences(KernelSet kernels) {
        Encoder model = model(kernels);
        Map<String, INDArray> grads = gradients(model);
        int hidden = model.config().hiddenSize();
        String last = "bert.encoder.layer." + (model.config().numHiddenLayers() - 1) + ".";
        int word = ids[0][1];
        double h = 1e-2;
        double noise = 0.95 * lossRoundOff(model, "bert.embeddings.LayerNorm.weight", 4) / h;
        assertTrue(noise < 1e-2, "float32 round-off alone moves the differences by " + noise + ": too much for the check to mean anything");
        List<Object[]> probes = List.of(
                new Object[]{"bert.embeddings.word_embeddings.weight", word * hidden + 3},
                new Object[]{"bert.embeddings.position_embeddings.weight", 2 * hidden + 5},
                new Object[]{"bert.embeddings.token_type_embeddings.weight", 1},
                new Object[]{"bert.embeddings.LayerNorm.weight", 4},
                new Object[]{"bert.encoder.layer.0.attention.self.query.weight", 17},
                new Object[]{"bert.encoder.layer.0.attention.self.key.weight", 2},
                new Object[]{last + "attention.self.value.weight", 40},
                new Object[]{last + "attention.output.dense.weight", 9},
                new Object[]{"bert.encoder.layer.0.intermediate.dense.bias", 11},
                new Object[]{last + "output.dense.weight", 30},
                new Object[]{last + "output.LayerNorm.bias", 7},
                new Object[]{"bert.pooler.dense.weight", 21});
        for (Object[] probe : probes) {
            String name = (String) probe[0];
            INDArray p = model.parameters().get(name);
            int index = (int) ((int) probe[1] % p.length()); // an element of the tensor whatever the fixture's shape
            double near = lossAt(model, p, index, h) - lossAt(model, p, index, -h);
            double far = lossAt(model, p, index, 2 * h) - lossAt(model, p, index, -2 * h);
            double numeric = (8 * near - far) / (12 * h), analytic = grads.get(name).getDouble(index);
            System.out.printf("%s[%d]: central difference %.5f, backward pass %.5f%n", name, index, numeric, analytic);
            assertEquals(numeric, analytic, 5 * noise + 5e-3 * Math.abs(numeric), name + "[" + index + "]");
        }
        // softmax ignores a shift shared by every key of a query, so the key bias gets no gradient at all; a central
        // difference there measures only float32 noise
        assertEquals(0, grads.get("bert.encoder.layer.0.attention.self.key.bias").amaxNumber().doubleValue(), 1e-5);
    }

    @ParameterizedTest
    @MethodSource("dev.jbert.testdata.KernelSets#each")
    void thePaddingRowOfTheWordTableGetsNoGradient(KernelSet kernels) {
        Encoder model = model(kernels);
        int pad = model.config().padTokenId();
        boolean padded = false;
        for (int[] row : ids) for (int id : row) padded |= id == pad;
        assertTrue(padded, "the fixture batch has padding");
        INDArray table = gradients(model).get("bert.embeddings.word_embeddings.weight");
        assertEquals(0.0, table.getRow(pad).amaxNumber().doubleValue());
        assertTrue(table.getRow(ids[0][0]).amaxNumber().doubleValue() > 0);
    }

    @ParameterizedTest
    @MethodSource("dev.jbert.testdata.KernelSets#each")
    void aFrozenEncoderRunsNoBackwardPass(KernelSet kernels) {
        Encoder model = model(kernels);
        Map<String, INDArray> none = new LinkedHashMap<>();
        Pass pass = Pass.training(SEED, none);
        model.forward(ids, types, mask, pass);
        model.backward(weightsOfSum, null, pass);
        assertTrue(none.isEmpty());
    }
}
