package dev.jbert.heads;

import dev.jbert.core.data.Task;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jbert.core.data.Batch;
import dev.jbert.core.nn.KernelSet;
import dev.jbert.core.nn.Pass;
import dev.jbert.heads.loss.BceWithLogitsLoss;
import dev.jbert.heads.loss.CrossEntropyLoss;
import dev.jbert.heads.loss.FocalLoss;
import dev.jbert.heads.loss.Loss;
import dev.jbert.heads.loss.MseLoss;
import dev.jbert.heads.loss.SigmoidFocalLoss;
import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every loss through the fixture models against the value transformers / torch / torchvision
 * computed: within 1e-5 relative (float32 rounding of a sum over the batch).
 */
class LossParityTest {

    private static final double RELATIVE = 1e-5;

    private static double loss(String fixture, ClassifierSpec spec, Batch batch) {
        EncoderClassifier c = FixtureModels.classifier(fixture, spec);
        return c.loss(c.logits(batch, Pass.inference()), batch.labels());
    }

    private static void assertLoss(double expected, double actual, String what) {
        System.out.printf("loss %s: expected %.8f, got %.8f (relative %.2g)%n", what, expected, actual,
                Math.abs(actual - expected) / Math.abs(expected));
        assertEquals(expected, actual, RELATIVE * Math.abs(expected), what);
    }

    private static Batch seqCls() {
        JsonNode ref = FixtureModels.reference("seq-cls");
        return FixtureModels.batch(ref.get("inputs"), FixtureModels.classLabels(ref.get("labels")));
    }

    private static void singleLabel(Loss loss, double expected, String what) {
        assertLoss(expected, loss("seq-cls", ClassifierSpec.of(Task.SINGLE_LABEL, Fixtures.numLabels("seq-cls")).withLoss(loss), seqCls()), what);
    }

    private static JsonNode seqLosses() {
        return FixtureModels.reference("seq-cls").get("losses");
    }

    @ParameterizedTest
    @MethodSource("dev.jbert.testdata.KernelSets#each")
    void crossEntropy(KernelSet kernels) {
        try (KernelSet.Scope ignored = KernelSet.use(kernels)) {
            singleLabel(CrossEntropyLoss.plain(), seqLosses().get("cross_entropy_transformers").asDouble(), "cross entropy");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.jbert.testdata.KernelSets#each")
    void weightedCrossEntropyIsAWeightedMean(KernelSet kernels) {
        try (KernelSet.Scope ignored = KernelSet.use(kernels)) {
            JsonNode w = seqLosses().get("weighted_cross_entropy");
            singleLabel(new CrossEntropyLoss(FixtureModels.floats(w.get("weights")), 0), w.get("value").asDouble(), "weighted CE");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.jbert.testdata.KernelSets#each")
    void classBalancedCrossEntropy(KernelSet kernels) {
        try (KernelSet.Scope ignored = KernelSet.use(kernels)) {
            JsonNode w = seqLosses().get("class_balanced_cross_entropy");
            singleLabel(new CrossEntropyLoss(FixtureModels.floats(w.get("weights")), 0), w.get("value").asDouble(), "class-balanced CE");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.jbert.testdata.KernelSets#each")
    void labelSmoothing(KernelSet kernels) {
        try (KernelSet.Scope ignored = KernelSet.use(kernels)) {
            singleLabel(new CrossEntropyLoss(null, 0.1), seqLosses().get("label_smoothing_0.1").asDouble(), "label smoothing 0.1");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.jbert.testdata.KernelSets#each")
    void softmaxFocal(KernelSet kernels) {
        try (KernelSet.Scope ignored = KernelSet.use(kernels)) {
            singleLabel(new FocalLoss(2, null), seqLosses().get("focal_gamma2").asDouble(), "focal γ=2");
            JsonNode a = seqLosses().get("focal_gamma2_alpha");
            singleLabel(new FocalLoss(2, FixtureModels.floats(a.get("alpha"))), a.get("value").asDouble(), "focal γ=2 α");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.jbert.testdata.KernelSets#each")
    void focalWithGammaZeroIsCrossEntropy(KernelSet kernels) {
        try (KernelSet.Scope ignored = KernelSet.use(kernels)) {
            singleLabel(new FocalLoss(0, null), seqLosses().get("focal_gamma0_equals_cross_entropy").asDouble(), "focal γ=0");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.jbert.testdata.KernelSets#each")
    void multiLabelLosses(KernelSet kernels) {
        try (KernelSet.Scope ignored = KernelSet.use(kernels)) {
            JsonNode ref = FixtureModels.reference("multi-label");
            Batch batch = FixtureModels.batch(ref.get("inputs"), FixtureModels.floatLabels(ref.get("labels")));
            JsonNode losses = ref.get("losses");
            ClassifierSpec spec = ClassifierSpec.of(Task.MULTI_LABEL, Fixtures.numLabels("multi-label"));
            assertLoss(losses.get("bce_transformers").asDouble(), loss("multi-label", spec, batch), "BCE");
            JsonNode pw = losses.get("bce_pos_weight");
            assertLoss(pw.get("value").asDouble(),
                    loss("multi-label", spec.withLoss(new BceWithLogitsLoss(FixtureModels.floats(pw.get("pos_weight")))), batch), "BCE pos_weight");
            assertLoss(losses.get("sigmoid_focal_gamma2_alpha0.25").asDouble(),
                    loss("multi-label", spec.withLoss(new SigmoidFocalLoss(2, 0.25)), batch), "sigmoid focal");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.jbert.testdata.KernelSets#each")
    void tokenCrossEntropyIgnoresMinus100(KernelSet kernels) {
        try (KernelSet.Scope ignored = KernelSet.use(kernels)) {
            JsonNode ref = FixtureModels.reference("token-cls");
            ClassifierSpec spec = ClassifierSpec.of(Task.TOKEN_CLASSIFICATION, Fixtures.numLabels("token-cls"));
            for (String policy : new String[]{"I", "ignore"}) {
                JsonNode inputs = ref.get("inputs_continuation_" + policy);
                assertLoss(ref.get("losses").get("continuation_" + policy).asDouble(),
                        loss("token-cls", spec, FixtureModels.batch(inputs, FixtureModels.tokenLabels(inputs))), "token CE, continuation " + policy);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.jbert.testdata.KernelSets#each")
    void regressionMse(KernelSet kernels) {
        try (KernelSet.Scope ignored = KernelSet.use(kernels)) {
            JsonNode ref = FixtureModels.reference("pair-regression");
            Batch batch = FixtureModels.batch(ref.get("inputs"), FixtureModels.floatLabels(ref.get("labels")));
            assertLoss(ref.get("losses").get("mse_transformers").asDouble(),
                    loss("pair-regression", ClassifierSpec.of(Task.REGRESSION, 1).withLoss(new MseLoss()), batch), "MSE");
        }
    }
}
