package dev.jbert.spark.bench;

import dev.jbert.core.data.Task;
import dev.jbert.bench.InferenceBench;
import dev.jbert.bench.harness.Harness;
import dev.jbert.bench.harness.ModelShape;
import dev.jbert.bench.harness.Timings;
import dev.jbert.core.data.Batch;
import dev.jbert.core.tokenizer.Tokenizer;
import dev.jbert.core.train.PlannedStep;
import dev.jbert.core.train.TrainableModel;
import dev.jbert.core.train.optim.AdamW;
import dev.jbert.core.train.optim.AdamWConfig;
import dev.jbert.core.train.optim.GradientClipping;
import dev.jbert.heads.TrainedParameters;
import dev.jbert.heads.ClassifierSpec;
import dev.jbert.heads.SavedClassifier;
import dev.jbert.heads.inference.TextClassifier;
import dev.jbert.spark.DataParallelModel;
import dev.jbert.spark.JbertClassifier;
import dev.jbert.spark.ParameterAveragingModel;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The Spark rows of the benchmarks, on {@code local[P]} in this JVM: scoring throughput of {@link JbertClassifier}
 * beside the single-JVM {@link TextClassifier} on the same texts, and the per-step cost of data-parallel training
 * ({@link DataParallelModel}) beside one JVM's gradient pass on the same batch, with the bytes a step moves, and of
 * the K-steps-local variant ({@link ParameterAveragingModel}) beside one JVM's whole optimizer steps. Models are the
 * bench's shapes ({@link ModelShape}) with random weights, saved to a temporary folder (the figures are of the shapes,
 * not of any checkpoint).
 *
 * <p>Usage: {@code spark/bench.sh [SHAPES=tiny,base] [PARTITIONS=2] [SCORING_TEXTS=2000] [STEPS=5] [LOCAL_STEPS=4]}.
 */
public final class SparkBench {

    private static final int TRAIN_BATCH = 16;
    private static final int LENGTH = 128;
    private static final double LEARNING_RATE = 2e-5;
    private static final double MAX_GRAD_NORM = 1.0;

    private SparkBench() {
    }

