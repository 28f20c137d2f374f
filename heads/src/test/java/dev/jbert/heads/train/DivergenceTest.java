package dev.jbert.heads.train;

import dev.jbert.core.data.Batch;
import dev.jbert.core.train.Checkpoints;
import dev.jbert.core.train.ForwardingModel;
import dev.jbert.core.train.IntervalStrategy;
import dev.jbert.core.train.Trainer;
import dev.jbert.core.train.TrainerState;
import dev.jbert.core.train.TrainingDivergedException;
import dev.jbert.core.train.optim.AdamW;
import dev.jbert.core.train.optim.AdamWConfig;
import dev.jbert.heads.ClassifierModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A loss or gradient norm that stops being finite ends training with a
 * {@link TrainingDivergedException} naming the step and the last good checkpoint, which stays
 * complete and loadable; no step is taken with the bad gradients.
 */
class DivergenceTest {

    @TempDir
    Path out;

    /** The fixture model, with a fault injected into its {@code at}-th micro-batch (1-based). */
    private static final class Faulty extends ForwardingModel {
        /** Turns the micro-batch's loss and gradients bad; returns the loss to report. */
        interface Fault {
            INDArray apply(INDArray loss, Map<String, INDArray> gradients);
        }

        final int at;
        final Fault fault;
        int calls;

        Faulty(ClassifierModel inner, int at, Fault fault) {
            super(inner);
            this.at = at;
            this.fault = fault;
        }

        @Override
        public INDArray accumulateGradients(Batch batch, double scale, long dropoutSeed, Map<String, INDArray> gradients) {
            INDArray loss = super.accumulateGradients(batch, scale, dropoutSeed, gradients);
            return ++calls == at ? fault.apply(loss, gradients) : loss;
        }
    }

    /** A NaN loss at the {@code at}-th micro-batch. */
    private static Faulty nanAt(ClassifierModel model, int at) {
        return new Faulty(model, at, (loss, gradients) -> Nd4j.scalar(Float.NaN));
    }

    /** An infinity in {@code parameter}'s gradient at the {@code at}-th micro-batch. */
    private static Faulty infiniteGradientAt(ClassifierModel model, int at, String parameter) {
        return new Faulty(model, at, (loss, gradients) -> {
            gradients.get(parameter).putScalar(0, Double.POSITIVE_INFINITY);
            return loss;
        });
    }

    @Test
    void nanLossAtStepThreeNamesTheStepAndTheLastGoodCheckpoint() {
        ClassifierModel model = TrainFixtures.seqCls(42);
        Faulty nan = nanAt(model, 3);
        long[] stepsDone = {0};
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> new Trainer(nan, TrainFixtures.data(), null,
                TrainFixtures.args(out).numTrainEpochs(2).saveStrategy(IntervalStrategy.STEPS).saveSteps(2).build(),
                List.of(new dev.jbert.core.train.TrainingListener() {
                    @Override
                    public void onStepEnd(TrainerState state, dev.jbert.core.train.TrainerControl control) {
                        stepsDone[0] = state.globalStep();
                    }
                })).train());

        Path good = out.resolve("checkpoint-2");
        assertTrue(e.getMessage().contains("step 3"), e.getMessage());
        assertTrue(e.getMessage().contains(good.toString()), "names the last good checkpoint: " + e.getMessage());
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        assertEquals(2, stepsDone[0], "the diverged step was not completed");

        // the last good checkpoint is complete, alone, and restores
        assertEquals(List.of(good), new Checkpoints(out).list());
        TrainFixtures.assertCompleteCheckpoint(good);
        try {
            assertEquals(List.of("checkpoint-2"), Files.list(out).map(p -> p.getFileName().toString()).toList(),
                    "no partial folder is left");
        } catch (java.io.IOException io) {
            throw new java.io.UncheckedIOException(io);
        }
        ClassifierModel fresh = TrainFixtures.seqCls(1);
        TrainerState restored = Checkpoints.restore(good, fresh, new AdamW(new AdamWConfig(0.9, 0.999, 1e-8, 0), AdamW::huggingFaceDecays));
        assertEquals(2, restored.globalStep());
        assertEquals(2, restored.steps().size());

