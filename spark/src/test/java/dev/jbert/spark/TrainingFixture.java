package dev.jbert.spark;

import dev.jbert.core.data.Task;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.core.data.Batch;
import dev.jbert.core.train.ForwardingModel;
import dev.jbert.core.train.IntervalStrategy;
import dev.jbert.core.train.TrainableModel;
import dev.jbert.core.train.TrainingArguments;
import dev.jbert.heads.TrainedParameters;
import dev.jbert.heads.ClassifierSpec;
import dev.jbert.heads.SavedClassifier;
import dev.jbert.testdata.Fixtures;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the distributed-training tests share: the session, the fixture's batches and model, and the comparisons. */
final class TrainingFixture {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Fails the first attempt of one task, once; Spark retries it. */
    static final AtomicBoolean FAILED_ONCE = new AtomicBoolean();

    private TrainingFixture() {
    }

    /** Spark's default serializer. */
    static final String JAVA_SERIALIZER = "org.apache.spark.serializer.JavaSerializer";
    /** The one many clusters set in spark-defaults.conf. */
    static final String KRYO_SERIALIZER = "org.apache.spark.serializer.KryoSerializer";

    /** {@code local[2, 4]}: two threads, and up to four attempts per task, so a failed task is retried. */
    static SparkSession session(String name, String serializer) {
        return SparkSession.builder().master("local[2,4]").appName(name)
                .config("spark.serializer", serializer)
                .config("spark.ui.enabled", false)
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
    }

    static JavaSparkContext context(SparkSession spark) {
        return JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    /** The seq-cls fixture's examples as two batches an epoch, of unequal sizes, so that shares differ in size too. */
    static List<Batch> batches() {
        JsonNode reference = Fixtures.json(Fixtures.folder("seq-cls").resolve("reference.json"));
        int[][] ids = Fixtures.ints(reference.get("inputs"), "input_ids");
        int[][] types = Fixtures.ints(reference.get("inputs"), "token_type_ids");
        int[][] mask = Fixtures.ints(reference.get("inputs"), "attention_mask");
        int[] labels = Fixtures.ints(reference.get("labels"));
        int n = labels.length;
        int first = n - n / 3;
        return List.of(rows(new Batch(ids, types, mask, Nd4j.createFromArray(labels)), 0, first),
                rows(new Batch(ids, types, mask, Nd4j.createFromArray(labels)), first, n));
    }

    /** Rows {@code [from, to)} of a batch with integer labels. */
    static Batch rows(Batch batch, int from, int to) {
        return new Batch(Arrays.copyOfRange(batch.inputIds(), from, to), Arrays.copyOfRange(batch.tokenTypeIds(), from, to),
                Arrays.copyOfRange(batch.attentionMask(), from, to),
                Nd4j.createFromArray(Arrays.copyOfRange(batch.labels().toIntVector(), from, to)));
    }

    static ClassifierSpec spec() {
        return ClassifierSpec.of(Task.SINGLE_LABEL, Fixtures.numLabels("seq-cls"));
    }

    static String folder() {
        return Fixtures.folder("seq-cls").toString();
    }

    static TrainableModel open(String folder) {
        return SavedClassifier.open(Path.of(folder), spec(), 42, TrainedParameters.ALL);
    }

    static Replica replica(String folder) {
        return () -> open(folder);
    }

    /** A replica whose first gradient call in a task's first attempt throws, once per {@link #FAILED_ONCE} reset. */
    static Replica failingOnce(String folder) {
        return () -> new FailingOnce(open(folder));
    }

    /** The arguments of every training test: a warm-up, decay, clipping, no evaluation or checkpoints unless asked. */
    static TrainingArguments.Builder arguments(Path out, long steps) {
        return TrainingArguments.builder(out).learningRate(1e-3).weightDecay(0.01).warmupSteps(2).maxSteps(steps)
                .evalStrategy(IntervalStrategy.NO).saveStrategy(IntervalStrategy.NO).loggingSteps(1).seed(42);
    }

    /** The fixture with dropout {@code p} in a copy under {@code tmp}. */
    static Path dropoutCopy(Path tmp, double p) throws IOException {
        Path src = Fixtures.folder("seq-cls");
        Path dst = tmp.resolve("seq-cls-dropout-" + p);
        if (Files.isDirectory(dst)) return dst;
        Files.createDirectories(dst);
        for (String f : List.of("model.safetensors", "vocab.txt", "tokenizer_config.json")) Files.copy(src.resolve(f), dst.resolve(f));
        ObjectNode config = (ObjectNode) JSON.readTree(src.resolve("config.json").toFile());
        config.put("hidden_dropout_prob", p).put("attention_probs_dropout_prob", p);
        Files.writeString(dst.resolve("config.json"), config.toPrettyString());
        return dst;
    }

    static void assertBitIdentical(Map<String, INDArray> expected, Map<String, INDArray> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, p) -> assertArrayEquals(p.data().asFloat(), actual.get(name).data().asFloat(), name));
    }

    /**
     * Each tensor within {@code tolerance} of the expected one, relative to its own norm. The attention key biases
     * are left out: softmax ignores a shift shared by every key, so their gradient is zero but for rounding noise
     * (held to the tolerance of the whole gradient's norm when comparing gradients), and AdamW, which divides by the
     * gradient's running magnitude, turns that noise into steps of the learning rate's size, in one JVM as in two.
     */
    static void assertClose(Map<String, INDArray> expected, Map<String, INDArray> actual, double tolerance, String what) {
        assertEquals(expected.keySet(), actual.keySet(), what);
        double globalNorm = 0;
        for (INDArray e : expected.values()) globalNorm += Math.pow(e.norm2Number().doubleValue(), 2);
        globalNorm = Math.sqrt(globalNorm);
        for (Map.Entry<String, INDArray> entry : expected.entrySet()) {
            String name = entry.getKey();
            INDArray e = entry.getValue();
            double diff = e.sub(actual.get(name)).norm2Number().doubleValue();
            double norm = name.contains("attention.self.key.bias") ? globalNorm : e.norm2Number().doubleValue();
            if (name.contains("attention.self.key.bias") && !what.startsWith("gradient")) continue;
            assertTrue(diff <= tolerance * norm, what + " " + name + ": differs by " + diff + " (norm " + norm + ")");
        }
    }

    private static final class FailingOnce extends ForwardingModel {
        FailingOnce(TrainableModel model) {
            super(model);
        }

        @Override
        public INDArray accumulateGradients(Batch batch, double scale, long dropoutSeed, Map<String, INDArray> gradients) {
            TaskContext task = TaskContext.get();
            if (task != null && task.attemptNumber() == 0 && FAILED_ONCE.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure");
            }
            return super.accumulateGradients(batch, scale, dropoutSeed, gradients);
        }
    }
}