    /**
     * Runs the benchmarks and prints their rows.
     *
     * @param args shapes (comma-separated, default {@code tiny,base}), partitions (2), scoring texts (2000), steps (5)
     *             and local steps per round (4), each optional in that order
     * @throws IOException when a temporary model folder cannot be created
     */
    public static void main(String[] args) throws IOException {
        List<String> shapes = List.of((args.length > 0 ? args[0] : "tiny,base").split(","));
        int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int scoringTexts = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        int steps = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        int localSteps = args.length > 4 ? Integer.parseInt(args[4]) : 4;
        SparkSession spark = SparkSession.builder().master("local[" + partitions + "]").appName("jbert-spark-bench")
                .config("spark.ui.enabled", false).config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.driver.maxResultSize", "4g").getOrCreate();
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<String> rows = new ArrayList<>();
        try {
            for (String name : shapes) {
                ModelShape shape = ModelShape.named(name.strip());
                Path folder = Files.createTempDirectory("jbert-spark-bench-" + shape.name());
                InferenceBench.saveRandomModel(shape, folder);
                List<String> texts = InferenceBench.sampleTexts(Tokenizer.fromDirectory(folder), scoringTexts, new Random(3));
                rows.add(scoring(spark, shape, folder, texts, partitions));
                rows.add(training(context, shape, folder, partitions, steps));
                rows.add(localSteps(context, shape, folder, partitions, steps, localSteps));
            }
        } finally {
            spark.stop();
        }
        System.out.println();
        System.out.println("| shape | what | one JVM | Spark local[" + partitions + "] | ratio | bytes per step |");
        System.out.println("|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    private static String scoring(SparkSession spark, ModelShape shape, Path folder, List<String> texts, int partitions) {
        double single;
        try (TextClassifier classifier = TextClassifier.load(folder)) {
            classifier.classifyBatch(texts.subList(0, 64));
            long start = System.nanoTime();
            classifier.classifyBatch(texts);
            single = texts.size() / ((System.nanoTime() - start) / 1e9);
        }
        Dataset<Row> frame = spark.createDataFrame(texts.stream().map(t -> RowFactory.create(t)).toList(),
                DataTypes.createStructType(List.of(DataTypes.createStructField("text", DataTypes.StringType, false)))).repartition(partitions).cache();
        frame.count();
        JbertClassifier classifier = new JbertClassifier().setModelPath(folder.toString());
        classifier.transform(frame.limit(64)).count(); // loads the model on the executors
        long start = System.nanoTime();
        long scored = classifier.transform(frame).select("prediction").collectAsList().size();
        double distributed = scored / ((System.nanoTime() - start) / 1e9);
        System.out.printf("%s scoring: one JVM %.1f texts/s, Spark %.1f texts/s%n", shape.name(), single, distributed);
        return String.format(Locale.ROOT, "| %s | scoring, texts/s | %.1f | %.1f | %.2fx | - |", shape.name(), single, distributed, distributed / single);
    }

    private static String training(JavaSparkContext context, ModelShape shape, Path folder, int partitions, int steps) {
        Batch batch = Harness.randomBatch(new Random(5), TRAIN_BATCH, LENGTH, shape.vocab());
        TrainableModel single = SavedClassifier.open(folder, spec(), 1, TrainedParameters.ALL);
        String path = folder.toString();
        DataParallelModel parallel = new DataParallelModel(context, SavedClassifier.open(folder, spec(), 1, TrainedParameters.ALL),
                () -> SavedClassifier.open(Path.of(path), spec(), 1, TrainedParameters.ALL), partitions, 2);
        double one = secondsPerStep(single, batch, steps);
        double many = secondsPerStep(parallel, batch, steps);
        long bytes = parallel.bytesPerStep() * 2L * partitions;
        System.out.printf("%s training step (batch %d x %d): one JVM %.3f s, Spark %.3f s, %,d bytes moved%n", shape.name(), TRAIN_BATCH, LENGTH,
                one, many, bytes);
        return String.format(Locale.ROOT, "| %s | training step (batch %d x %d), s | %.3f | %.3f | %.2fx | %,d (%.1f MB) |", shape.name(), TRAIN_BATCH, LENGTH,
                one, many, one / many, bytes, bytes / 1e6);
    }

    /**
     * Seconds per optimizer step (gradient, clipping, AdamW) in one JVM, against a {@link ParameterAveragingModel}
     * round of {@code k} steps divided by {@code k}; one untimed round first, then {@code max(2, steps / k)} timed.
     */
    private static String localSteps(JavaSparkContext context, ModelShape shape, Path folder, int partitions, int steps, int k) {
        Batch batch = Harness.randomBatch(new Random(5), TRAIN_BATCH, LENGTH, shape.vocab());
        String path = folder.toString();
        TrainableModel single = SavedClassifier.open(folder, spec(), 1, TrainedParameters.ALL);
        ParameterAveragingModel averaging = new ParameterAveragingModel(context, SavedClassifier.open(folder, spec(), 1, TrainedParameters.ALL),
                () -> SavedClassifier.open(Path.of(path), spec(), 1, TrainedParameters.ALL), partitions, k, 2);
        int rounds = Math.max(2, steps / k);
        double one = secondsPerOptimizerStep(single, batch, rounds * k);
        AdamW optimizer = new AdamW(AdamWConfig.torchDefaults(), averaging::decays);
        double[] seconds = new double[rounds];
        for (int r = -1; r < rounds; r++) {
            List<PlannedStep> round = new ArrayList<>();
            for (int s = 0; s < k; s++) {
                long step = (long) (r + 1) * k + s;
                round.add(new PlannedStep(step, List.of(batch), new long[] {step + 1}, 1.0, LEARNING_RATE));
            }
            long start = System.nanoTime();
            averaging.round(round, optimizer, MAX_GRAD_NORM);
            if (r >= 0) seconds[r] = (System.nanoTime() - start) / 1e9 / k;
        }
        double many = Timings.of(seconds).median();
        long bytes = averaging.bytesPerRound() * 2L * partitions / k;
        System.out.printf("%s %d-steps-local step (batch %d x %d): one JVM %.3f s, Spark %.3f s, %,d bytes moved per step%n", shape.name(), k,
                TRAIN_BATCH, LENGTH, one, many, bytes);
        return String.format(Locale.ROOT, "| %s | %d-steps-local, optimizer step (batch %d x %d), s | %.3f | %.3f | %.2fx | %,d (%.1f MB) |",
                shape.name(), k, TRAIN_BATCH, LENGTH, one, many, one / many, bytes, bytes / 1e6);
    }

    /** The median seconds of a whole optimizer step (gradient, clipping, AdamW) over the batch, after one untimed step. */
    private static double secondsPerOptimizerStep(TrainableModel model, Batch batch, int steps) {
        Map<String, INDArray> params = model.trainableParameters();
        Map<String, INDArray> gradients = new LinkedHashMap<>();
        params.forEach((name, p) -> gradients.put(name, Nd4j.zeros(p.dataType(), p.shape())));
        AdamW optimizer = new AdamW(AdamWConfig.torchDefaults(), model::decays);
        double[] seconds = new double[steps];
        for (int s = -1; s < steps; s++) {
            long start = System.nanoTime();
            model.accumulateGradients(batch, 1.0, s + 2, gradients);
            GradientClipping.clipByGlobalNorm(gradients, MAX_GRAD_NORM);
            optimizer.step(params, gradients, LEARNING_RATE);
            gradients.values().forEach(g -> g.assign(0));
            if (s >= 0) seconds[s] = (System.nanoTime() - start) / 1e9;
        }
        return Timings.of(seconds).median();
    }

    /** The median seconds of a gradient pass over the batch, after one untimed pass. */
    private static double secondsPerStep(TrainableModel model, Batch batch, int steps) {
        Map<String, INDArray> gradients = new LinkedHashMap<>();
        model.trainableParameters().forEach((name, p) -> gradients.put(name, Nd4j.zeros(p.dataType(), p.shape())));
        model.accumulateGradients(batch, 1.0, 1, gradients);
        double[] seconds = new double[steps];
        for (int s = 0; s < steps; s++) {
            long start = System.nanoTime();
            model.accumulateGradients(batch, 1.0, s + 2, gradients);
            seconds[s] = (System.nanoTime() - start) / 1e9;
        }
        return Timings.of(seconds).median();
    }

    private static ClassifierSpec spec() {
        return ClassifierSpec.of(Task.SINGLE_LABEL, List.of("negative", "positive"));
    }
}
