package dev.jbert.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.core.data.Batch;
import dev.jbert.core.train.IntervalStrategy;
import dev.jbert.core.train.StepLog;
import dev.jbert.core.train.TrainableModel;
import dev.jbert.core.train.Trainer;
import dev.jbert.core.train.TrainerState;
import dev.jbert.core.train.TrainingArguments;
import dev.jbert.core.train.TrainingData;
import dev.jbert.heads.ClassifierSpec;
import dev.jbert.heads.SavedClassifier;
import dev.jbert.heads.TaskType;
import dev.jbert.testdata.Fixtures;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
    private static final ObjectMapper JSON = new ObjectMapper();

    private static SparkSession spark;
    private static JavaSparkContext context;
    private static List<Batch> batches;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        // local[2, 4]: two threads, and up to four attempts per task, so a failed task is retried
        spark = SparkSession.builder().master("local[2,4]").appName("jbert-data-parallel-test")
                .config("spark.ui.enabled", false)
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
        context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JsonNode reference = Fixtures.json(Fixtures.folder("seq-cls").resolve("reference.json"));
        int[][] ids = Fixtures.ints(reference.get("inputs"), "input_ids");
        int[][] types = Fixtures.ints(reference.get("inputs"), "token_type_ids");
        int[][] mask = Fixtures.ints(reference.get("inputs"), "attention_mask");
        int[] labels = Fixtures.ints(reference.get("labels"));
        int n = labels.length;
        int first = n - n / 3;  // two batches an epoch, of unequal sizes, so shares differ in size too
        batches = List.of(batch(ids, types, mask, labels, 0, first), batch(ids, types, mask, labels, first, n));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static Batch batch(int[][] ids, int[][] types, int[][] mask, int[] labels, int from, int to) {
        return new Batch(Arrays.copyOfRange(ids, from, to), Arrays.copyOfRange(types, from, to), Arrays.copyOfRange(mask, from, to),
                Nd4j.createFromArray(Arrays.copyOfRange(labels, from, to)));
    }

    private static ClassifierSpec spec() {
        return ClassifierSpec.of(TaskType.SINGLE_LABEL, 3);
    }

    private static TrainableModel open(String folder) {
        return SavedClassifier.open(Path.of(folder), spec(), 42, false);
    }

    private static DataParallelModel parallel(String folder, int partitions) {
        return new DataParallelModel(context, open(folder), () -> SavedClassifier.open(Path.of(folder), spec(), 42, false), partitions, 2);
    }

    private static TrainerState train(TrainableModel model, Path out, long steps) {
        TrainingArguments args = TrainingArguments.builder(out).learningRate(1e-3).weightDecay(0.01).warmupSteps(2).maxSteps(steps)
                .evalStrategy(IntervalStrategy.NO).saveStrategy(IntervalStrategy.NO).loggingSteps(1).seed(42).build();
        return new Trainer(model, TrainingData.fixed(batches, "fixture"), null, args, List.of()).train();
    }

    @Test
    void oneStepOnTwoPartitionsEqualsOneStepOnTheCombinedBatch() {
        String folder = Fixtures.folder("seq-cls").toString();
        TrainableModel single = open(folder);
        DataParallelModel parallel = parallel(folder, 2);
        Map<String, INDArray> g1 = zeros(single), g2 = zeros(parallel);
        double loss1 = single.accumulateGradients(batches.get(0), 1.0, 7, g1);
        double loss2 = parallel.accumulateGradients(batches.get(0), 1.0, 7, g2);
        assertEquals(loss1, loss2, STEP_TOLERANCE * Math.abs(loss1), "loss");
        assertClose(g1, g2, STEP_TOLERANCE, "gradient");

        TrainableModel singleRun = open(folder);
        DataParallelModel parallelRun = parallel(folder, 2);
        StepLog a = train(singleRun, tmp.resolve("one-single"), 1).steps().get(0);
        StepLog b = train(parallelRun, tmp.resolve("one-parallel"), 1).steps().get(0);
        assertEquals(a.loss(), b.loss(), STEP_TOLERANCE * Math.abs(a.loss()));
        assertEquals(a.gradNorm(), b.gradNorm(), STEP_TOLERANCE * a.gradNorm());
        assertClose(singleRun.trainableParameters(), parallelRun.trainableParameters(), STEP_TOLERANCE, "parameters after one step");
    }

    @Test
    void tenStepsTrackTheSingleJvmTrajectory() {
        String folder = Fixtures.folder("seq-cls").toString();
        TrainableModel singleRun = open(folder);
        DataParallelModel parallelRun = parallel(folder, 2);
        List<StepLog> a = train(singleRun, tmp.resolve("ten-single"), 10).steps();
        List<StepLog> b = train(parallelRun, tmp.resolve("ten-parallel"), 10).steps();
        assertEquals(10, b.size());
        for (int k = 0; k < a.size(); k++) {
            assertEquals(a.get(k).loss(), b.get(k).loss(), TRAJECTORY_TOLERANCE * Math.abs(a.get(k).loss()), "loss of step " + (k + 1));
            assertEquals(a.get(k).gradNorm(), b.get(k).gradNorm(), TRAJECTORY_TOLERANCE * a.get(k).gradNorm(), "grad norm of step " + (k + 1));
        }
        assertClose(singleRun.trainableParameters(), parallelRun.trainableParameters(), TRAJECTORY_TOLERANCE, "parameters after ten steps");
    }

    /** Fails the first attempt of one task, once; Spark retries it. */
    private static final AtomicBoolean FAILED_ONCE = new AtomicBoolean();

    @Test
    void sameSeedAndPartitioningGiveTheSameModelEvenWhenATaskIsRetried() throws IOException {
        Path dropout = dropoutCopy(0.1);
        String folder = dropout.toString();
        TrainableModel first = parallel(folder, 3);
        List<StepLog> a = train(first, tmp.resolve("same-1"), 4).steps();

        FAILED_ONCE.set(false);
        TrainableModel driver = open(folder);
        DataParallelModel.Replica failing = () -> new FailingOnce(SavedClassifier.open(Path.of(folder), spec(), 42, false));
        TrainableModel second = new DataParallelModel(context, driver, failing, 3, 2);
        List<StepLog> b = train(second, tmp.resolve("same-2"), 4).steps();
        assertTrue(FAILED_ONCE.get(), "the injected failure did not happen");

        for (int k = 0; k < a.size(); k++) {
            assertEquals(a.get(k).loss(), b.get(k).loss(), 0.0, "loss of step " + (k + 1));
            assertEquals(a.get(k).gradNorm(), b.get(k).gradNorm(), 0.0, "grad norm of step " + (k + 1));
        }
        first.trainableParameters().forEach((name, p) ->
                assertArrayEquals(p.data().asFloat(), second.trainableParameters().get(name).data().asFloat(), name));
    }

    @Test
    void bytesPerStepAreTheTrainableParametersInFloat32() {
        DataParallelModel parallel = parallel(Fixtures.folder("seq-cls").toString(), 2);
        long values = parallel.trainableParameters().values().stream().mapToLong(INDArray::length).sum();
        assertEquals(values * 4, parallel.bytesPerStep());
    }

    /** A replica whose first gradient call, in a task's first attempt, throws. */
    private record FailingOnce(TrainableModel model) implements TrainableModel {
        @Override
        public Map<String, INDArray> trainableParameters() {
            return model.trainableParameters();
        }

        @Override
        public double accumulateGradients(Batch batch, double scale, long dropoutSeed, Map<String, INDArray> gradients) {
            TaskContext task = TaskContext.get();
            if (task != null && task.attemptNumber() == 0 && FAILED_ONCE.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure");
            }
            return model.accumulateGradients(batch, scale, dropoutSeed, gradients);
        }

        @Override
        public double lossNormalizer(Batch batch) {
            return model.lossNormalizer(batch);
        }

        @Override
        public INDArray predict(Batch batch) {
            return model.predict(batch);
        }

        @Override
        public double evaluationLoss(Batch batch) {
            return model.evaluationLoss(batch);
        }

        @Override
        public void save(Path dir) {
            model.save(dir);
        }

        @Override
        public void load(Path dir) {
            model.load(dir);
        }
    }

    private static Path dropoutCopy(double p) throws IOException {
        Path src = Fixtures.folder("seq-cls");
        Path dst = tmp.resolve("seq-cls-dropout");
        Files.createDirectories(dst);
        for (String f : List.of("model.safetensors", "vocab.txt", "tokenizer_config.json")) Files.copy(src.resolve(f), dst.resolve(f));
        ObjectNode config = (ObjectNode) JSON.readTree(src.resolve("config.json").toFile());
        config.put("hidden_dropout_prob", p).put("attention_probs_dropout_prob", p);
        Files.writeString(dst.resolve("config.json"), config.toPrettyString());
        return dst;
    }

    private static Map<String, INDArray> zeros(TrainableModel model) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        model.trainableParameters().forEach((name, p) -> out.put(name, Nd4j.zeros(p.dataType(), p.shape())));
        return out;
    }

    /**
     * Each tensor within {@code tolerance} of the expected one, relative to its own norm. The attention key biases
     * are left out: softmax ignores a shift shared by every key, so their gradient is zero but for rounding noise
     * (held to the tolerance of the whole gradient's norm in the one-step test), and AdamW, which divides by the
     * gradient's running magnitude, turns that noise into steps of the learning rate's size, in one JVM as in two.
     */
    private static void assertClose(Map<String, INDArray> expected, Map<String, INDArray> actual, double tolerance, String what) {
        assertEquals(expected.keySet(), actual.keySet(), what);
        double globalNorm = 0;
        for (INDArray e : expected.values()) globalNorm += Math.pow(e.norm2Number().doubleValue(), 2);
        globalNorm = Math.sqrt(globalNorm);
        for (Map.Entry<String, INDArray> entry : expected.entrySet()) {
            String name = entry.getKey();
            INDArray e = entry.getValue();
            double diff = e.sub(actual.get(name)).norm2Number().doubleValue();
            double norm = name.contains("attention.self.key.bias") ? globalNorm : e.norm2Number().doubleValue();
            if (name.contains("attention.self.key.bias") && what.startsWith("parameters")) continue;
            assertTrue(diff <= tolerance * norm, what + " " + name + ": differs by " + diff + " (norm " + norm + ")");
        }
    }
}
