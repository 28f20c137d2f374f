package dev.jbert.spark.readme;

import dev.jbert.core.data.Task;
import dev.jbert.core.metrics.MetricReport;
import dev.jbert.core.train.Evaluator;
import dev.jbert.core.train.Trainer;
import dev.jbert.core.train.TrainingArguments;
import dev.jbert.core.train.TrainingData;
import dev.jbert.core.train.TrainingListener;
import dev.jbert.heads.ClassifierModel;
import dev.jbert.heads.ClassifierSpec;
import dev.jbert.heads.SavedClassifier;
import dev.jbert.heads.TrainedParameters;
import dev.jbert.spark.DataParallelModel;
import dev.jbert.spark.DistributedEvaluator;
import dev.jbert.spark.JbertClassifier;
import dev.jbert.spark.ParameterAveragingModel;
import dev.jbert.spark.Replica;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The README's Spark examples, compiled by the test suite; {@link SparkReadmeExamplesTest} checks the README's blocks
 * are these regions and runs the scoring one on local Spark (the training loops it wraps are the ones
 * {@code DataParallelTrainingTest} and {@code ParameterAveragingTest} run).
 */
final class SparkReadmeExamples {

    private SparkReadmeExamples() {
    }

    static MetricReport scoring(String modelPath, Dataset<Row> texts, Dataset<Row> labelled, String pipelinePath) throws IOException {
        // README scoring
        JbertClassifier classifier = new JbertClassifier()
                .setModelPath(modelPath)                   // any path Spark can read; copied to each machine once
                .setInputCol("sentence")                   // .setPairCol("sentence2") for pair models
                .setBatchSize(32);                         // .setMaxLength(128), .setThreshold(0.5), .setAggregation("first")
        PipelineModel pipeline = new Pipeline().setStages(new PipelineStage[]{classifier}).fit(texts);
        Dataset<Row> scored = pipeline.transform(texts);  // + prediction, score, probability (a vector); entities for token models
        pipeline.write().overwrite().save(pipelinePath);

        MetricReport report = DistributedEvaluator.evaluate(classifier, labelled, "label");  // accuracy, f1_macro, ...
        // END
        scored.count();
        return report;
    }

    static void dataParallel(SparkSession spark, String dir, ClassifierSpec spec, long seed, List<String> labels, int partitions,
                                     TrainingData trainingData, Evaluator evaluator, TrainingArguments args,
                                     List<TrainingListener> listeners, Optional<Path> resumeFrom) {
        // README data-parallel
        ClassifierModel driver = SavedClassifier.open(Path.of(dir), spec, seed, TrainedParameters.ALL);
        DataParallelModel model = new DataParallelModel(new JavaSparkContext(spark.sparkContext()), driver,
                () -> SavedClassifier.open(Path.of(dir), ClassifierSpec.of(Task.SINGLE_LABEL, labels), seed, TrainedParameters.ALL),
                partitions, 2);                            // the replica each executor builds once; the tree's fan-in
        new Trainer(model, trainingData, evaluator, args, listeners).train(resumeFrom);
        // END
    }

    static void parameterAveraging(JavaSparkContext jsc, ClassifierModel driver, Replica replica, int partitions, TrainingData trainingData,
                                   Evaluator evaluator, TrainingArguments args, List<TrainingListener> listeners, Optional<Path> resumeFrom) {
        // README parameter-averaging
        ParameterAveragingModel model = new ParameterAveragingModel(jsc, driver, replica, partitions,
                4, 2);                                     // K = 4 local steps per round; the tree's fan-in
        new Trainer(model, trainingData, evaluator, args, listeners).train(resumeFrom);   // eval/save steps: multiples of K
        // END
    }
}
