package dev.jbert.heads.families;

import dev.jbert.core.data.Task;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jbert.core.data.Batch;
import dev.jbert.core.train.IntervalStrategy;
import dev.jbert.core.train.StepLog;
import dev.jbert.core.train.TrainerState;
import dev.jbert.core.train.TrainingArguments;
import dev.jbert.core.train.optim.ScheduleType;
import dev.jbert.heads.TrainedParameters;
import dev.jbert.heads.ClassifierModel;
import dev.jbert.heads.ClassifierSpec;
import dev.jbert.heads.SavedClassifier;
import dev.jbert.core.nn.KernelSet;
import dev.jbert.testdata.Fixtures;
import dev.jbert.testdata.KernelSets;
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
 * The families' fixture classifiers ({@code families/<family>/<model>}, and BERT's own {@code seq-cls}), their inputs
 * as batches and their Trainer recipe, read from the fixture files so that a fixture of another shape works as well.
 */
public final class FamilyFixtures {

    private FamilyFixtures() {
    }

    static Path folder(String family, String model) {
        return family.equals("bert") ? Fixtures.folder(model) : Fixtures.folder("families/" + family + "/" + model);
    }

    static JsonNode reference(String family, String model) {
        return Fixtures.json(folder(family, model).resolve("reference.json"));
    }

    static int numLabels(String family, String model) {
        return Fixtures.json(folder(family, model).resolve("config.json")).get("id2label").size();
    }

    static ClassifierModel open(String family, String model) {
        Task task = model.equals("token-cls") ? Task.TOKEN_CLASSIFICATION : Task.SINGLE_LABEL;
        return SavedClassifier.open(folder(family, model), ClassifierSpec.of(task, numLabels(family, model)), 42, TrainedParameters.ALL);
    }

    /** As {@link #open(String, String)}, computing with {@code kernels}. */
    static ClassifierModel open(String family, String model, KernelSet kernels) {
        return KernelSets.building(kernels, () -> open(family, model));
    }

    private static int[][] rows(JsonNode rows, String field) {
        if (rows.get(0).has(field)) return Fixtures.ints(rows, field);
        return new int[rows.size()][rows.get(0).get("input_ids").size()];
    }

    private static int[][] matrix(JsonNode m) {
        int[][] r = new int[m.size()][];
        for (int i = 0; i < r.length; i++) r[i] = Fixtures.ints(m.get(i));
        return r;
    }

    /** Families without token types get none: their fixtures have no {@code token_type_ids}. */
    private static Batch batch(JsonNode inputs, INDArray labels) {
        return new Batch(Fixtures.ints(inputs, "input_ids"), rows(inputs, "token_type_ids"), Fixtures.ints(inputs, "attention_mask"), labels);
    }

    static Batch sequenceBatch(JsonNode ref) {
        return batch(ref.get("inputs"), Nd4j.createFromArray(Fixtures.ints(ref.get("labels"))));
    }

    static Batch tokenBatch(JsonNode ref) {
        return batch(ref.get("inputs"), Nd4j.createFromArray(Fixtures.ints(ref.get("inputs"), "labels")));
    }

    static JsonNode trajectory(String family) {
        return Fixtures.json(folder(family, "seq-cls").resolve("train_trajectory.json"));
    }

    static List<Batch> trajectoryBatches(JsonNode trajectory) {
        List<Batch> batches = new ArrayList<>();
        for (JsonNode b : trajectory.get("batches")) {
            int[][] ids = matrix(b.get("input_ids"));
            int[][] types = b.has("token_type_ids") ? matrix(b.get("token_type_ids")) : new int[ids.length][ids[0].length];
            batches.add(new Batch(ids, types, matrix(b.get("attention_mask")), Nd4j.createFromArray(Fixtures.ints(b.get("labels")))));
        }
        return batches;
    }

    /** transformers' Trainer recipe the trajectory was recorded with, one log line per step, nothing saved. */
    public static TrainingArguments trajectoryArguments(JsonNode trajectory, Path out) {
        JsonNode recipe = trajectory.get("recipe");
        return TrainingArguments.builder(out)
                .maxSteps(recipe.get("steps").asLong())
                .learningRate(recipe.get("lr").asDouble())
                .warmupSteps(recipe.get("warmup_steps").asLong())
                .lrSchedulerType(ScheduleType.LINEAR)
                .weightDecay(recipe.get("weight_decay").asDouble())
                .adamBetas(recipe.get("betas").get(0).asDouble(), recipe.get("betas").get(1).asDouble())
                .adamEpsilon(recipe.get("eps").asDouble())
                .maxGradNorm(recipe.get("max_grad_norm").asDouble())
                .evalStrategy(IntervalStrategy.NO)
                .saveStrategy(IntervalStrategy.NO)
                .loggingSteps(1)
                .build();
    }

    /** The worst relative deviations of a 10-step run from the recorded trajectory. */
    record Deviation(double loss, double gradNorm, double parameters) {
    }

    /**
     * How far a run's losses and gradient norms (relative to each recorded value) and final parameters (max |Δ| over
     * each tensor's largest value) lie from the trajectory's; learning rates must match exactly.
     */
    static Deviation deviation(JsonNode trajectory, TrainerState state, ClassifierModel model) {
        List<StepLog> steps = state.steps();
        int n = trajectory.get("losses").size();
        assertEquals(n, steps.size());
        double worstLoss = 0, worstNorm = 0, worstParam = 0;
        for (int k = 0; k < n; k++) {
            StepLog s = steps.get(k);
            assertEquals(trajectory.get("lrs").get(k).asDouble(), s.learningRate(), 1e-12, "learning rate of step " + k);
            double loss = trajectory.get("losses").get(k).asDouble(), norm = trajectory.get("grad_norms").get(k).asDouble();
            worstLoss = Math.max(worstLoss, Math.abs(s.loss() - loss) / Math.abs(loss));
            worstNorm = Math.max(worstNorm, Math.abs(s.gradNorm() - norm) / Math.abs(norm));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = trajectory.get("final").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            double[] expected = Fixtures.flatten(e.getValue());
            double scale = 0;
            for (double v : expected) scale = Math.max(scale, Math.abs(v));
            worstParam = Math.max(worstParam, Fixtures.maxAbsDiff(expected, model.allParameters().get(e.getKey()).dup().data().asFloat()) / scale);
        }
        return new Deviation(worstLoss, worstNorm, worstParam);
    }

    static void assertClose(double[] expected, float[] actual, double tolerance, String what) {
        double diff = Fixtures.maxAbsDiff(expected, actual);
        System.out.printf("%s: max |Δ| %.2g%n", what, diff);
        assertTrue(diff < tolerance, what + ": max |Δ| " + diff + " (tolerance " + tolerance + ")");
    }
}
