package dev.jbert.spark;

import com.esotericsoftware.kryo.DefaultSerializer;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import dev.jbert.core.data.Batch;
import dev.jbert.core.train.ForwardingModel;
import dev.jbert.core.train.TrainableModel;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import dev.jbert.core.nn.ReadBack;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

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
 *
 * <p>Not thread-safe: it adds into the trainer's gradient arrays and forwards every other call to the driver's
 * model; one training run per instance, driven from one thread.
 */
public final class DataParallelModel extends ForwardingModel {

    /** One partition's share of a batch, with the factor on its gradient and its dropout seed. */
    @DefaultSerializer(JavaSerializer.class)
    private record Share(int index, BatchSlice slice, double scale, long dropoutSeed) implements Serializable {
    }

    private final JavaSparkContext spark;
    private final Replica replica;
    private final int partitions;
    private final int fanIn;
    private final String id = UUID.randomUUID().toString();

    /**
     * @param spark      the context whose executors compute the shares
     * @param driver     the driver's model: the trainer's optimizer updates its parameters, evaluation and checkpoints use it
     * @param replica    builds the same model on an executor (once per executor JVM)
     * @param partitions how many shares each batch is split into
     * @param fanIn      how many partials each level of the gradient tree adds (2 or more)
     * @throws IllegalArgumentException when {@code partitions} is below 1 or {@code fanIn} below 2
     */
    public DataParallelModel(JavaSparkContext spark, TrainableModel driver, Replica replica, int partitions, int fanIn) {
        super(driver);
        if (partitions < 1) throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        if (fanIn < 2) throw new IllegalArgumentException("the tree's fan-in must be at least 2, got " + fanIn);
        this.spark = spark;
        this.replica = replica;
        this.partitions = partitions;
        this.fanIn = fanIn;
    }

    /**
     * Bytes of parameters broadcast and of gradients returned per partition and step: float32 for each trainable
     * value.
     *
     * @return {@code 4·P} for P trainable values
     */
    public long bytesPerStep() {
        return trainableParameters().values().stream().mapToLong(INDArray::length).sum() * Float.BYTES;
    }

    @Override
    public INDArray accumulateGradients(Batch batch, double scale, long dropoutSeed, Map<String, INDArray> gradients) {
        double total = lossNormalizer(batch);
        List<Share> shares = new ArrayList<>();
        List<BatchSlice> slices = BatchSlice.split(batch, Math.min(partitions, batch.size()));
        for (int k = 0; k < slices.size(); k++) {
            BatchSlice slice = slices.get(k);
            shares.add(new Share(k, slice, scale * lossNormalizer(slice.batch()) / total, BatchSlice.dropoutSeed(dropoutSeed, k)));
        }
        Broadcast<Map<String, float[]>> parameters = spark.broadcast(FloatArrays.of(trainableParameters(), 1f));
        try {
            String key = id;
            Replica factory = replica;
            JavaRDD<TreeSum.Partial> partials = spark.parallelize(shares, shares.size()).map(share -> {
                TrainableModel model = Replica.cached(key, factory);
                synchronized (model) {
                    return compute(model, parameters.value(), share, total);
                }
            });
            TreeSum.Partial sum = TreeSum.of(partials, shares.size(), fanIn);
            sum.arrays().forEach((name, values) -> {
                INDArray share = FloatArrays.shapedLike(values, gradients.get(name));
                gradients.get(name).addi(share);
                share.close();
            });
            return Nd4j.scalar(sum.scalars()[0]);
        } finally {
            parameters.destroy();
        }
    }

    /** On an executor: the replica set to the driver's parameters, then this share's scaled gradient and loss share. */
    private static TreeSum.Partial compute(TrainableModel model, Map<String, float[]> parameters, Share share, double total) {
        Map<String, INDArray> params = model.trainableParameters();
        Map<String, INDArray> gradients = new LinkedHashMap<>();
        params.forEach((name, p) -> {
            FloatArrays.assign(p, parameters.get(name));
            gradients.put(name, Nd4j.zeros(p.dataType(), p.shape()));
        });
        Batch batch = share.slice().batch();
        double loss = ReadBack.scalar(model.accumulateGradients(batch, share.scale(), share.dropoutSeed(), gradients), ReadBack.Use.REPLICAS);
        TreeSum.Partial partial = new TreeSum.Partial(share.index(), new double[]{loss * model.lossNormalizer(batch) / total}, FloatArrays.of(gradients, 1f));
        FloatArrays.close(gradients.values());
        return partial;
    }
}
