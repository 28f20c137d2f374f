package dev.jbert.heads;

import dev.jbert.core.data.Task;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.ParameterizedTest;
import dev.jbert.core.nn.KernelSet;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jbert.core.data.Batch;
import dev.jbert.core.train.StepLog;
import dev.jbert.core.train.Trainer;
import dev.jbert.core.train.TrainerState;
import dev.jbert.core.train.TrainingArguments;
import dev.jbert.core.train.TrainingData;
import dev.jbert.heads.families.FamilyFixtures;
import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ten steps of transformers' Trainer recipe on the seq-cls fixture (AdamW without decay on biases
 * and LayerNorm weights, 2 warm-up steps then linear decay, clipping to norm 1, three batches
 * cycled): learning rates exactly, losses and gradient norms within 1e-4 relative, final
 * parameters within 1e-4 (absolute, relative to each tensor's largest value).
 */
class TrajectoryParityTest {

    @TempDir
    Path out;

    static List<Batch> trajectoryBatches(JsonNode trajectory) {
        List<Batch> batches = new ArrayList<>();
        for (JsonNode b : trajectory.get("batches")) {
            batches.add(new Batch(rows(b.get("input_ids")), rows(b.get("token_type_ids")), rows(b.get("attention_mask")),
                    Nd4j.createFromArray(Fixtures.ints(b.get("labels")))));
        }
        return batches;
    }

    private static int[][] rows(JsonNode matrix) {
        int[][] r = new int[matrix.size()][];
        for (int i = 0; i < r.length; i++) r[i] = Fixtures.ints(matrix.get(i));
        return r;
    }

    @ParameterizedTest
    @MethodSource("dev.jbert.testdata.KernelSets#each")
    void reproducesTransformersTrainerStepForStep(KernelSet kernels) {
        try (KernelSet.Scope ignored = KernelSet.use(kernels)) {
            JsonNode trajectory = Fixtures.json(Fixtures.folder("seq-cls").resolve("train_trajectory.json"));
            ClassifierModel model = SavedClassifier.open(Fixtures.folder("seq-cls"),
                    ClassifierSpec.of(Task.SINGLE_LABEL, Fixtures.numLabels("seq-cls")), 42, TrainedParameters.ALL);
            TrainingArguments args = FamilyFixtures.trajectoryArguments(trajectory, out);
            TrainerState state = new Trainer(model, TrainingData.fixed(trajectoryBatches(trajectory), "train_trajectory.json"), null, args, List.of()).train();

            List<StepLog> steps = state.steps();
            int n = trajectory.get("losses").size();
            assertEquals(n, steps.size());
            double worstLoss = 0, worstNorm = 0;
            for (int k = 0; k < n; k++) {
                StepLog s = steps.get(k);
                assertEquals(trajectory.get("lrs").get(k).asDouble(), s.learningRate(), 0.0, "learning rate of step " + k);
                double expectedLoss = trajectory.get("losses").get(k).asDouble();
                double expectedNorm = trajectory.get("grad_norms").get(k).asDouble();
                worstLoss = Math.max(worstLoss, Math.abs(s.loss() - expectedLoss) / Math.abs(expectedLoss));
                worstNorm = Math.max(worstNorm, Math.abs(s.gradNorm() - expectedNorm) / Math.abs(expectedNorm));
            }
            double worstParam = 0;
            Map<String, INDArray> params = model.allParameters();
            for (Iterator<Map.Entry<String, JsonNode>> it = trajectory.get("final").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                double[] expected = Fixtures.flatten(e.getValue());
                double scale = 0;
                for (double v : expected) scale = Math.max(scale, Math.abs(v));
                worstParam = Math.max(worstParam, Fixtures.maxAbsDiff(expected, params.get(e.getKey()).dup().data().asFloat()) / scale);
            }
            System.out.printf("trajectory: max relative deviation loss %.2g, grad norm %.2g, final parameters %.2g%n",
                    worstLoss, worstNorm, worstParam);
            assertTrue(worstLoss < 1e-4, "losses deviate by " + worstLoss);
            assertTrue(worstNorm < 1e-4, "gradient norms deviate by " + worstNorm);
            assertTrue(worstParam < 1e-4, "final parameters deviate by " + worstParam);
        }
    }
}
