package dev.jbert.heads.train;

import dev.jbert.core.train.IntervalStrategy;
import dev.jbert.core.train.StepLog;
import dev.jbert.core.train.Trainer;
import dev.jbert.core.train.TrainerControl;
import dev.jbert.core.train.TrainerState;
import dev.jbert.core.train.TrainingArguments;
import dev.jbert.core.train.TrainingListener;
import dev.jbert.heads.ClassifierModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run killed after a checkpoint and resumed on a fresh model continues exactly as the
 * uninterrupted run: same step losses, learning rates and gradient norms (bit for bit: the data
 * order and every dropout mask derive from the seed and the step, the weights are stored as
 * float32 and the AdamW moments unchanged, so there is nothing to round) and the same final
 * parameters. Dropout is 0.1 so the masks' reproducibility is part of what is checked.
 */
class ResumeTest {

    @TempDir
    static Path shared;
    static Path modelDir;

    @TempDir
    Path out;

    @BeforeAll
    static void dropoutModel() {
        modelDir = TrainFixtures.dropoutCopy(shared, 0.1);
    }

    /** Stops the run once the step {@code at} is done (its checkpoint is still written). */
    static TrainingListener stopAfter(long at) {
        return new TrainingListener() {
            @Override
            public void onStepEnd(TrainerState state, TrainerControl control) {
                if (state.globalStep() == at) control.requestStop();
            }
        };
    }

    private TrainingArguments args(Path dir, int accumulation, long saveSteps) {
        return TrainFixtures.args(dir)
                .numTrainEpochs(2)
                .gradientAccumulationSteps(accumulation)
                .saveStrategy(IntervalStrategy.STEPS)
                .saveSteps(saveSteps)
                .warmupSteps(2)
                .weightDecay(0.01)
                .build();
    }

    private static void assertSameTrajectory(List<StepLog> expected, List<StepLog> actual) {
        assertEquals(expected.size(), actual.size(), "steps");
        for (int k = 0; k < expected.size(); k++) {
            StepLog e = expected.get(k), a = actual.get(k);
            assertEquals(e.step(), a.step(), "step number " + k);
            assertEquals(e.loss(), a.loss(), 0.0, "loss of step " + e.step());
            assertEquals(e.learningRate(), a.learningRate(), 0.0, "learning rate of step " + e.step());
            assertEquals(e.gradNorm(), a.gradNorm(), 0.0, "gradient norm of step " + e.step());
            assertEquals(e.examples(), a.examples(), "examples of step " + e.step());
            assertEquals(e.epoch(), a.epoch(), 0.0, "epoch of step " + e.step());
        }
    }

    /**
     * Trains uninterrupted, then again stopped after {@code stopAt}, then resumes a fresh model
     * from {@code checkpoint-<stopAt>} and compares.
     */
    private void resumeReproduces(int accumulation, long saveSteps, long stopAt, long totalSteps) {
        Path dirA = out.resolve("a"), dirB = out.resolve("b");

        ClassifierModel a = TrainFixtures.open(modelDir, 42);
        Map<String, float[]> initial = TrainFixtures.snapshot(a);
        TrainerState stateA = new Trainer(a, TrainFixtures.data(), null, args(dirA, accumulation, saveSteps), List.of()).train();
        assertEquals(totalSteps, stateA.globalStep());
        assertEquals(totalSteps, stateA.steps().size());
        Map<String, float[]> finalA = TrainFixtures.snapshot(a);

        ClassifierModel b = TrainFixtures.open(modelDir, 42);
        TrainerState stateB = new Trainer(b, TrainFixtures.data(), null, args(dirB, accumulation, saveSteps),
                List.of(stopAfter(stopAt))).train();
        assertEquals(stopAt, stateB.globalStep(), "the interrupted run stops after step " + stopAt);
        assertSameTrajectory(stateA.steps().subList(0, (int) stopAt), stateB.steps());
        Path checkpoint = dirB.resolve("checkpoint-" + stopAt);
        assertTrue(Files.isDirectory(checkpoint), "checkpoint-" + stopAt + " was written before stopping");
        assertFalse(Files.exists(dirB.resolve("checkpoint-" + totalSteps)));

        // a new process: fresh model (other init seed, to show nothing leaks from it) and trainer
        ClassifierModel c = TrainFixtures.open(modelDir, 7);
        TrainerState resumed = new Trainer(c, TrainFixtures.data(), null, args(dirB, accumulation, saveSteps), List.of())
                .train(Optional.of(checkpoint));

        assertEquals(totalSteps, resumed.globalStep());
        assertSameTrajectory(stateA.steps(), resumed.steps());
        TrainFixtures.assertSameParameters(finalA, TrainFixtures.snapshot(c), "resumed final parameters");
        // and training did move the model, so the comparison above means something
        assertFalse(TrainFixtures.sameValues(initial.get("classifier.weight"), finalA.get("classifier.weight")));
        assertFalse(TrainFixtures.sameValues(initial.get("bert.embeddings.word_embeddings.weight"), finalA.get("bert.embeddings.word_embeddings.weight")));
    }

    @Test
    void resumeMidEpochReproducesTheUninterruptedRun() {
        // 3 batches per epoch, 2 epochs: 6 steps; checkpoint-4 is after the first batch of epoch 2
        resumeReproduces(1, 2, 4, 6);
    }

    @Test
    void resumeAtAnEpochBoundaryWithAccumulationReproducesTheUninterruptedRun() {
        // accumulation 2 over batches 4/4/3: steps of 2 and 1 micro-batches, 2 per epoch, 4 in all;
        // checkpoint-2 is the end of epoch 1
        resumeReproduces(2, 1, 2, 4);
    }

    @Test
    void dropoutIsActiveInTheseRuns() {
        // the same run with another seed differs from step 1 on, also for a fixed data order (the seed drives the masks)
        ClassifierModel m1 = TrainFixtures.open(modelDir, 42);
        ClassifierModel m2 = TrainFixtures.open(modelDir, 42);
        var fixedOrder = new dev.jbert.core.train.TrainingData() {
            final dev.jbert.core.train.TrainingData inner = TrainFixtures.data();

            @Override
            public List<dev.jbert.core.data.Batch> epoch(int epoch, long seed) {
                return inner.epoch(epoch, 0);
            }

            @Override
            public int batchesPerEpoch() {
                return inner.batchesPerEpoch();
            }

            @Override
            public String fingerprint() {
                return "fixed";
            }
        };
        TrainerState s1 = new Trainer(m1, fixedOrder, null, TrainFixtures.args(out.resolve("1")).maxSteps(1).seed(1).build(), List.of()).train();
        TrainerState s2 = new Trainer(m2, fixedOrder, null, TrainFixtures.args(out.resolve("2")).maxSteps(1).seed(2).build(), List.of()).train();
        assertTrue(s1.steps().get(0).loss() != s2.steps().get(0).loss(),
                "dropout masks drawn from different seeds give different losses: " + s1.steps().get(0).loss());
    }
}
