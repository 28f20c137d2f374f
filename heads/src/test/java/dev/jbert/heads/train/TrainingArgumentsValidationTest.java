package dev.jbert.heads.train;

import dev.jbert.core.train.IntervalStrategy;
import dev.jbert.core.train.Trainer;
import dev.jbert.core.train.TrainingArguments;
import dev.jbert.heads.ClassifierModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Settings transformers would refuse are refused up front, each with a message naming the setting. */
class TrainingArgumentsValidationTest {

    @TempDir
    static Path shared;
    /** One checkpoint (step 2 of 6, seed 42, fingerprint "seq-cls/reference.json") that the resume tests reuse. */
    static Path checkpoint;

    @TempDir
    Path out;

    @BeforeAll
    static void trainTwoSteps() {
        ClassifierModel model = TrainFixtures.seqCls(42);
        new Trainer(model, TrainFixtures.data(), null, TrainFixtures.args(shared).numTrainEpochs(2)
                .saveStrategy(IntervalStrategy.STEPS).saveSteps(2).build(), List.of(ResumeTest.stopAfter(2))).train();
        checkpoint = shared.resolve("checkpoint-2");
    }

    private static void refused(Executable build, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "message names '" + f + "': " + e.getMessage());
    }

    private TrainingArguments.Builder builder() {
        return TrainingArguments.builder(out);
    }

    @Test
    void loadBestModelAtEndNeedsCheckpoints() {
        refused(() -> builder().loadBestModelAtEnd(true).saveStrategy(IntervalStrategy.NO).build(),
                "load_best_model_at_end", "save_strategy");
    }

    @Test
    void loadBestModelAtEndNeedsEvaluations() {
        refused(() -> builder().loadBestModelAtEnd(true).evalStrategy(IntervalStrategy.NO).build(), "eval_strategy");
        refused(() -> builder().earlyStoppingPatience(2).evalStrategy(IntervalStrategy.NO).build(), "eval_strategy");
    }

    @Test
    void loadBestModelAtEndNeedsMatchingStrategies() {
        refused(() -> builder().loadBestModelAtEnd(true).evalStrategy(IntervalStrategy.STEPS).evalSteps(5)
                .saveStrategy(IntervalStrategy.EPOCH).build(), "eval_strategy", "save_strategy", "STEPS", "EPOCH");
    }

    /**
     * transformers: "--load_best_model_at_end requires the saving steps to be a round multiple of
     * the evaluation steps". Otherwise the best evaluation can fall on a step without a checkpoint,
     * and the best model cannot be loaded.
     */
    @Test
    void loadBestModelAtEndNeedsSaveStepsAMultipleOfEvalSteps() {
        refused(() -> builder().loadBestModelAtEnd(true).evalStrategy(IntervalStrategy.STEPS).evalSteps(2)
                .saveStrategy(IntervalStrategy.STEPS).saveSteps(3).build(), "save_steps", "eval_steps");
    }

    @Test
    void stepsStrategiesNeedAnInterval() {
        refused(() -> builder().evalStrategy(IntervalStrategy.STEPS).evalSteps(0).build(), "eval_steps");
        refused(() -> builder().saveStrategy(IntervalStrategy.STEPS).saveSteps(0).build(), "save_steps");
    }

    @Test
    void numericRanges() {
        refused(() -> builder().warmupRatio(1.5).build(), "warmup_ratio", "1.5");
        refused(() -> builder().warmupRatio(-0.1).build(), "warmup_ratio");
        refused(() -> builder().gradientAccumulationSteps(0).build(), "gradient_accumulation_steps", "0");
        refused(() -> builder().learningRate(Double.NaN).build(), "learning_rate");
        refused(() -> builder().numTrainEpochs(0).build(), "num_train_epochs");
        refused(() -> builder().saveTotalLimit(-1).build(), "save_total_limit");
        refused(() -> builder().metricForBestModel(" ").build(), "metric_for_best_model");
    }

    @Test
    void evalPrefixAndLossDefaults() {
        TrainingArguments a = builder().metricForBestModel("eval_accuracy").build();
        assertEquals("accuracy", a.metricForBestModel());
        assertTrue(a.greaterIsBetter());
        assertTrue(!builder().metricForBestModel("eval_loss").build().greaterIsBetter(), "a loss is better lower");
    }

    @Test
    void evaluationStrategyNeedsAnEvaluator() {
        ClassifierModel model = TrainFixtures.seqCls(42);
        refused(() -> new Trainer(model, TrainFixtures.data(), null,
                builder().evalStrategy(IntervalStrategy.EPOCH).build(), List.of()), "eval_strategy");
    }

    @Test
    void resumeWithAnotherSeedIsRefused() {
        ClassifierModel model = TrainFixtures.seqCls(42);
        refused(() -> new Trainer(model, TrainFixtures.data(), null, TrainFixtures.args(out).numTrainEpochs(2).seed(7).build(), List.of())
                .train(Optional.of(checkpoint)), "seed 42", "not 7", "same seed");
    }

    @Test
    void resumeOnOtherDataIsRefused() {
        ClassifierModel model = TrainFixtures.seqCls(42);
        refused(() -> new Trainer(model, TrainFixtures.data("other.jsonl"), null, TrainFixtures.args(out).numTrainEpochs(2).build(), List.of())
                .train(Optional.of(checkpoint)), "other data", "seq-cls/reference.json", "other.jsonl");
    }

    @Test
    void resumeWithAnotherLengthIsRefused() {
        ClassifierModel model = TrainFixtures.seqCls(42);
        refused(() -> new Trainer(model, TrainFixtures.data(), null, TrainFixtures.args(out).numTrainEpochs(3).build(), List.of())
                .train(Optional.of(checkpoint)), "planned 6 steps", "9");
    }

    @Test
    void resumeFromAFolderThatIsNoCheckpointIsRefused() {
        ClassifierModel model = TrainFixtures.seqCls(42);
        RuntimeException e = assertThrows(RuntimeException.class, () -> new Trainer(model, TrainFixtures.data(), null,
                TrainFixtures.args(out).numTrainEpochs(2).build(), List.of()).train(Optional.of(out)));
        assertTrue(e.getMessage().contains("trainer_state.json"), e.getMessage());
    }
}