        // the model was not stepped with the diverged gradients: it still equals checkpoint-2
        TrainFixtures.assertSameParameters(TrainFixtures.snapshot(fresh), TrainFixtures.snapshot(model), "weights after divergence vs checkpoint-2");

        // and a resume from it on the healthy model finishes the run
        TrainerState resumed = new Trainer(model, TrainFixtures.data(), null,
                TrainFixtures.args(out).numTrainEpochs(2).saveStrategy(IntervalStrategy.STEPS).saveSteps(2).build(), List.of())
                .train(Optional.of(good));
        assertEquals(6, resumed.globalStep());
    }

    @Test
    void anInfiniteGradientNamesTheParameterAndItsGroup() {
        ClassifierModel model = TrainFixtures.seqCls(42);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> new Trainer(
                infiniteGradientAt(model, 2, "classifier.bias"), TrainFixtures.data(), null, TrainFixtures.args(out).maxSteps(3).build(),
                List.of()).train());
        assertTrue(e.getMessage().contains("step 2"), e.getMessage());
        assertTrue(e.getMessage().contains("first non-finite gradient: classifier.bias, in the no-decay group; 1 of"), e.getMessage());
        assertTrue(e.getMessage().contains("--skip-nonfinite-steps"), e.getMessage());
    }

    @Test
    void skippingNonFiniteStepsCountsThemAndFinishesTheRun() {
        ClassifierModel model = TrainFixtures.seqCls(42);
        List<Long> logged = new java.util.ArrayList<>();
        TrainerState state = new Trainer(nanAt(model, 3), TrainFixtures.data(), null,
                TrainFixtures.args(out).numTrainEpochs(2).saveStrategy(IntervalStrategy.STEPS).saveSteps(3).skipNonFiniteSteps(true).build(),
                List.of(new dev.jbert.core.train.TrainingListener() {
                    @Override
                    public void onLog(dev.jbert.core.train.StepLog log, TrainerState s, dev.jbert.core.train.TrainerControl control) {
                        logged.add(log.step());
                    }
                })).train();
        assertEquals(6, state.globalStep());
        assertEquals(List.of(3L), state.skippedSteps());
        assertEquals(List.of(1L, 2L, 4L, 5L, 6L), logged, "the skipped step has no log entry");
        for (INDArray p : model.trainableParameters().values()) {
            assertTrue(Double.isFinite(p.norm2Number().doubleValue()), "no parameter took the NaN step");
        }
        // the count survives a checkpoint, so a resumed run reports it too
        TrainerState restored = Checkpoints.restore(new Checkpoints(out).latest().orElseThrow(), TrainFixtures.seqCls(1),
                new AdamW(new AdamWConfig(0.9, 0.999, 1e-8, 0), AdamW::huggingFaceDecays));
        assertEquals(List.of(3L), restored.skippedSteps());
    }

    @Test
    void divergenceBeforeAnyCheckpointSaysSo() {
        ClassifierModel model = TrainFixtures.seqCls(42);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> new Trainer(nanAt(model, 1),
                TrainFixtures.data(), null, TrainFixtures.args(out).maxSteps(3).build(), List.of()).train());
        assertTrue(e.getMessage().contains("step 1"), e.getMessage());
        assertTrue(e.getMessage().contains("no checkpoint"), e.getMessage());
    }

    @Test
    void hugeLearningRateDiverges() {
        ClassifierModel model = TrainFixtures.seqCls(42);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> new Trainer(model, TrainFixtures.data(), null,
                TrainFixtures.args(out).learningRate(1e30).maxGradNorm(0).numTrainEpochs(3)
                        .saveStrategy(IntervalStrategy.STEPS).saveSteps(1).build(), List.of()).train());
        assertTrue(e.getMessage().matches("(?s)training diverged at step \\d+: .*"), e.getMessage());
        long step = Long.parseLong(e.getMessage().replaceAll("(?s)training diverged at step (\\d+):.*", "$1"));
        assertTrue(step >= 2, "the first step's loss is that of the pretrained weights: " + e.getMessage());
        Path last = out.resolve("checkpoint-" + (step - 1));
        assertTrue(e.getMessage().contains(last.toString()), e.getMessage());
        TrainFixtures.assertCompleteCheckpoint(last);
        assertEquals(Optional.of(last), new Checkpoints(out).latest());
    }
}
