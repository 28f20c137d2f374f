package dev.jbert.spark;

import dev.jbert.core.data.Batch;
import dev.jbert.core.train.TrainableModel;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import scala.Tuple2;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Synchronous data parallelism in Spark's own primitives, as a {@link TrainableModel} the existing
 * {@link dev.jbert.core.train.Trainer} drives: checkpoints, resume, evaluation, best-model selection, clipping and
 * AdamW all stay the single-JVM trainer's, on the driver. Only the gradient moves out: each call splits the batch
 * into one contiguous share per partition, broadcasts the current parameters, lets every executor's replica compute
 * its share's gradient (scaled by the share's part of the loss's denominator, so the shares add up to the whole
 * batch's gradient), and sums the shares' gradients in a tree whose every level adds in partition order, so the
 * result depends on the seed and the partitioning only, never on which task finished first or was retried.
 *
 * <p>Dropout: share {@code k} draws its masks from the step's seed mixed with {@code k} (share 0 from the step's
 * seed itself, so one partition trains exactly as one JVM). With dropout on, several partitions therefore draw other
 * masks than one JVM would for the same batch: the same distribution, reproducibly, not the same numbers.
 *
 * <p>Each executor JVM holds one replica and computes one share at a time on all its cores (ND4J's threads); give
 * executors one task slot each ({@code spark.executor.cores=1}, or {@code spark.task.cpus} equal to the cores), or
 * their tasks wait for each other.
 *
 * <p>Per step the driver sends the parameters to every executor (a torrent broadcast) and receives one gradient
 * per partition; both are {@code 4·P} bytes for P trainable parameters ({@link #bytesPerStep}).
 */
public final class DataParallelModel implements TrainableModel {

    /** Builds an executor's replica of the model: same architecture, loss and frozen weights as the driver's. */
    @FunctionalInterface
    public interface Replica extends Serializable {
        TrainableModel create();
    }

    /** One partition's share of a batch, in a form that serialises without ND4J. */
    private record Share(int index, int[][] inputIds, int[][] tokenTypeIds, int[][] attentionMask, long[] labelShape,
                         int[] intLabels, float[] floatLabels, double scale, long dropoutSeed) implements Serializable {

        static Share of(int index, Batch batch, int from, int to, double scale, long dropoutSeed) {
            INDArray labels = batch.labels().get(NDArrayIndex.interval(from, to)).dup();
            boolean integral = labels.dataType().isIntType();
            return new Share(index, Arrays.copyOfRange(batch.inputIds(), from, to), Arrays.copyOfRange(batch.tokenTypeIds(), from, to),
                    Arrays.copyOfRange(batch.attentionMask(), from, to), labels.shape(),
                    integral ? labels.reshape(labels.length()).toIntVector() : null,
                    integral ? null : labels.reshape(labels.length()).toFloatVector(), scale, dropoutSeed);
        }

        Share scaled(double value) {
            return new Share(index, inputIds, tokenTypeIds, attentionMask, labelShape, intLabels, floatLabels, value, dropoutSeed);
        }

        Batch batch() {
            INDArray labels = intLabels != null ? Nd4j.createFromArray(intLabels).reshape(labelShape)
                    : Nd4j.createFromArray(floatLabels).reshape(labelShape);
            return new Batch(inputIds, tokenTypeIds, attentionMask, labels);
        }
    }

    /** A gradient summed over some shares: {@code rank} orders it among its level's partials. */
    private record Partial(int rank, double weightedLoss, Map<String, float[]> gradients) implements Serializable {
    }

    /** Replicas of this JVM, by the id of the data-parallel model they serve. */
    private static final Map<String, TrainableModel> REPLICAS = new ConcurrentHashMap<>();

    private final JavaSparkContext spark;
    private final TrainableModel driver;
    private final Replica replica;
    private final int partitions;
    private final int fanIn;
    private final String id = UUID.randomUUID().toString();

    /**
     * @param driver     the driver's model: the trainer's optimizer updates its parameters, evaluation and checkpoints use it
     * @param replica    builds the same model on an executor (once per executor JVM)
     * @param partitions how many shares each batch is split into
     * @param fanIn      how many partials each level of the gradient tree adds (2 or more)
     */
    public DataParallelModel(JavaSparkContext spark, TrainableModel driver, Replica replica, int partitions, int fanIn) {
        if (partitions < 1) throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        if (fanIn < 2) throw new IllegalArgumentException("the tree's fan-in must be at least 2, got " + fanIn);
        this.spark = spark;
        this.driver = driver;
        this.replica = replica;
        this.partitions = partitions;
        this.fanIn = fanIn;
    }

    /** Bytes of parameters broadcast and of gradients returned per partition and step: float32 for each trainable value. */
    public long bytesPerStep() {
        return driver.trainableParameters().values().stream().mapToLong(INDArray::length).sum() * Float.BYTES;
    }

    @Override
    public Map<String, INDArray> trainableParameters() {
        return driver.trainableParameters();
    }

    @Override
    public double accumulateGradients(Batch batch, double scale, long dropoutSeed, Map<String, INDArray> gradients) {
        double total = driver.lossNormalizer(batch);
        List<Share> shares = new ArrayList<>();
        int n = batch.size();
        int parts = Math.min(partitions, n);
        for (int k = 0, from = 0; k < parts; k++) {
            int to = from + n / parts + (k < n % parts ? 1 : 0);
            Share share = Share.of(k, batch, from, to, 1, k == 0 ? dropoutSeed : mix(dropoutSeed, k));
            shares.add(share.scaled(scale * driver.lossNormalizer(share.batch()) / total));
            from = to;
        }
        Broadcast<Map<String, float[]>> parameters = spark.broadcast(snapshot(driver.trainableParameters()));
        try {
            String key = id;
            Replica factory = replica;
            JavaRDD<Partial> partials = spark.parallelize(shares, shares.size()).map(share -> {
                TrainableModel model = REPLICAS.computeIfAbsent(key, k -> factory.create());
                // one replica per executor JVM: its graph is not for two threads at once, and each pass already
                // runs on all the executor's cores through ND4J's own threads, so tasks of one JVM take turns
                synchronized (model) {
                    return compute(model, parameters.value(), share, total);
                }
            });
            Partial sum = treeSum(partials, shares.size());
            sum.gradients().forEach((name, values) -> gradients.get(name).addi(Nd4j.createFromArray(values).reshape(gradients.get(name).shape())));
            return sum.weightedLoss();
        } finally {
            parameters.destroy();
        }
    }

    /** On an executor: the replica set to the driver's parameters, then this share's scaled gradient and loss share. */
    private static Partial compute(TrainableModel model, Map<String, float[]> parameters, Share share, double total) {
        Map<String, INDArray> params = model.trainableParameters();
        Map<String, INDArray> gradients = new LinkedHashMap<>();
        params.forEach((name, p) -> {
            p.assign(Nd4j.createFromArray(parameters.get(name)).reshape(p.shape()));
            gradients.put(name, Nd4j.zeros(p.dataType(), p.shape()));
        });
        Batch batch = share.batch();
        double loss = model.accumulateGradients(batch, share.scale(), share.dropoutSeed(), gradients);
        return new Partial(share.index(), loss * model.lossNormalizer(batch) / total, snapshot(gradients));
    }

    /** Sums partials level by level, {@code fanIn} at a time, each group in rank order: deterministic float sums. */
    private Partial treeSum(JavaRDD<Partial> partials, int count) {
        JavaRDD<Partial> level = partials;
        int width = count;
        int group = fanIn;
        while (width > 1) {
            int next = (width + group - 1) / group;
            level = level.mapToPair(p -> new Tuple2<>(p.rank() / group, p))
                    .groupByKey(new HashPartitioner(next))
                    .map(g -> add(g._1(), g._2()));
            width = next;
        }
        return level.collect().get(0);
    }

    private static Partial add(int rank, Iterable<Partial> group) {
        List<Partial> ordered = new ArrayList<>();
        group.forEach(ordered::add);
        ordered.sort(Comparator.comparingInt(Partial::rank));
        Map<String, float[]> sum = new LinkedHashMap<>();
        double loss = 0;
        for (Partial p : ordered) {
            loss += p.weightedLoss();
            p.gradients().forEach((name, values) -> {
                float[] into = sum.computeIfAbsent(name, k -> new float[values.length]);
                for (int i = 0; i < values.length; i++) into[i] += values[i];
            });
        }
        return new Partial(rank, loss, sum);
    }

    private static Map<String, float[]> snapshot(Map<String, INDArray> arrays) {
        Map<String, float[]> out = new LinkedHashMap<>();
        arrays.forEach((name, a) -> out.put(name, a.castTo(DataType.FLOAT).reshape(a.length()).toFloatVector()));
        return out;
    }

    private static long mix(long seed, int share) {
        long h = seed + 0x9E3779B97F4A7C15L * (share + 1);
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        return h ^ (h >>> 31);
    }

    @Override
    public double lossNormalizer(Batch batch) {
        return driver.lossNormalizer(batch);
    }

    @Override
    public INDArray predict(Batch batch) {
        return driver.predict(batch);
    }

    @Override
    public double evaluationLoss(Batch batch) {
        return driver.evaluationLoss(batch);
    }

    @Override
    public double loss(Batch batch, INDArray logits) {
        return driver.loss(batch, logits);
    }

    @Override
    public boolean decays(String parameterName) {
        return driver.decays(parameterName);
    }

    @Override
    public void save(Path dir) {
        driver.save(dir);
    }

    @Override
    public void load(Path dir) {
        driver.load(dir);
    }
}
