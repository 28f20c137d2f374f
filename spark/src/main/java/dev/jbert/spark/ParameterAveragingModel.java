package dev.jbert.spark;

import com.esotericsoftware.kryo.DefaultSerializer;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import dev.jbert.core.nn.ReadBack;
import dev.jbert.core.train.LocalStepsModel;
import dev.jbert.core.train.PlannedStep;
import dev.jbert.core.train.StepOutcome;
import dev.jbert.core.train.ForwardingModel;
import dev.jbert.core.train.TrainableModel;
import dev.jbert.core.train.optim.AdamW;
import dev.jbert.core.train.optim.AdamWConfig;
import dev.jbert.core.train.optim.GradientClipping;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The K-steps-local variant of data parallelism, for slow networks: every partition's replica takes a round of
 * {@code stepsPerRound} optimizer steps of its own on its share of each batch, and only then are the replicas'
 * parameters and AdamW moments averaged (local SGD with parameter averaging). The network carries the model once per
 * round instead of once per step. The existing {@link dev.jbert.core.train.Trainer} drives it as a
 * {@link LocalStepsModel}: it plans the steps (batches, dropout seeds, the schedule's rate), evaluates, checkpoints
 * (the averaged parameters and moments, so resume needs nothing else), keeps the best model, all at round ends.
 *
 * <p>Each round is a pure function of the driver's state and the round's batches: the parameters, moments and step
 * counts are broadcast, every task starts its replica from them, and the results are summed in {@link TreeSum}'s
 * ordered tree, so the same seed and partitioning give the same model and a retried task changes nothing.
 *
 * <p>Where this changes the optimisation, against one JVM (or {@link DataParallelModel}) on the same batches:
 * <ul>
 *   <li>each replica steps on its share's own mean gradient: a batch 1/N the size, noisier, and the replicas drift
 *       apart within a round;</li>
 *   <li>clipping applies to each replica's gradient at each of its steps, and the logged gradient norm is the
 *       replicas' mean norm (weighted as the loss), not the norm of a summed gradient;</li>
 *   <li>AdamW is not linear: even with one step a round, the average of N replicas' steps is not the step on the
 *       averaged gradient, and the averaged second moment is the mean of squares, not the square of the mean;</li>
 *   <li>the learning rate still changes every step (each replica follows the trainer's schedule), and with one
 *       partition the variant is exactly the single-JVM trainer.</li>
 * </ul>
 * The average weights each replica by its part of the round's loss denominator (its examples, or counted tokens),
 * which is 1/N when the shares are even. A replica whose step is not finite skips its update, as the trainer does,
 * and that step then counts for no replica's AdamW bias correction.
 *
 * <p>Per round the driver broadcasts parameters and both moments ({@code 3·4·P} bytes for P trainable values) and
 * receives as much from each partition: {@link #bytesPerRound}, against {@code 4·P} each way per step for
 * {@link DataParallelModel}, so it moves less from four steps a round up.
 *
 * <p>Not thread-safe: each round overwrites the driver's parameters and the optimizer's moments in place, and
 * every other call goes to the driver's model; one training run per instance, driven from one thread.
 */
public final class ParameterAveragingModel extends ForwardingModel implements LocalStepsModel {

    private static final String PARAM = "param/";
    private static final String EXP_AVG = "exp_avg/";
    private static final String EXP_AVG_SQ = "exp_avg_sq/";

    /** The driver's state at a round's start, and the settings every replica steps with. */
    @DefaultSerializer(JavaSerializer.class)
    private record Start(Map<String, float[]> parameters, Map<String, float[]> expAvg, Map<String, float[]> expAvgSq,
                         Map<String, Long> steps, AdamWConfig config, double maxGradNorm) implements Serializable {
    }

    /**
     * A partition's part of one step: its slice of each micro-batch with the slice's dropout seed, and its part of the
     * step's loss denominator, its weight in the step's logged loss and norm.
     */
    private record LocalStep(List<BatchSlice> slices, long[] dropoutSeeds, double scale, double learningRate,
                             double weight) implements Serializable {
    }

    /** A partition's round: its steps, and its weight in the average (its part of the round's loss denominator). */
    @DefaultSerializer(JavaSerializer.class)
    private record Work(int index, List<LocalStep> steps, double weight) implements Serializable {
    }

    private final JavaSparkContext spark;
    private final Replica replica;
    private final int partitions;
    private final int stepsPerRound;
    private final int fanIn;
    private final String id = UUID.randomUUID().toString();

    /**
     * @param spark         the context whose executors run the replicas
     * @param driver        the driver's model: it holds the averaged parameters; evaluation and checkpoints use it
     * @param replica       builds the same model on an executor (once per executor JVM)
     * @param partitions    how many replicas, each taking a contiguous share of every batch
     * @param stepsPerRound optimizer steps each replica takes between averages (K)
     * @param fanIn         how many partials each level of the averaging tree adds (2 or more)
     * @throws IllegalArgumentException when {@code partitions} or {@code stepsPerRound} is below 1, or {@code fanIn}
     *                                  below 2
     */
    public ParameterAveragingModel(JavaSparkContext spark, TrainableModel driver, Replica replica, int partitions,
                                   int stepsPerRound, int fanIn) {
        super(driver);
        if (partitions < 1) throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        if (stepsPerRound < 1) throw new IllegalArgumentException("steps per round must be at least 1, got " + stepsPerRound);
        if (fanIn < 2) throw new IllegalArgumentException("the tree's fan-in must be at least 2, got " + fanIn);
        this.spark = spark;
        this.replica = replica;
        this.partitions = partitions;
        this.stepsPerRound = stepsPerRound;
        this.fanIn = fanIn;
    }

    @Override
    public int stepsPerRound() {
        return stepsPerRound;
    }

    /**
     * Bytes broadcast to every executor, and returned by every partition, per round: parameters and both moments.
     *
     * @return {@code 3·4·P} for P trainable values
     */
    public long bytesPerRound() {
        return 3 * trainableParameters().values().stream().mapToLong(INDArray::length).sum() * Float.BYTES;
    }

    @Override
    public List<StepOutcome> round(List<PlannedStep> steps, AdamW optimizer, double maxGradNorm) {
        List<Work> work = plan(steps);
        Broadcast<Start> start = spark.broadcast(start(optimizer, maxGradNorm));
        try {
            String key = id;
            Replica factory = replica;
            JavaRDD<TreeSum.Partial> partials = spark.parallelize(work, work.size()).map(w -> {
                TrainableModel model = Replica.cached(key, factory);
                synchronized (model) {
                    return takeRound(model, start.value(), w);
                }
            });
            TreeSum.Partial average = TreeSum.of(partials, work.size(), fanIn);
            return finish(average, steps.size(), start.value(), optimizer);
        } finally {
            start.destroy();
        }
    }

    /** Each partition's slices of every step, weighted by their part of the loss's denominator. */
    private List<Work> plan(List<PlannedStep> steps) {
        List<List<LocalStep>> byPartition = new ArrayList<>();
        double[] roundShare = new double[partitions];
        double roundTotal = 0;
        for (int k = 0; k < partitions; k++) byPartition.add(new ArrayList<>());
        for (PlannedStep step : steps) {
            List<List<BatchSlice>> slices = new ArrayList<>();
            List<long[]> seeds = new ArrayList<>();
            double[] share = new double[partitions];
            for (int k = 0; k < partitions; k++) {
                slices.add(new ArrayList<>());
                seeds.add(new long[step.microBatches().size()]);
            }
            for (int j = 0; j < step.microBatches().size(); j++) {
                List<BatchSlice> split = BatchSlice.split(step.microBatches().get(j), partitions);
                for (int k = 0; k < partitions; k++) {
                    BatchSlice slice = split.get(k);
                    slices.get(k).add(slice);
                    seeds.get(k)[j] = BatchSlice.dropoutSeed(step.dropoutSeeds()[j], k);
                    if (!slice.isEmpty()) share[k] += lossNormalizer(slice.batch());
                }
            }
            double total = 0;
            for (double s : share) total += s;
            for (int k = 0; k < partitions; k++) {
                byPartition.get(k).add(new LocalStep(slices.get(k), seeds.get(k), step.scale(), step.learningRate(),
                        total > 0 ? share[k] / total : 0));
                roundShare[k] += share[k];
            }
            roundTotal += total;
        }
        List<Work> work = new ArrayList<>();
        for (int k = 0; k < partitions; k++) work.add(new Work(k, byPartition.get(k), roundShare[k] / roundTotal));
        return work;
    }

    private Start start(AdamW optimizer, double maxGradNorm) {
        Map<String, float[]> expAvg = new LinkedHashMap<>(), expAvgSq = new LinkedHashMap<>();
        Map<String, Long> counts = new LinkedHashMap<>();
        optimizer.stateView().forEach((name, s) -> {
            expAvg.put(name, FloatArrays.of(s.expAvg(), 1f));
            expAvgSq.put(name, FloatArrays.of(s.expAvgSq(), 1f));
            counts.put(name, s.step());
        });
        return new Start(FloatArrays.of(trainableParameters(), 1f), expAvg, expAvgSq, counts, optimizer.config(), maxGradNorm);
    }

    /**
     * On an executor: the replica and its own AdamW set to the round's start, then the partition's steps, each as
     * the trainer takes one (accumulate the micro-batches, clip, step, or skip when not finite); returns the
     * weighted parameters and moments, and per step the weighted loss, norm and whether it was skipped.
     */
    private static TreeSum.Partial takeRound(TrainableModel model, Start start, Work work) {
        Map<String, INDArray> params = model.trainableParameters();
        Map<String, INDArray> gradients = new LinkedHashMap<>();
        Map<String, AdamW.ParameterState> state = new TreeMap<>();
        params.forEach((name, p) -> {
            FloatArrays.assign(p, start.parameters().get(name));
            gradients.put(name, Nd4j.zeros(p.dataType(), p.shape()));
            Long count = start.steps().get(name);
            if (count != null) {
                state.put(name, new AdamW.ParameterState(count, FloatArrays.shapedLike(start.expAvg().get(name), p),
                        FloatArrays.shapedLike(start.expAvgSq().get(name), p)));
            }
        });
        AdamW optimizer = new AdamW(start.config(), model::decays);
        optimizer.importState(state);
        FloatArrays.close(moments(state));

        double[] scalars = new double[3 * work.steps().size()];
        for (int s = 0; s < work.steps().size(); s++) {
            LocalStep step = work.steps().get(s);
            double loss = 0;
            int counted = 0;
            for (int j = 0; j < step.slices().size(); j++) {
                BatchSlice slice = step.slices().get(j);
                if (slice.isEmpty()) continue;
                loss += ReadBack.scalar(model.accumulateGradients(slice.batch(), step.scale(), step.dropoutSeeds()[j], gradients),
                        ReadBack.Use.REPLICAS);
                counted++;
            }
            if (counted == 0) continue;
            double norm = start.maxGradNorm() > 0
                    ? GradientClipping.clipByGlobalNorm(gradients, start.maxGradNorm())
                    : GradientClipping.globalNorm(gradients);
            loss /= counted;
            boolean finite = Double.isFinite(loss) && Double.isFinite(norm);
            if (finite) optimizer.step(params, gradients, step.learningRate());
            gradients.values().forEach(g -> g.assign(0));
            scalars[3 * s] = loss * step.weight();
            scalars[3 * s + 1] = norm * step.weight();
            scalars[3 * s + 2] = finite ? 0 : 1;
        }

        float weight = (float) work.weight();
        Map<String, float[]> arrays = new LinkedHashMap<>();
        FloatArrays.of(params, weight).forEach((name, values) -> arrays.put(PARAM + name, values));
        Map<String, AdamW.ParameterState> stepped = optimizer.stateView();
        params.forEach((name, p) -> {
            AdamW.ParameterState s = stepped.get(name);
            int n = Math.toIntExact(p.length());
            arrays.put(EXP_AVG + name, s != null ? FloatArrays.of(s.expAvg(), weight) : new float[n]);
            arrays.put(EXP_AVG_SQ + name, s != null ? FloatArrays.of(s.expAvgSq(), weight) : new float[n]);
        });
        FloatArrays.close(gradients.values());
        FloatArrays.close(moments(stepped));
        return new TreeSum.Partial(work.index(), scalars, arrays);
    }

    /** On the driver: the averages become the model's parameters and the optimizer's state; one outcome per step. */
    private List<StepOutcome> finish(TreeSum.Partial average, int stepCount, Start start, AdamW optimizer) {
        List<StepOutcome> outcomes = new ArrayList<>();
        int skipped = 0;
        for (int s = 0; s < stepCount; s++) {
            int replicas = (int) average.scalars()[3 * s + 2];
            if (replicas > 0) skipped++;
            outcomes.add(new StepOutcome(Nd4j.scalar(average.scalars()[3 * s]), Nd4j.scalar(average.scalars()[3 * s + 1]),
                    replicas == 0 ? null : "not finite on " + replicas + " of " + partitions + " replicas"));
        }
        Map<String, AdamW.ParameterState> state = new TreeMap<>();
        int steppedEverywhere = stepCount - skipped;
        trainableParameters().forEach((name, p) -> {
            FloatArrays.assign(p, average.arrays().get(PARAM + name));
            long count = start.steps().getOrDefault(name, 0L) + steppedEverywhere;
            if (count > 0) {
                state.put(name, new AdamW.ParameterState(count, FloatArrays.shapedLike(average.arrays().get(EXP_AVG + name), p),
                        FloatArrays.shapedLike(average.arrays().get(EXP_AVG_SQ + name), p)));
            }
        });
        optimizer.importState(state);
        FloatArrays.close(moments(state));
        return outcomes;
    }

    private static List<INDArray> moments(Map<String, AdamW.ParameterState> state) {
        List<INDArray> out = new ArrayList<>();
        state.values().forEach(s -> {
            out.add(s.expAvg());
            out.add(s.expAvgSq());
        });
        return out;
    }
}
