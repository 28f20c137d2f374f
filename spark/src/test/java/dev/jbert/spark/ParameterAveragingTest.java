package dev.jbert.spark;

import dev.jbert.core.data.Batch;
import dev.jbert.core.train.Checkpoints;
import dev.jbert.core.train.EvalLog;
import dev.jbert.core.train.Evaluator;
import dev.jbert.core.train.IntervalStrategy;
import dev.jbert.core.train.StepLog;
import dev.jbert.core.train.TrainableModel;
import dev.jbert.core.train.Trainer;
import dev.jbert.core.train.TrainerState;
import dev.jbert.core.train.TrainingArguments;
import dev.jbert.core.train.TrainingData;
import dev.jbert.core.train.optim.AdamW;
import dev.jbert.core.train.optim.AdamWConfig;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static dev.jbert.spark.TrainingFixture.assertBitIdentical;
import static dev.jbert.spark.TrainingFixture.folder;
import static dev.jbert.spark.TrainingFixture.open;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The K-steps-local variant on {@code local[2]}: with one partition it is the single-JVM trainer bit for bit (rounds
 * cut at epoch ends, evaluation, checkpoints and the best model included); with two, a round's result is the
 * examples-weighted average of what each replica's own single-JVM run on its shares gives, parameters and AdamW
 * moments within 1e-5 relative; the same seed and partitioning give the same model even when a task is retried; a
 * run resumed from a round's checkpoint ends where the uninterrupted one does.
 */
class ParameterAveragingTest {

    private static final double AVERAGE_TOLERANCE = 1e-5;

