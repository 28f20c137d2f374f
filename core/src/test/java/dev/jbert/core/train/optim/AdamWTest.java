package dev.jbert.core.train.optim;

import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdamWTest {

    private static final AdamWConfig CONFIG = AdamWConfig.torchDefaults();

    /** A row of a matrix is a view, which takes the array path; a whole array takes the fused one. */
    @Test
    void fusedFloatPathGivesTheArrayPathsBitsExactly() {
        Nd4j.getRandom().setSeed(42);
        int n = 100_003; // not a multiple of the fused pass's chunk
        INDArray start = Nd4j.randn(DataType.FLOAT, n);
        INDArray whole = start.dup();
        INDArray rows = Nd4j.create(DataType.FLOAT, 2, n);
        rows.getRow(0).assign(start);
        INDArray view = rows.getRow(0);
        assertTrue(FusedFloatAdamW.applies(whole) && !FusedFloatAdamW.applies(view));
        AdamW fused = new AdamW(CONFIG.withWeightDecay(0.01), name -> name.equals("decayed"));
        AdamW arrays = new AdamW(CONFIG.withWeightDecay(0.01), name -> name.equals("decayed"));
        for (String name : List.of("decayed", "not_decayed")) {
            INDArray a = whole.dup(), b = Nd4j.create(DataType.FLOAT, 2, n);
            b.getRow(0).assign(whole);
            for (int step = 1; step <= 4; step++) {
                INDArray grad = Nd4j.randn(DataType.FLOAT, n).muli(step);
                fused.step(Map.of(name, a), Map.of(name, grad), 1e-3 * step);
                arrays.step(Map.of(name, b.getRow(0)), Map.of(name, grad), 1e-3 * step);
                assertArrayEquals(b.getRow(0).toFloatVector(), a.toFloatVector(), 0f, name + ", step " + step);
            }
        }
    }

    @Test
    void firstStepMovesEachParameterByTheLearningRateAgainstItsGradient() {
        // At t = 1 bias correction makes m/√v exactly g/|g|, whatever the gradient's size.
        float[] start = {0.5f, -1.0f, 2.0f, 0.0f};
        float[] grad = {3.0f, -0.001f, 250.0f, -7.5f};
        Map<String, INDArray> params = params("w", start);
        new AdamW(CONFIG.withWeightDecay(0), name -> true).step(params, params("w", grad), 1e-3);
        float[] after = params.get("w").toFloatVector();
        for (int i = 0; i < start.length; i++) {
            assertEquals(start[i] - 1e-3 * Math.signum(grad[i]), after[i], 1e-7, "element " + i);
        }
    }

    @Test
    void decayIsDecoupledAndOnlyWhereTheRuleSaysSo() {
        // A zero gradient leaves the Adam part at 0 / (0 + ε) = 0, so only the decay can move a parameter.
        Map<String, INDArray> params = new HashMap<>();
        params.put("layer.weight", Nd4j.createFromArray(2.0f, -4.0f));
        params.put("layer.bias", Nd4j.createFromArray(2.0f, -4.0f));
        Map<String, INDArray> grads = new HashMap<>();
        grads.put("layer.weight", Nd4j.zeros(DataType.FLOAT, 2));
        grads.put("layer.bias", Nd4j.zeros(DataType.FLOAT, 2));
        new AdamW(CONFIG.withWeightDecay(0.1), AdamW::huggingFaceDecays).step(params, grads, 0.5);
        assertArrayEquals(new float[] {1.9f, -3.8f}, params.get("layer.weight").toFloatVector(), 1e-7f);
        assertArrayEquals(new float[] {2.0f, -4.0f}, params.get("layer.bias").toFloatVector());
    }

    @Test
    void severalStepsFollowTorchsFormulaComputedInDouble() {
        AdamWConfig config = new AdamWConfig(0.9, 0.999, 1e-8, 0.01);
        double[] start = {0.7, -1.3, 0.05, 2.2, -0.4, 1.0};
        double[][] gradients = {
                {0.3, -2.0, 0.01, 1.5, -0.7, 0.2},
                {-0.1, -1.0, 0.02, 1.1, 0.4, -0.3},
                {0.5, 0.5, -0.03, 0.9, -0.2, 0.1},
                {0.2, -0.4, 0.01, -1.2, 0.3, 0.6},
                {-0.6, 0.1, 0.05, 0.7, -0.1, -0.2}};
        double[] lrs = {0.0, 5e-3, 1e-2, 8e-3, 6e-3};

        Map<String, INDArray> params = params("w", toFloats(start));
        AdamW adamW = new AdamW(config, name -> true);
        for (int t = 0; t < gradients.length; t++) {
            adamW.step(params, params("w", toFloats(gradients[t])), lrs[t]);
        }

        double[] p = start.clone();
        double[] m = new double[p.length];
        double[] v = new double[p.length];
        for (int t = 1; t <= gradients.length; t++) {
            double lr = lrs[t - 1];
            for (int i = 0; i < p.length; i++) {
                double g = gradients[t - 1][i];
                p[i] *= 1 - lr * config.weightDecay();
                m[i] = config.beta1() * m[i] + (1 - config.beta1()) * g;
                v[i] = config.beta2() * v[i] + (1 - config.beta2()) * g * g;
                double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(config.beta2(), t)) + config.epsilon();
                p[i] -= lr / (1 - Math.pow(config.beta1(), t)) * m[i] / denom;
            }
        }
        float[] actual = params.get("w").toFloatVector();
        for (int i = 0; i < p.length; i++) {
            assertEquals(p[i], actual[i], 1e-6, "element " + i);
        }
        assertEquals(DataType.FLOAT, params.get("w").dataType());
    }

    @Test
    void epsilonComesAfterTheBiasCorrectedRoot() {
        // With ε comparable to the gradient the two placements differ visibly at t = 1: torch's gives
        // 1 - lr·g/(|g| + ε) = 1 - 0.5 here, ND4J's lr·g/(|g| + ε/√(1 - β2)) would give about 1 - 0.03.
        Map<String, INDArray> params = params("w", new float[] {1.0f});
        new AdamW(new AdamWConfig(0.9, 0.999, 1e-3, 0), name -> true).step(params, params("w", new float[] {1e-3f}), 1.0);
        assertEquals(0.5, params.get("w").getFloat(0), 1e-6);
    }

    @Test
    void stateRoundTripContinuesIdentically() {
        Map<String, INDArray> params = new HashMap<>();
        params.put("encoder.weight", Nd4j.rand(DataType.FLOAT, 4, 3).subi(0.5));
        params.put("encoder.bias", Nd4j.rand(DataType.FLOAT, 3).subi(0.5));
        AdamW original = new AdamW(CONFIG, AdamW::huggingFaceDecays);
        for (int t = 0; t < 3; t++) {
            original.step(params, gradients(params, t), 1e-2);
        }
        Map<String, AdamW.ParameterState> saved = original.exportState();
        assertEquals(List.of("encoder.bias", "encoder.weight"), new ArrayList<>(saved.keySet()));
        assertEquals(3, saved.get("encoder.weight").step());

        AdamW resumed = new AdamW(CONFIG, AdamW::huggingFaceDecays);
        resumed.importState(saved);
        Map<String, INDArray> copy = new HashMap<>();
        params.forEach((name, p) -> copy.put(name, p.dup()));
        original.step(params, gradients(params, 3), 1e-2);
        resumed.step(copy, gradients(copy, 3), 1e-2);
        params.forEach((name, p) -> assertEquals(p, copy.get(name), name));
        assertEquals(4, resumed.exportState().get("encoder.bias").step());
    }

    @Test
    void exportedAndImportedStateAreCopies() {
        Map<String, INDArray> params = params("w", new float[] {1, 2});
        AdamW adamW = new AdamW(CONFIG, name -> true);
        adamW.step(params, params("w", new float[] {0.5f, -0.5f}), 1e-2);
        AdamW.ParameterState exported = adamW.exportState().get("w");
        INDArray mBefore = exported.expAvg().dup();
        adamW.step(params, params("w", new float[] {0.5f, -0.5f}), 1e-2);
        assertEquals(mBefore, exported.expAvg());

        AdamW other = new AdamW(CONFIG, name -> true);
        other.importState(Map.of("w", exported));
        other.step(params("w", new float[] {1, 2}), params("w", new float[] {0.5f, -0.5f}), 1e-2);
        assertEquals(mBefore, exported.expAvg());
    }

    @Test
    void aParameterWithoutGradientIsNotStepped() {
        Map<String, INDArray> params = new HashMap<>();
        params.put("frozen.weight", Nd4j.createFromArray(1.0f, 2.0f));
        params.put("head.weight", Nd4j.createFromArray(1.0f, 2.0f));
        AdamW adamW = new AdamW(CONFIG, name -> true);
        adamW.step(params, params("head.weight", new float[] {1, 1}), 1e-2);
        assertArrayEquals(new float[] {1.0f, 2.0f}, params.get("frozen.weight").toFloatVector());
        assertEquals(List.of("head.weight"), new ArrayList<>(adamW.exportState().keySet()));
    }

    @Test
    void zeroLearningRateStillCountsTheStepAndUpdatesMoments() {
        Map<String, INDArray> params = params("w", new float[] {1.0f});
        AdamW adamW = new AdamW(CONFIG, name -> true);
        adamW.step(params, params("w", new float[] {2.0f}), 0.0);
        assertEquals(1.0f, params.get("w").getFloat(0));
        AdamW.ParameterState state = adamW.exportState().get("w");
        assertEquals(1, state.step());
        assertEquals(0.2, state.expAvg().getDouble(0), 1e-7);
        assertEquals(0.004, state.expAvgSq().getDouble(0), 1e-9);
    }

    @Test
    void aLargerParameterAfterTheFirstStepGetsRightResults() {
        AdamW adamW = new AdamW(CONFIG.withWeightDecay(0), name -> true);
        Map<String, INDArray> params = new HashMap<>();
        params.put("small", Nd4j.createFromArray(1.0f));
        adamW.step(params, params("small", new float[] {1}), 1e-2);
        params.put("large", Nd4j.ones(DataType.FLOAT, 3, 5));
        Map<String, INDArray> grads = new HashMap<>();
        grads.put("small", Nd4j.createFromArray(1.0f));
        grads.put("large", Nd4j.ones(DataType.FLOAT, 3, 5).muli(-1));
        adamW.step(params, grads, 1e-2);
        assertEquals(Nd4j.ones(DataType.FLOAT, 3, 5).addi(1e-2), params.get("large"));
        // Two steps of the same gradient: m/√v stays 1 after bias correction.
        assertEquals(1.0 - 2e-2, params.get("small").getDouble(0), 1e-6);
    }

    /** Every parameter name of the seq-cls fixture's BERT, against the no-decay list its trajectory recorded. */
    @Test
    void huggingFaceRuleExemptsExactlyBiasesAndLayerNormsOfBert() {
        List<String> names = new ArrayList<>(List.of(
                "bert.embeddings.word_embeddings.weight", "bert.embeddings.position_embeddings.weight",
                "bert.embeddings.token_type_embeddings.weight",
                "bert.embeddings.LayerNorm.weight", "bert.embeddings.LayerNorm.bias",
                "bert.pooler.dense.weight", "bert.pooler.dense.bias", "classifier.weight", "classifier.bias"));
        int layers = Fixtures.config("seq-cls").get("num_hidden_layers").asInt();
        for (int layer = 0; layer < layers; layer++) {
            String prefix = "bert.encoder.layer." + layer + ".";
            for (String module : List.of("attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense", "attention.output.LayerNorm", "intermediate.dense", "output.dense",
                    "output.LayerNorm")) {
                names.add(prefix + module + ".weight");
                names.add(prefix + module + ".bias");
            }
        }
        TreeSet<String> exempt = new TreeSet<>();
        names.stream().filter(name -> !AdamW.huggingFaceDecays(name)).forEach(exempt::add);

        TreeSet<String> reference = new TreeSet<>();
        TrajectoryFixture.JSON.get("no_decay").forEach(n -> reference.add(n.asText()));
        assertEquals(reference, exempt);
        assertTrue(AdamW.huggingFaceDecays("bert.encoder.layer.0.attention.self.query.weight"));
        assertFalse(AdamW.huggingFaceDecays("bias"));
    }

    @Test
    void negativeLearningRateIsRejected() {
        AdamW adamW = new AdamW(CONFIG, name -> true);
        Map<String, INDArray> params = params("w", new float[] {1});
        assertThrows(IllegalArgumentException.class, () -> adamW.step(params, params("w", new float[] {1}), -1e-3));
        assertThrows(IllegalArgumentException.class, () -> adamW.step(params, params("w", new float[] {1}), Double.NaN));
        assertEquals(1.0f, params.get("w").getFloat(0));
    }

    @Test
    void mismatchedGradientsAreRejectedBeforeAnythingMoves() {
        AdamW adamW = new AdamW(CONFIG, name -> true);
        Map<String, INDArray> params = new HashMap<>();
        params.put("a", Nd4j.createFromArray(1.0f, 2.0f));
        params.put("b", Nd4j.createFromArray(1.0f, 2.0f));

        Map<String, INDArray> wrongShape = new HashMap<>();
        wrongShape.put("a", Nd4j.createFromArray(1.0f, 1.0f));
        wrongShape.put("b", Nd4j.createFromArray(1.0f, 1.0f, 1.0f));
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> adamW.step(params, wrongShape, 1e-2));
        assertTrue(shape.getMessage().contains("'b'"), shape.getMessage());
        assertArrayEquals(new float[] {1.0f, 2.0f}, params.get("a").toFloatVector());

        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> adamW.step(params, params("c", new float[] {1, 1}), 1e-2));
        assertTrue(unknown.getMessage().contains("'c'"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> adamW.step(params, Map.of("a", Nd4j.createFromArray(1.0, 1.0)), 1e-2));
        assertThrows(IllegalArgumentException.class, () -> adamW.step(null, Map.of(), 1e-2));
        assertTrue(adamW.exportState().isEmpty());
    }

    @Test
    void importedStateOfAnotherShapeIsRejectedAtTheStep() {
        AdamW adamW = new AdamW(CONFIG, name -> true);
        adamW.importState(Map.of("w", new AdamW.ParameterState(2, Nd4j.zeros(DataType.FLOAT, 3), Nd4j.zeros(DataType.FLOAT, 3))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> adamW.step(params("w", new float[] {1, 2}), params("w", new float[] {1, 2}), 1e-2));
        assertTrue(e.getMessage().contains("optimizer state"), e.getMessage());
    }

    @Test
    void invalidStateAndConfigurationAreRejected() {
        INDArray two = Nd4j.zeros(DataType.FLOAT, 2);
        assertThrows(IllegalArgumentException.class, () -> new AdamW.ParameterState(0, two, two));
        assertThrows(IllegalArgumentException.class, () -> new AdamW.ParameterState(1, two, Nd4j.zeros(DataType.FLOAT, 3)));
        assertThrows(IllegalArgumentException.class, () -> new AdamW.ParameterState(1, null, two));
        assertThrows(IllegalArgumentException.class, () -> new AdamW(CONFIG, name -> true).importState(null));
        assertThrows(IllegalArgumentException.class, () -> new AdamWConfig(1.0, 0.999, 1e-8, 0));
        assertThrows(IllegalArgumentException.class, () -> new AdamWConfig(0.9, -0.1, 1e-8, 0));
        assertThrows(IllegalArgumentException.class, () -> new AdamWConfig(0.9, 0.999, -1e-8, 0));
        assertThrows(IllegalArgumentException.class, () -> new AdamWConfig(0.9, 0.999, 1e-8, -0.01));
        assertThrows(IllegalArgumentException.class, () -> CONFIG.withWeightDecay(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new AdamW(null, name -> true));
        assertThrows(IllegalArgumentException.class, () -> new AdamW(CONFIG, null));
    }

    private static Map<String, INDArray> params(String name, float[] values) {
        Map<String, INDArray> map = new HashMap<>();
        map.put(name, Nd4j.createFromArray(values));
        return map;
    }

    private static Map<String, INDArray> gradients(Map<String, INDArray> params, int step) {
        Map<String, INDArray> grads = new HashMap<>();
        params.forEach((name, p) -> grads.put(name, p.mul(step + 1).subi(0.1 * step)));
        return grads;
    }

    private static float[] toFloats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }
}
