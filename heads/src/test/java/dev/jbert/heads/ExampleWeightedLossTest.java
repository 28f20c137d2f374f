package dev.jbert.heads;

import dev.jbert.core.data.Task;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.core.data.Batch;
import dev.jbert.core.nn.KernelSet;
import dev.jbert.core.nn.Pass;
import dev.jbert.core.nn.ReadBack;
import dev.jbert.heads.loss.BceWithLogitsLoss;
import dev.jbert.heads.loss.CrossEntropyLoss;
import dev.jbert.heads.loss.FocalLoss;
import dev.jbert.heads.loss.Loss;
import dev.jbert.heads.loss.MseLoss;
import dev.jbert.heads.loss.SigmoidFocalLoss;
import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-example weights (synthetic examples) in every sequence loss, against PyTorch: the weighted mean
 * {@code Σ w_i·l_i / Σ w_i} (class-weighted cross entropy: over {@code Σ w_i·c_{y_i}}), its denominator and its
 * gradient with respect to the logits, from {@code example-weights/weighted_losses.json}, which
 * {@code weighted_losses.py} beside it computed from the fixtures' reference logits. Losses through the fixture
 * models on each kernel set within 1e-5 relative (float32 logits and sums); gradients from the reference logits
 * within 1e-5 of their largest magnitude. Weights of 1 give the unweighted loss bit for bit.
 */
class ExampleWeightedLossTest {

    private static final double RELATIVE = 1e-5;
    private static final JsonNode ORACLE = oracle();