    static SparkSession spark;
    static JavaSparkContext context;
    static List<Batch> batches;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        begin("jbert-parameter-averaging-test", TrainingFixture.JAVA_SERIALIZER);
    }

    static void begin(String name, String serializer) {
        spark = TrainingFixture.session(name, serializer);
        context = TrainingFixture.context(spark);
        batches = TrainingFixture.batches();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static ParameterAveragingModel averaging(String folder, int partitions, int stepsPerRound) {
        return new ParameterAveragingModel(context, open(folder), TrainingFixture.replica(folder), partitions, stepsPerRound, 2);
    }

    private static TrainerState train(TrainableModel model, List<Batch> data, TrainingArguments args, Evaluator evaluator,
                                      Optional<Path> resume) {
        return new Trainer(model, TrainingData.fixed(data, "fixture"), evaluator, args, List.of()).train(resume);
    }

    private static TrainerState train(TrainableModel model, List<Batch> data, TrainingArguments args) {
        return train(model, data, args, null, Optional.empty());
    }

    private static Evaluator evaluationLoss() {
        return model -> Map.of("loss", batches.stream().mapToDouble(model::evaluationLoss).average().orElseThrow());
    }

    @Test
    void onePartitionIsTheSingleJvmTrainer() {
        // three steps a round, two batches an epoch: rounds of 2, 1, 1, 2, 2 and 1 steps, cut at epoch ends
        Function<String, TrainingArguments> args = out -> TrainingFixture.arguments(tmp.resolve(out), 9)
                .evalStrategy(IntervalStrategy.STEPS).evalSteps(3).saveStrategy(IntervalStrategy.STEPS).saveSteps(3)
                .loadBestModelAtEnd(true).build();
        TrainableModel single = open(folder());
        TrainerState a = train(single, batches, args.apply("one-single"), evaluationLoss(), Optional.empty());
        ParameterAveragingModel averaged = averaging(folder(), 1, 3);
        TrainerState b = train(averaged, batches, args.apply("one-averaged"), evaluationLoss(), Optional.empty());

        assertEquals(9, b.steps().size());
        for (int k = 0; k < a.steps().size(); k++) {
            StepLog x = a.steps().get(k), y = b.steps().get(k);
            assertEquals(x.loss(), y.loss(), 0.0, "loss of step " + (k + 1));
            assertEquals(x.gradNorm(), y.gradNorm(), 0.0, "grad norm of step " + (k + 1));
            assertEquals(x.learningRate(), y.learningRate(), 0.0, "learning rate of step " + (k + 1));
        }
        assertEquals(a.evaluations().stream().map(EvalLog::metrics).toList(), b.evaluations().stream().map(EvalLog::metrics).toList());
        assertEquals(a.bestCheckpoint(), b.bestCheckpoint());
        assertBitIdentical(single.trainableParameters(), averaged.trainableParameters());
    }

    @Test
    void twoPartitionsAverageWhatEachReplicaTrainsAlone() {
        // dropout is off in the fixture, so each replica's own run draws nothing the averaging run would draw otherwise
        Function<String, TrainingArguments> args = out -> TrainingFixture.arguments(tmp.resolve(out), 2)
                .saveStrategy(IntervalStrategy.STEPS).saveSteps(2).build();
        TrainableModel[] alone = new TrainableModel[2];
        TrainerState[] runs = new TrainerState[2];
        double[] examples = new double[2];
        for (int k = 0; k < 2; k++) {
            int part = k;
            List<Batch> shares = batches.stream().map(b -> half(b, part)).toList();
            examples[k] = shares.stream().mapToInt(Batch::size).sum();
            alone[k] = open(folder());
            runs[k] = train(alone[k], shares, args.apply("alone-" + k));
        }
        ParameterAveragingModel averaged = averaging(folder(), 2, 2);
        TrainerState both = train(averaged, batches, args.apply("averaged"));

        INDArray first = alone[0].trainableParameters().get("classifier.weight");
        INDArray second = alone[1].trainableParameters().get("classifier.weight");
        assertTrue(first.sub(second).norm2Number().doubleValue() > 1e-3 * first.norm2Number().doubleValue(),
                "the replicas' own runs should drift apart, or the average proves nothing");
        double[] weights = {examples[0] / (examples[0] + examples[1]), examples[1] / (examples[0] + examples[1])};
        for (int s = 0; s < 2; s++) {
            double w0 = half(batches.get(s), 0).size() / (double) batches.get(s).size();
            double loss = w0 * runs[0].steps().get(s).loss() + (1 - w0) * runs[1].steps().get(s).loss();
            assertEquals(loss, both.steps().get(s).loss(), AVERAGE_TOLERANCE * loss, "loss of step " + (s + 1));
        }
        averaged.trainableParameters().forEach((name, p) -> assertAverage(name, weights,
                alone[0].trainableParameters().get(name), alone[1].trainableParameters().get(name), p));

        Map<String, AdamW.ParameterState> m0 = optimizerState(tmp.resolve("alone-0/checkpoint-2"));
        Map<String, AdamW.ParameterState> m1 = optimizerState(tmp.resolve("alone-1/checkpoint-2"));
        Map<String, AdamW.ParameterState> mean = optimizerState(tmp.resolve("averaged/checkpoint-2"));
        assertEquals(m0.keySet(), mean.keySet());
        mean.forEach((name, state) -> {
            assertEquals(2, state.step(), name + " step count");
            assertAverage(name + " exp_avg", weights, m0.get(name).expAvg(), m1.get(name).expAvg(), state.expAvg());
            assertAverage(name + " exp_avg_sq", weights, m0.get(name).expAvgSq(), m1.get(name).expAvgSq(), state.expAvgSq());
        });
    }

    @Test
    void sameSeedAndPartitioningGiveTheSameModelEvenWhenATaskIsRetried() throws IOException {
        String folder = TrainingFixture.dropoutCopy(tmp, 0.1).toString();
        ParameterAveragingModel first = averaging(folder, 3, 2);
        List<StepLog> a = train(first, batches, TrainingFixture.arguments(tmp.resolve("same-1"), 5).build()).steps();

        TrainingFixture.FAILED_ONCE.set(false);
        ParameterAveragingModel second = new ParameterAveragingModel(context, open(folder), TrainingFixture.failingOnce(folder), 3, 2, 2);
        List<StepLog> b = train(second, batches, TrainingFixture.arguments(tmp.resolve("same-2"), 5).build()).steps();
        assertTrue(TrainingFixture.FAILED_ONCE.get(), "the injected failure did not happen");

        assertEquals(a.stream().map(StepLog::loss).toList(), b.stream().map(StepLog::loss).toList());
        assertEquals(a.stream().map(StepLog::gradNorm).toList(), b.stream().map(StepLog::gradNorm).toList());
        assertBitIdentical(first.trainableParameters(), second.trainableParameters());
    }

    @Test
    void aRunResumedFromARoundsCheckpointEndsWhereTheUninterruptedOneDoes() {
        Function<String, TrainingArguments> args = out -> TrainingFixture.arguments(tmp.resolve(out), 6)
                .saveStrategy(IntervalStrategy.STEPS).saveSteps(2).build();
        ParameterAveragingModel uninterrupted = averaging(folder(), 2, 2);
        TrainerState whole = train(uninterrupted, batches, args.apply("resume-whole"));

        ParameterAveragingModel resumed = averaging(folder(), 2, 2);
        TrainerState rest = train(resumed, batches, args.apply("resume-rest"), null,
                Optional.of(tmp.resolve("resume-whole/checkpoint-2")));
        List<StepLog> resumedSteps = rest.steps().subList(rest.steps().size() - 4, rest.steps().size());
        assertEquals(whole.steps().subList(2, 6).stream().map(StepLog::loss).toList(), resumedSteps.stream().map(StepLog::loss).toList());
        assertBitIdentical(uninterrupted.trainableParameters(), resumed.trainableParameters());
    }

    @Test
    void stepIntervalsThatCutARoundAreRefused() {
        IllegalArgumentException eval = assertThrows(IllegalArgumentException.class, () -> new Trainer(averaging(folder(), 2, 2),
                TrainingData.fixed(batches, "fixture"), evaluationLoss(),
                TrainingFixture.arguments(tmp.resolve("bad-eval"), 6).evalStrategy(IntervalStrategy.STEPS).evalSteps(3).build(), List.of()));
        assertTrue(eval.getMessage().contains("eval_steps 3 is not a multiple of the 2 local steps per round"), eval.getMessage());
        IllegalArgumentException save = assertThrows(IllegalArgumentException.class, () -> new Trainer(averaging(folder(), 2, 4),
                TrainingData.fixed(batches, "fixture"), null,
                TrainingFixture.arguments(tmp.resolve("bad-save"), 6).saveStrategy(IntervalStrategy.STEPS).saveSteps(6).build(), List.of()));
        assertTrue(save.getMessage().contains("save_steps 6 is not a multiple of the 4 local steps per round"), save.getMessage());
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> averaging(folder(), 0, 2), "no partitions");
        IllegalArgumentException steps = assertThrows(IllegalArgumentException.class, () -> averaging(folder(), 2, 0));
        assertTrue(steps.getMessage().contains("steps per round must be at least 1"), steps.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new ParameterAveragingModel(context, open(folder()), TrainingFixture.replica(folder()), 2, 2, 1), "fan-in 1");
    }

    @Test
    void bytesPerRoundAreParametersAndBothMomentsInFloat32() {
        ParameterAveragingModel averaged = averaging(folder(), 2, 4);
        long values = averaged.trainableParameters().values().stream().mapToLong(INDArray::length).sum();
        assertEquals(3 * values * 4, averaged.bytesPerRound());
    }

    /** Partition {@code k}'s contiguous half of a batch, the first one row longer when the size is odd. */
    private static Batch half(Batch batch, int k) {
        int cut = (batch.size() + 1) / 2;
        return k == 0 ? TrainingFixture.rows(batch, 0, cut) : TrainingFixture.rows(batch, cut, batch.size());
    }

    private static Map<String, AdamW.ParameterState> optimizerState(Path checkpoint) {
        AdamW optimizer = new AdamW(new AdamWConfig(0.9, 0.999, 1e-8, 0.01), AdamW::huggingFaceDecays);
        Checkpoints.restore(checkpoint, open(folder()), optimizer);
        return optimizer.exportState();
    }

    private static void assertAverage(String what, double[] weights, INDArray a, INDArray b, INDArray actual) {
        INDArray expected = a.mul(weights[0]).addi(b.mul(weights[1]));
        double diff = expected.sub(actual).norm2Number().doubleValue();
        double norm = expected.norm2Number().doubleValue();
        assertTrue(diff <= AVERAGE_TOLERANCE * norm, what + ": differs from the weighted average by " + diff + " (norm " + norm + ")");
    }
}
