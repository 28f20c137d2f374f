package dev.jbert.heads.train;

import dev.jbert.core.train.EvalLog;
import dev.jbert.core.train.IntervalStrategy;
import dev.jbert.core.train.Trainer;
import dev.jbert.core.train.TrainerState;
import dev.jbert.core.train.TrainingArguments;
import dev.jbert.heads.ClassifierModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * load_best_model_at_end and early stopping, driven by an evaluator that returns scripted
 * accuracies so the best evaluation is known in advance.
 */
class BestModelAndEarlyStoppingTest {

    @TempDir
    Path out;

    private TrainingArguments.Builder perEpoch(int epochs) {
        return TrainFixtures.args(out).numTrainEpochs(epochs)
                .evalStrategy(IntervalStrategy.EPOCH).saveStrategy(IntervalStrategy.EPOCH)
                .metricForBestModel("accuracy");
    }

    @Test
    void bestCheckpointIsLoadedAtTheEnd() {
        ClassifierModel model = TrainFixtures.seqCls(42);
        // epochs of 3 steps: the best evaluation is epoch 2's, checkpoint-6
        TrainerState state = new Trainer(model, TrainFixtures.data(), TrainFixtures.scripted(0.5, 0.9, 0.6),
                perEpoch(3).loadBestModelAtEnd(true).build(), List.of()).train();

        assertEquals(9, state.globalStep(), "no early stopping asked: all 3 epochs run");
        assertEquals("checkpoint-6", state.bestCheckpoint());
        assertEquals(0.9, state.bestMetric(), 0.0);
        assertEquals(List.of(0.5, 0.9, 0.6), state.evaluations().stream().map(e -> e.metric("accuracy")).toList());
        assertEquals(List.of(3L, 6L, 9L), state.evaluations().stream().map(EvalLog::step).toList());

        Map<String, float[]> loadedAtEnd = TrainFixtures.snapshot(model);
        ClassifierModel best = TrainFixtures.seqCls(1);
        best.load(out.resolve("checkpoint-6"));
        TrainFixtures.assertSameParameters(TrainFixtures.snapshot(best), loadedAtEnd, "model after training vs checkpoint-6");

        // and it is not simply the last model: training went on after the best checkpoint
        ClassifierModel last = TrainFixtures.seqCls(1);
        last.load(out.resolve("checkpoint-9"));
        assertFalse(TrainFixtures.sameValues(TrainFixtures.snapshot(last).get("classifier.weight"), loadedAtEnd.get("classifier.weight")),
                "the last checkpoint's weights differ from the best's");
    }

    @Test
    void withoutLoadBestModelAtEndTheLastWeightsStay() {
        ClassifierModel model = TrainFixtures.seqCls(42);
        TrainerState state = new Trainer(model, TrainFixtures.data(), TrainFixtures.scripted(0.9, 0.5),
                perEpoch(2).build(), List.of()).train();
        assertEquals("checkpoint-3", state.bestCheckpoint(), "the best is still tracked");
        ClassifierModel last = TrainFixtures.seqCls(1);
        last.load(out.resolve("checkpoint-6"));
        TrainFixtures.assertSameParameters(TrainFixtures.snapshot(last), TrainFixtures.snapshot(model), "model after training vs checkpoint-6");
    }

    @Test
    void lossAsTheMetricPrefersLowerValues() {
        ClassifierModel model = TrainFixtures.seqCls(42);
        // scripted loss is 1 - accuracy: accuracies 0.5, 0.9, 0.6 are losses 0.5, 0.1, 0.4
        TrainerState state = new Trainer(model, TrainFixtures.data(), TrainFixtures.scripted(0.5, 0.9, 0.6),
                perEpoch(3).metricForBestModel("eval_loss").build(), List.of()).train();
        assertEquals("checkpoint-6", state.bestCheckpoint());
        assertEquals(1.0 - 0.9, state.bestMetric(), 0.0);
    }

