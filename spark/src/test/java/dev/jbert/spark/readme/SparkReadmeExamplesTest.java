package dev.jbert.spark.readme;

import dev.jbert.core.metrics.MetricReport;
import dev.jbert.testdata.Fixtures;
import dev.jbert.testdata.ReadmeRegions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's Spark blocks are {@link SparkReadmeExamples}' regions; the scoring one runs on local Spark. */
class SparkReadmeExamplesTest {

    static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("jbert-readme")
                .config("spark.ui.enabled", false)
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", 2)
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void theReadmesSparkBlocksAreTheseExamples() {
        ReadmeRegions.assertReadmeShows(Path.of("src/test/java/dev/jbert/spark/readme/SparkReadmeExamples.java"));
    }

    @Test
    void theScoringExampleScoresSavesAndEvaluates() throws Exception {
        List<String> labels = Fixtures.labels("seq-cls");
        List<Row> texts = new ArrayList<>(), labelled = new ArrayList<>();
        List<String> lines = Files.readAllLines(Fixtures.repositoryRoot().resolve("samples/sst2/dev.tsv"));
        for (int i = 1; i <= 40; i++) {
            String sentence = lines.get(i).split("\t")[0];
            texts.add(RowFactory.create(sentence));
            labelled.add(RowFactory.create(sentence, labels.get(i % labels.size())));
        }
        StructType one = DataTypes.createStructType(List.of(DataTypes.createStructField("sentence", DataTypes.StringType, true)));
        StructType two = DataTypes.createStructType(List.of(DataTypes.createStructField("sentence", DataTypes.StringType, true),
                DataTypes.createStructField("label", DataTypes.StringType, true)));
        Dataset<Row> textFrame = spark.createDataFrame(texts, one).repartition(2);
        Dataset<Row> labelledFrame = spark.createDataFrame(labelled, two).repartition(2);
        Path saved = dir.resolve("pipeline");
        MetricReport report = SparkReadmeExamples.scoring(Fixtures.folder("seq-cls").toString(), textFrame, labelledFrame, saved.toString());
        assertTrue(Files.isDirectory(saved.resolve("stages")), "the pipeline was saved");
        assertTrue(report.toMap().containsKey("accuracy"), report.toMap().toString());
    }
}
