package dev.jbert.spark;

import dev.jbert.core.data.Task;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.jbert.core.metrics.MetricReport;
import dev.jbert.heads.SavedClassifier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code spark-submit} entry for users with files and no code: {@code predict} scores a file of texts into a folder,
 * {@code eval} evaluates a labelled file and writes the metrics as JSON.
 *
 * <pre>
 * spark-submit --class dev.jbert.spark.SparkJob --jars "$(ls spark/target/lib/*.jar | paste -sd,)" spark/target/jbert-spark.jar \
 *     predict --model hdfs:///models/sst2 --input hdfs:///data/texts.tsv --output hdfs:///data/scored
 * </pre>
 */
@Command(name = "jbert-spark", mixinStandardHelpOptions = true, subcommands = {SparkJob.Predict.class, SparkJob.Eval.class},
        description = "Score or evaluate files with a jbert classifier on Spark.")
public final class SparkJob {

    private SparkJob() {
    }

    /**
     * Runs a command and exits the JVM with its exit code (see {@link #run}).
     *
     * @param args the command ({@code predict} or {@code eval}) and its options
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs a command and returns its exit code: 0 success, 1 bad input, 2 bad usage.
     *
     * @param args the command ({@code predict} or {@code eval}) and its options
     * @return the exit code
     */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(SparkJob.class);
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            commandLine.getErr().println("error: " + e.getMessage());
            return 1;
        });
        return cli.execute(args);
    }

    /** What both commands read: the model, the file and its columns, and the session. */
    abstract static class Common {
        @Option(names = "--model", required = true, description = "The classifier folder (any path Spark can read).")
        String model;

        @Option(names = "--input", required = true, description = "A CSV, TSV, JSON Lines or Parquet file or folder (by extension, or --format).")
        String input;

        @Option(names = "--format", description = "csv, tsv, jsonl or parquet (default: from the extension).")
        String format;

        @Option(names = "--text-column", defaultValue = "text", description = "Default: ${DEFAULT-VALUE}.")
        String textColumn;

        @Option(names = "--text-pair-column", defaultValue = "", description = "For sentence-pair models (default: none).")
        String pairColumn;

        @Option(names = "--batch-size", defaultValue = "32", description = "Texts per forward pass. Default: ${DEFAULT-VALUE}.")
        int batchSize;

        @Option(names = "--partitions", defaultValue = "0", description = "Repartition the input first (default: as read).")
        int partitions;

        @Option(names = "--master", description = "Spark master, when not run by spark-submit (say, local[2]).")
        String master;

        SparkSession session() {
            SparkSession.Builder builder = SparkSession.builder().appName("jbert " + getClass().getSimpleName().toLowerCase(Locale.ROOT));
            if (master != null) builder.master(master);
            return builder.getOrCreate();
        }

        JbertClassifier classifier() {
            return new JbertClassifier().setModelPath(model).setInputCol(textColumn).setPairCol(pairColumn).setBatchSize(batchSize);
        }

        Dataset<Row> read(SparkSession spark) {
            String kind = format != null ? format.toLowerCase(Locale.ROOT) : extension(input);
            DataFrameReader reader = spark.read();
            Dataset<Row> data = switch (kind) {
                case "csv" -> reader.option("header", true).option("multiLine", true).option("escape", "\"").csv(input);
                case "tsv" -> reader.option("header", true).option("sep", "\t").option("quote", "").csv(input);
                case "jsonl", "json" -> reader.json(input);
                case "parquet" -> reader.parquet(input);
                default -> throw new IllegalArgumentException("--input " + input + ": unknown format '" + kind + "'; give --format csv, tsv, jsonl or parquet");
            };
            return partitions > 0 ? data.repartition(partitions) : data;
        }

        private static String extension(String path) {
            String name = path.replaceAll("/+$", "");
            int dot = name.lastIndexOf('.');
            return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        }
    }

    @Command(name = "predict", mixinStandardHelpOptions = true, description = "Score a file: the input columns plus the model's outputs.")
    static final class Predict extends Common implements Callable<Integer> {
        @Option(names = "--output", required = true, description = "The output folder.")
        String output;

        @Option(names = "--output-format", defaultValue = "parquet", description = "parquet or json (vectors and entities need one of these). Default: ${DEFAULT-VALUE}.")
        String outputFormat;

        @Override
        public Integer call() {
            SparkSession spark = session();
            Dataset<Row> scored = classifier().transform(read(spark));
            if (scored.schema().getFieldIndex("probability").isDefined()) {
                scored = scored.withColumn("probability", org.apache.spark.ml.functions.vector_to_array(functions.col("probability"), "float64"));
            }
            switch (outputFormat.toLowerCase(Locale.ROOT)) {
                case "parquet" -> scored.write().mode(SaveMode.Overwrite).parquet(output);
                case "json" -> scored.write().mode(SaveMode.Overwrite).json(output);
                default -> throw new IllegalArgumentException("--output-format " + outputFormat + ": expected parquet or json");
            }
            return 0;
        }
    }

    @Command(name = "eval", mixinStandardHelpOptions = true,
            description = "Evaluate a labelled file (for token models, JSON Lines of word and tag arrays); prints the metrics and writes them as JSON.")
    static final class Eval extends Common implements Callable<Integer> {
        @Option(names = "--label-column", defaultValue = "label", description = "Default: ${DEFAULT-VALUE}.")
        String labelColumn;

        @Option(names = "--words-column", defaultValue = "tokens", description = "Token models: the array of words. Default: ${DEFAULT-VALUE}.")
        String wordsColumn;

        @Option(names = "--tags-column", defaultValue = "ner_tags", description = "Token models: the array of tags. Default: ${DEFAULT-VALUE}.")
        String tagsColumn;

        @Option(names = "--report", description = "Write the metrics to this local JSON file.")
        Path report;

        @Override
        public Integer call() throws IOException {
            SparkSession spark = session();
            boolean tokens = SavedClassifier.specOf(ExecutorModels.local(model)).task() == Task.TOKEN_CLASSIFICATION;
            MetricReport metrics = tokens
                    ? DistributedEvaluator.evaluateTokens(classifier(), read(spark), wordsColumn, tagsColumn)
                    : DistributedEvaluator.evaluate(classifier(), read(spark), labelColumn);
            String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(metrics.toMap());
            System.out.println(json);
            if (report != null) Files.writeString(report, json);
            return 0;
        }
    }
}