    @Test
    void earlyStoppingAfterTwoEvaluationsWithoutImprovement() {
        ClassifierModel model = TrainFixtures.seqCls(42);
        int[] epochsEnded = {0};
        TrainerState state = new Trainer(model, TrainFixtures.data(), TrainFixtures.scripted(0.5, 0.9, 0.6, 0.6, 0.95, 0.99),
                perEpoch(10).loadBestModelAtEnd(true).earlyStoppingPatience(2).build(),
                List.of(new dev.jbert.core.train.TrainingListener() {
                    @Override
                    public void onEpochEnd(int epoch, TrainerState s, dev.jbert.core.train.TrainerControl c) {
                        epochsEnded[0]++;
                    }
                })).train();

        // 0.5 (first), 0.9 (better), 0.6 (worse: 1), 0.6 (worse: 2) -> stop after epoch 4 of 10
        assertEquals(4, epochsEnded[0], "epochs run");
        assertEquals(4, state.evaluations().size());
        assertEquals(12, state.globalStep());
        assertEquals("checkpoint-6", state.bestCheckpoint());
        assertFalse(Files.exists(out.resolve("checkpoint-15")));
        ClassifierModel best = TrainFixtures.seqCls(1);
        best.load(out.resolve("checkpoint-6"));
        TrainFixtures.assertSameParameters(TrainFixtures.snapshot(best), TrainFixtures.snapshot(model), "model after early stopping vs checkpoint-6");
    }

    @Test
    void earlyStoppingThresholdCountsSmallGainsAsNoImprovement() {
        ClassifierModel model = TrainFixtures.seqCls(42);
        // 0.5, then +0.005 and +0.008: below the 0.01 threshold, so two evaluations without improvement
        TrainerState state = new Trainer(model, TrainFixtures.data(), TrainFixtures.scripted(0.5, 0.505, 0.513, 0.9),
                perEpoch(5).earlyStoppingPatience(2).earlyStoppingThreshold(0.01).build(), List.of()).train();
        assertEquals(3, state.evaluations().size(), "stopped after the third evaluation");
        assertEquals(9, state.globalStep());
    }

    /**
     * transformers breaks out of the epoch when max_steps is reached and still runs
     * {@code on_epoch_end} and {@code _maybe_log_save_evaluate}, so epoch strategies evaluate and
     * save the last, partial epoch too (FlowListener's own javadoc promises "one at the very last
     * step"). Without it the final steps are never evaluated, no checkpoint holds the final weights,
     * and load_best_model_at_end ignores them.
     */
    @Test
    void maxStepsEndingMidEpochStillEvaluatesAndSavesTheLastStep() {
        ClassifierModel model = TrainFixtures.seqCls(42);
        // 3 steps per epoch; max_steps 4 ends one step into epoch 2
        TrainerState state = new Trainer(model, TrainFixtures.data(), TrainFixtures.scripted(0.5, 0.9),
                perEpoch(1).maxSteps(4).loadBestModelAtEnd(true).build(), List.of()).train();
        assertEquals(4, state.globalStep());
        assertEquals(List.of(3L, 4L), state.evaluations().stream().map(EvalLog::step).toList(), "evaluations at the steps");
        assertTrue(Files.isDirectory(out.resolve("checkpoint-4")), "the last step is saved");
        assertEquals("checkpoint-4", state.bestCheckpoint());
    }

    @Test
    void unknownMetricForBestModelListsTheKnownNames() {
        ClassifierModel model = TrainFixtures.seqCls(42);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Trainer(model, TrainFixtures.data(),
                TrainFixtures.scripted(0.5), perEpoch(1).metricForBestModel("f1").build(), List.of()).train());
        assertTrue(e.getMessage().contains("'f1'"), e.getMessage());
        assertTrue(e.getMessage().contains("[accuracy, loss]"), "lists the evaluator's metrics: " + e.getMessage());
    }
}
