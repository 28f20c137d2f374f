package dev.jbert.spark;

import dev.jbert.core.data.Batch;
import dev.jbert.core.nn.ReadBack;
import dev.jbert.core.train.StepLog;
import dev.jbert.core.train.TrainableModel;
import dev.jbert.core.train.Trainer;
import dev.jbert.core.train.TrainerState;
import dev.jbert.core.train.TrainingData;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.jbert.spark.TrainingFixture.assertBitIdentical;
import static dev.jbert.spark.TrainingFixture.assertClose;
import static dev.jbert.spark.TrainingFixture.folder;
import static dev.jbert.spark.TrainingFixture.open;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Data-parallel training on {@code local[2]} against the single-JVM trainer on the same batches: one step on two
 * partitions equals one step on the combined batch within 1e-5 relative (gradient, loss, parameters); ten steps track
 * the single-JVM trajectory within 1e-4; the same seed and partitioning give the same model bit for bit, even when a
 * task fails and is retried.
 */
class DataParallelTrainingTest {

    private static final double STEP_TOLERANCE = 1e-5;
    private static final double TRAJECTORY_TOLERANCE = 1e-4;

    static SparkSession spark;
    static JavaSparkContext context;
    static List<Batch> batches;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        begin("jbert-data-parallel-test", TrainingFixture.JAVA_SERIALIZER);
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

    private static DataParallelModel parallel(String folder, int partitions) {
        return new DataParallelModel(context, open(folder), TrainingFixture.replica(folder), partitions, 2);
    }

    private static TrainerState train(TrainableModel model, Path out, long steps) {
        return new Trainer(model, TrainingData.fixed(batches, "fixture"), null, TrainingFixture.arguments(out, steps).build(), List.of()).train();
    }

    @Test
    void oneStepOnTwoPartitionsEqualsOneStepOnTheCombinedBatch() {
        TrainableModel single = open(folder());
        DataParallelModel parallel = parallel(folder(), 2);
        Map<String, INDArray> g1 = zeros(single), g2 = zeros(parallel);
        double loss1 = ReadBack.scalar(single.accumulateGradients(batches.get(0), 1.0, 7, g1), ReadBack.Use.CHECK);
        double loss2 = ReadBack.scalar(parallel.accumulateGradients(batches.get(0), 1.0, 7, g2), ReadBack.Use.CHECK);
        assertEquals(loss1, loss2, STEP_TOLERANCE * Math.abs(loss1), "loss");
        assertClose(g1, g2, STEP_TOLERANCE, "gradient");

        TrainableModel singleRun = open(folder());
        DataParallelModel parallelRun = parallel(folder(), 2);
        StepLog a = train(singleRun, tmp.resolve("one-single"), 1).steps().get(0);
        StepLog b = train(parallelRun, tmp.resolve("one-parallel"), 1).steps().get(0);
        assertEquals(a.loss(), b.loss(), STEP_TOLERANCE * Math.abs(a.loss()));
        assertEquals(a.gradNorm(), b.gradNorm(), STEP_TOLERANCE * a.gradNorm());
        assertClose(singleRun.trainableParameters(), parallelRun.trainableParameters(), STEP_TOLERANCE, "parameters after one step");
    }

    @Test
    void tenStepsTrackTheSingleJvmTrajectory() {
        TrainableModel singleRun = open(folder());
        DataParallelModel parallelRun = parallel(folder(), 2);
        List<StepLog> a = train(singleRun, tmp.resolve("ten-single"), 10).steps();
        List<StepLog> b = train(parallelRun, tmp.resolve("ten-parallel"), 10).steps();
        assertEquals(10, b.size());
        for (int k = 0; k < a.size(); k++) {
            assertEquals(a.get(k).loss(), b.get(k).loss(), TRAJECTORY_TOLERANCE * Math.abs(a.get(k).loss()), "loss of step " + (k + 1));
            assertEquals(a.get(k).gradNorm(), b.get(k).gradNorm(), TRAJECTORY_TOLERANCE * a.get(k).gradNorm(), "grad norm of step " + (k + 1));
        }
        assertClose(singleRun.trainableParameters(), parallelRun.trainableParameters(), TRAJECTORY_TOLERANCE, "parameters after ten steps");
    }

    @Test
    void sameSeedAndPartitioningGiveTheSameModelEvenWhenATaskIsRetried() throws IOException {
        String folder = TrainingFixture.dropoutCopy(tmp, 0.1).toString();
        TrainableModel first = parallel(folder, 3);
        List<StepLog> a = train(first, tmp.resolve("same-1"), 4).steps();

        TrainingFixture.FAILED_ONCE.set(false);
        TrainableModel second = new DataParallelModel(context, open(folder), TrainingFixture.failingOnce(folder), 3, 2);
        List<StepLog> b = train(second, tmp.resolve("same-2"), 4).steps();
        assertTrue(TrainingFixture.FAILED_ONCE.get(), "the injected failure did not happen");

        for (int k = 0; k < a.size(); k++) {
            assertEquals(a.get(k).loss(), b.get(k).loss(), 0.0, "loss of step " + (k + 1));
            assertEquals(a.get(k).gradNorm(), b.get(k).gradNorm(), 0.0, "grad norm of step " + (k + 1));
        }
        assertBitIdentical(first.trainableParameters(), second.trainableParameters());
    }

    @Test
    void bytesPerStepAreTheTrainableParametersInFloat32() {
        DataParallelModel parallel = parallel(folder(), 2);
        long values = parallel.trainableParameters().values().stream().mapToLong(INDArray::length).sum();
        assertEquals(values * 4, parallel.bytesPerStep());
    }

    private static Map<String, INDArray> zeros(TrainableModel model) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        model.trainableParameters().forEach((name, p) -> out.put(name, Nd4j.zeros(p.dataType(), p.shape())));
        return out;
    }
}