    private static JsonNode oracle() {
        try (InputStream in = ExampleWeightedLossTest.class.getResourceAsStream("/example-weights/weighted_losses.json")) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A weighted case: the fixture, its task and loss, and the oracle's entry. */
    private record Case(String fixture, Task task, Loss loss, String entry) {

        JsonNode expected() {
            return ORACLE.get(fixture).get(entry);
        }

        ClassifierSpec spec() {
            return ClassifierSpec.of(task, task == Task.REGRESSION ? 1 : Fixtures.numLabels(fixture)).withLoss(loss);
        }

        JsonNode reference() {
            return FixtureModels.reference(fixture);
        }

        INDArray labels() {
            JsonNode labels = reference().get("labels");
            return task == Task.SINGLE_LABEL ? FixtureModels.classLabels(labels) : FixtureModels.floatLabels(labels);
        }

        Batch batch(float[] weights) {
            Batch b = FixtureModels.batch(reference().get("inputs"), labels());
            return new Batch(b.inputIds(), b.tokenTypeIds(), b.attentionMask(), b.labels(), weights);
        }

        @Override
        public String toString() {
            return fixture + " " + entry;
        }
    }

    private static Stream<Case> cases() {
        JsonNode seq = ORACLE.get("seq-cls"), multi = ORACLE.get("multi-label");
        float[] classWeights = FixtureModels.floats(seq.get("class_weighted_cross_entropy").get("class_weights"));
        return Stream.of(
                new Case("seq-cls", Task.SINGLE_LABEL, CrossEntropyLoss.plain(), "cross_entropy"),
                new Case("seq-cls", Task.SINGLE_LABEL, new CrossEntropyLoss(classWeights, 0), "class_weighted_cross_entropy"),
                new Case("seq-cls", Task.SINGLE_LABEL, new CrossEntropyLoss(classWeights, 0.1), "class_weighted_label_smoothing_0.1"),
                new Case("seq-cls", Task.SINGLE_LABEL,
                        new FocalLoss(2, FixtureModels.floats(seq.get("focal_gamma2_alpha").get("alpha"))), "focal_gamma2_alpha"),
                new Case("multi-label", Task.MULTI_LABEL,
                        new BceWithLogitsLoss(FixtureModels.floats(multi.get("bce_pos_weight").get("pos_weight"))), "bce_pos_weight"),
                new Case("multi-label", Task.MULTI_LABEL, new SigmoidFocalLoss(2, 0.25), "sigmoid_focal_gamma2_alpha0.25"),
                new Case("pair-regression", Task.REGRESSION, new MseLoss(), "mse"));
    }

    static Stream<Arguments> casesOnEachKernelSet() {
        return dev.jbert.testdata.KernelSets.each(cases().toArray());
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("casesOnEachKernelSet")
    void weightedLossMatchesTorch(Case c, KernelSet kernels) {
        try (KernelSet.Scope ignored = KernelSet.use(kernels)) {
            float[] weights = FixtureModels.floats(c.expected().get("weights"));
            Batch batch = c.batch(weights);
            EncoderClassifier classifier = FixtureModels.classifier(c.fixture(), c.spec());
            double actual = classifier.loss(classifier.logits(batch, Pass.inference()), batch.labels(), batch.exampleWeights());
            double expected = c.expected().get("value").asDouble();
            System.out.printf("weighted %s: expected %.8f, got %.8f (relative %.2g)%n", c, expected, actual,
                    Math.abs(actual - expected) / expected);
            assertEquals(expected, actual, RELATIVE * Math.abs(expected), c.toString());
            assertEquals(c.expected().get("denominator").asDouble(), c.loss().normalizer(batch.labels(), weights),
                    1e-6 * c.expected().get("denominator").asDouble(), c + ": the normalizer data-parallel training splits by");
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("casesOnEachKernelSet")
    void weightedGradientMatchesTorch(Case c, KernelSet kernels) {
        try (KernelSet.Scope ignored = KernelSet.use(kernels)) {
            INDArray logits = logits(c.reference().get("logits"));
            INDArray dLogits = logits.ulike();
            float[] weights = FixtureModels.floats(c.expected().get("weights"));
            new LossGraph(c.spec(), true).lossAndGradient(logits, c.labels(), weights, 1.0, dLogits);
            double[] expected = Fixtures.flatten(c.expected().get("logits_gradient"));
            double scale = Arrays.stream(expected).map(Math::abs).max().orElseThrow();
            double diff = Fixtures.maxAbsDiff(expected, dLogits.dup().data().asFloat());
            System.out.printf("weighted %s gradient: max |Δ| %.2g of %.2g%n", c, diff, scale);
            assertTrue(diff <= RELATIVE * scale, c + ": max |Δ| " + diff + " against a scale of " + scale);
        }
    }

    /** Weights of 1 are no weights: the weighted graph gives the unweighted loss and gradient to the bit. */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("casesOnEachKernelSet")
    void weightsOfOneChangeNothing(Case c, KernelSet kernels) {
        try (KernelSet.Scope ignored = KernelSet.use(kernels)) {
            INDArray logits = logits(c.reference().get("logits"));
            float[] ones = new float[(int) logits.size(0)];
            Arrays.fill(ones, 1f);
            INDArray plainGradient = logits.ulike(), weightedGradient = logits.ulike();
            double plain = ReadBack.scalar(new LossGraph(c.spec(), false).lossAndGradient(logits, c.labels(), null, 1.0, plainGradient),
                    ReadBack.Use.CHECK);
            double weighted = ReadBack.scalar(new LossGraph(c.spec(), true).lossAndGradient(logits, c.labels(), ones, 1.0, weightedGradient),
                    ReadBack.Use.CHECK);
            assertEquals(plain, weighted, 0.0, c + ": loss");
            assertArrayEquals(plainGradient.dup().data().asFloat(), weightedGradient.dup().data().asFloat(), 0f, c + ": gradient");
            assertEquals(c.loss().normalizer(c.labels(), null), c.loss().normalizer(c.labels(), ones), 0.0, c + ": normalizer");
        }
    }

    @Test
    void tokenClassificationTakesNoExampleWeights() {
        ClassifierSpec spec = ClassifierSpec.of(Task.TOKEN_CLASSIFICATION, Fixtures.numLabels("token-cls"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LossGraph(spec, true));
        assertTrue(e.getMessage().contains("token classification"), e.getMessage());
        INDArray tokenLabels = Nd4j.createFromArray(new int[][]{{-100, 1, 2, -100}, {-100, 0, -100, -100}});
        IllegalArgumentException n = assertThrows(IllegalArgumentException.class,
                () -> CrossEntropyLoss.plain().normalizer(tokenLabels, new float[]{1f, 2f}));
        assertTrue(n.getMessage().contains("per sequence, not per token"), n.getMessage());
    }

    @Test
    void aGraphIsGivenWeightsExactlyWhenItTakesThem() {
        Case c = cases().findFirst().orElseThrow();
        INDArray logits = logits(c.reference().get("logits"));
        float[] weights = FixtureModels.floats(c.expected().get("weights"));
        assertThrows(IllegalStateException.class, () -> new LossGraph(c.spec(), false).loss(logits, c.labels(), weights));
        assertThrows(IllegalStateException.class, () -> new LossGraph(c.spec(), true).loss(logits, c.labels(), null));
    }

    private static INDArray logits(JsonNode rows) {
        float[] flat = FixtureModels.floats(rows);
        return Nd4j.createFromArray(flat).reshape(rows.size(), flat.length / rows.size());
    }
}
