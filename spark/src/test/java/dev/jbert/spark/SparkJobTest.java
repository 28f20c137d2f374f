package dev.jbert.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.testdata.Fixtures;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The spark-submit entry on {@code local[2]}: predict into Parquet, eval into JSON, and its exit codes. */
class SparkJobTest {

    @TempDir
    static Path tmp;

    /** The job builds its own session, as under spark-submit; Spark reads these from system properties. */
    @BeforeAll
    static void quietLocalSession() {
        System.setProperty("spark.ui.enabled", "false");
        System.setProperty("spark.driver.host", "127.0.0.1");
        System.setProperty("spark.driver.bindAddress", "127.0.0.1");
    }

    @AfterAll
    static void stop() {
        for (String key : new String[]{"spark.ui.enabled", "spark.driver.host", "spark.driver.bindAddress"}) System.clearProperty(key);
        SparkSession.active().stop();
    }

    private static Path sample() throws IOException {
        Path file = tmp.resolve("dev.tsv");
        if (!Files.exists(file)) {
            Files.write(file, Files.readAllLines(Fixtures.repositoryRoot().resolve("samples/sst2/dev.tsv")).subList(0, 61));
        }
        return file;
    }

    @Test
    void predictWritesEveryRowWithItsPrediction() throws IOException {
        Path out = tmp.resolve("scored");
        assertEquals(0, SparkJob.run("predict", "--master", "local[2]", "--model", Fixtures.folder("seq-cls").toString(),
                "--input", sample().toString(), "--text-column", "sentence", "--partitions", "2", "--output", out.toString()));
        List<Row> rows = SparkSession.active().read().parquet(out.toString()).collectAsList();
        assertEquals(60, rows.size());
        assertTrue(rows.stream().allMatch(r -> Fixtures.labels("seq-cls").contains(r.getAs("prediction"))));
        assertEquals(Fixtures.numLabels("seq-cls"), ((scala.collection.Seq<?>) rows.get(0).getAs("probability")).size());
    }

    @Test
    void evalPrintsAndWritesTheMetrics() throws IOException {
        Path report = tmp.resolve("metrics.json");
        assertEquals(0, SparkJob.run("eval", "--master", "local[2]", "--model", Fixtures.folder("seq-cls").toString(),
                "--input", sample().toString(), "--text-column", "sentence", "--report", report.toString()));
        JsonNode metrics = new ObjectMapper().readTree(report.toFile());
        assertTrue(metrics.has("accuracy") && metrics.has("f1_macro"), metrics.toString());
    }

    @Test
    void evalOfATokenModelReadsWordAndTagArrays() throws IOException {
        Path file = tmp.resolve("ner.jsonl");
        Files.writeString(file, """
                {"tokens": ["Peter", "Blackburn", "visited", "London"], "ner_tags": ["B-PER", "I-PER", "O", "B-LOC"]}
                {"tokens": ["EU", "rejects", "German", "call"], "ner_tags": ["B-ORG", "O", "B-MISC", "O"]}
                """);
        Path report = tmp.resolve("ner-metrics.json");
        assertEquals(0, SparkJob.run("eval", "--master", "local[2]", "--model", Fixtures.folder("token-cls").toString(),
                "--input", file.toString(), "--report", report.toString()));
        assertTrue(new ObjectMapper().readTree(report.toFile()).size() > 0);
    }

    @Test
    void badInputAndBadUsageExitWithTheirCodes() throws IOException {
        assertEquals(2, SparkJob.run("predict", "--input", sample().toString(), "--output", tmp.resolve("x").toString()), "no --model");
        assertEquals(1, SparkJob.run("eval", "--master", "local[2]", "--model", Fixtures.folder("seq-cls").toString(),
                "--input", sample().toString(), "--text-column", "nope"), "a column the file lacks");
        assertEquals(1, SparkJob.run("eval", "--master", "local[2]", "--model", Fixtures.folder("seq-cls").toString(),
                "--input", tmp.resolve("data.xlsx").toString()), "an unknown format");
    }
}
