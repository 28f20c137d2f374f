package dev.jbert.heads;

import dev.jbert.core.data.Task;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.ParameterizedTest;
import dev.jbert.core.nn.KernelSet;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jbert.core.data.Batch;
import dev.jbert.heads.loss.FocalLoss;
import dev.jbert.testdata.Fixtures;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gradients of the whole model (head, encoder, every embedding table) against torch's autograd,
 * within 1e-4 relative to each tensor's largest gradient, as the training issue states. The word
 * embedding rows come from our own scatter-add of the fed rows' gradient, padding row excluded.
 */
class GradientParityTest {

    private static final double RELATIVE = 1e-4;

    private static Map<String, INDArray> gradients(String fixture, ClassifierSpec spec, Batch batch) {
        ClassifierModel model = new ClassifierModel(FixtureModels.classifier(fixture, spec),
                FixtureModels.tokenizer(fixture), n -> true);
        Map<String, INDArray> grads = new LinkedHashMap<>();
        model.trainableParameters().forEach((n, p) -> grads.put(n, p.ulike().assign(0)));
        model.accumulateGradients(batch, 1.0, 0, grads);
        return grads;
    }

    private static void assertMatches(JsonNode expected, Map<String, INDArray> actual, String what) {
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            if (name.endsWith("[rows]")) {
                INDArray table = actual.get(name.substring(0, name.length() - "[rows]".length()));
                java.util.List<Double> expectedRows = new java.util.ArrayList<>();
                java.util.List<Float> ourRows = new java.util.ArrayList<>();
                for (Iterator<Map.Entry<String, JsonNode>> rows = e.getValue().fields(); rows.hasNext(); ) {
                    Map.Entry<String, JsonNode> row = rows.next();
                    for (double v : Fixtures.flatten(row.getValue())) expectedRows.add(v);
                    INDArray ours = table.get(NDArrayIndex.point(Integer.parseInt(row.getKey())), NDArrayIndex.all()).dup();
                    for (float v : ours.data().asFloat()) ourRows.add(v);
                }
                float[] ourFlat = new float[ourRows.size()];
                for (int i = 0; i < ourFlat.length; i++) ourFlat[i] = ourRows.get(i);
                check(expectedRows.stream().mapToDouble(Double::doubleValue).toArray(), ourFlat,
                        what + " " + name + " (" + e.getValue().size() + " rows)");
            } else {
                check(Fixtures.flatten(e.getValue()), actual.get(name).dup().data().asFloat(), what + " " + name);
            }
        }
    }

    private static void check(double[] expected, float[] actual, String what) {
        double scale = 0;
        for (double v : expected) scale = Math.max(scale, Math.abs(v));
        double diff = Fixtures.maxAbsDiff(expected, actual);
        double relative = scale == 0 ? diff : diff / scale;
        System.out.printf("gradient %s: max |Δ| %.2g, relative %.2g%n", what, diff, relative);
        assertTrue(scale == 0 ? diff == 0 : relative < RELATIVE, what + ": max |Δ| " + diff + " against a scale of " + scale);
    }

    @ParameterizedTest
    @MethodSource("dev.jbert.testdata.KernelSets#each")
    void crossEntropy(KernelSet kernels) {
        try (KernelSet.Scope ignored = KernelSet.use(kernels)) {
            JsonNode ref = FixtureModels.reference("seq-cls");
            Batch batch = FixtureModels.batch(ref.get("inputs"), FixtureModels.classLabels(ref.get("labels")));
            assertMatches(ref.get("gradients_cross_entropy"), gradients("seq-cls", ClassifierSpec.of(Task.SINGLE_LABEL, Fixtures.numLabels("seq-cls")), batch), "CE");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.jbert.testdata.KernelSets#each")
    void focalWithAlpha(KernelSet kernels) {
        try (KernelSet.Scope ignored = KernelSet.use(kernels)) {
            JsonNode ref = FixtureModels.reference("seq-cls");
            Batch batch = FixtureModels.batch(ref.get("inputs"), FixtureModels.classLabels(ref.get("labels")));
            float[] alpha = FixtureModels.floats(ref.get("losses").get("focal_gamma2_alpha").get("alpha"));
            ClassifierSpec spec = ClassifierSpec.of(Task.SINGLE_LABEL, Fixtures.numLabels("seq-cls")).withLoss(new FocalLoss(2, alpha));
            assertMatches(ref.get("gradients_focal_gamma2_alpha"), gradients("seq-cls", spec, batch), "focal");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.jbert.testdata.KernelSets#each")
    void binaryCrossEntropy(KernelSet kernels) {
        try (KernelSet.Scope ignored = KernelSet.use(kernels)) {
            JsonNode ref = FixtureModels.reference("multi-label");
            Batch batch = FixtureModels.batch(ref.get("inputs"), FixtureModels.floatLabels(ref.get("labels")));
            assertMatches(ref.get("gradients_bce"), gradients("multi-label", ClassifierSpec.of(Task.MULTI_LABEL, Fixtures.numLabels("multi-label")), batch), "BCE");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.jbert.testdata.KernelSets#each")
    void tokenCrossEntropy(KernelSet kernels) {
        try (KernelSet.Scope ignored = KernelSet.use(kernels)) {
            JsonNode ref = FixtureModels.reference("token-cls");
            JsonNode inputs = ref.get("inputs_continuation_I");
            Batch batch = FixtureModels.batch(inputs, FixtureModels.tokenLabels(inputs));
            assertMatches(ref.get("gradients_continuation_I"),
                    gradients("token-cls", ClassifierSpec.of(Task.TOKEN_CLASSIFICATION, Fixtures.numLabels("token-cls")), batch), "token CE");
        }
    }
}
