package dev.jbert.heads.train;

import dev.jbert.core.data.Batch;
import dev.jbert.core.nn.KernelSet;
import dev.jbert.core.nn.ReadBack;
import dev.jbert.core.train.ForwardingModel;
import dev.jbert.core.train.StepLog;
import dev.jbert.core.train.IntervalStrategy;
import dev.jbert.core.train.Trainer;
import dev.jbert.core.train.TrainableModel;
import dev.jbert.core.train.TrainerState;
import dev.jbert.core.train.TrainingArguments;
import dev.jbert.heads.ClassifierModel;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a training run reads back, counted by {@link ReadBack} under either kernel set: one scalar per optimizer step
 * to tell whether its loss and gradient norm are finite, and the loss and norm once per log entry; nothing else
 * unless it evaluates, saves, or meets a non-finite step. Micro-batches read nothing.
 */
class ReadBackBudgetTest {

    @TempDir
    Path tmp;

    /** Counts the micro-batches the trainer hands the model. */
    private static final class Counting extends ForwardingModel {
        int microBatches;

        Counting(TrainableModel delegate) {
            super(delegate);
        }

        @Override
        public INDArray accumulateGradients(Batch batch, double scale, long dropoutSeed, Map<String, INDArray> gradients) {
            microBatches++;
            return super.accumulateGradients(batch, scale, dropoutSeed, gradients);
        }
    }

    private static Map<ReadBack.Use, Long> since(Map<ReadBack.Use, Long> before) {
        Map<ReadBack.Use, Long> reads = new EnumMap<>(ReadBack.Use.class);
        for (ReadBack.Use use : ReadBack.Use.values()) reads.put(use, ReadBack.reads(use) - (before == null ? 0 : before.get(use)));
        return reads;
    }

    @ParameterizedTest
    @MethodSource("dev.jbert.testdata.KernelSets#each")
    void aStepReadsOneScalarAndALogEntryTheLossAndNorm(KernelSet kernels) {
        try (KernelSet.Scope ignored = KernelSet.use(kernels)) {
            TrainingArguments args = TrainFixtures.args(tmp).gradientAccumulationSteps(2).maxSteps(5).loggingSteps(2).build();
            Counting model = new Counting(TrainFixtures.seqCls(42));
            Map<ReadBack.Use, Long> before = since(null);
            TrainerState state = new Trainer(model, TrainFixtures.data(), null, args, List.of()).train();
            Map<ReadBack.Use, Long> reads = since(before);

            assertEquals(List.of(2L, 4L, 5L), state.steps().stream().map(StepLog::step).toList(), "log entries: every 2 steps and the last");
            assertTrue(model.microBatches > args.maxSteps(), "the run should accumulate micro-batches");
            assertEquals(args.maxSteps(), reads.get(ReadBack.Use.NAN_CHECK), "one finiteness check per step");
            assertEquals(state.steps().size(), reads.get(ReadBack.Use.LOSS), "losses read");
            assertEquals(state.steps().size(), reads.get(ReadBack.Use.GRADIENT_NORM), "gradient norms read");
            for (ReadBack.Use use : List.of(ReadBack.Use.OUTPUTS, ReadBack.Use.LABELS, ReadBack.Use.SAVING)) {
                assertEquals(0, reads.get(use), use + " reads without evaluation or saving");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.jbert.testdata.KernelSets#each")
    void aCheckpointReadsEachParameterAndBothMomentsOnce(KernelSet kernels) {
        try (KernelSet.Scope ignored = KernelSet.use(kernels)) {
            TrainingArguments args = TrainFixtures.args(tmp).maxSteps(1).saveStrategy(IntervalStrategy.STEPS).saveSteps(1).build();
            ClassifierModel model = TrainFixtures.seqCls(42);
            Map<ReadBack.Use, Long> before = since(null);
            new Trainer(model, TrainFixtures.data(), null, args, List.of()).train();
            Map<ReadBack.Use, Long> reads = since(before);
            assertEquals(model.allParameters().size() + 2L * model.trainableParameters().size(), reads.get(ReadBack.Use.SAVING),
                    "every parameter, and AdamW's two moments of each trainable one");
            assertEquals(0, reads.get(ReadBack.Use.OUTPUTS), "no evaluation");
        }
    }
}
