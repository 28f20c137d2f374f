package dev.jbert.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.bench.accuracy.AccuracyReport;
import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code jbert bench accuracy} end to end on a two-step recipe over the bundled samples, each run in a JVM of its own. */
class AccuracyCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path recipes() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("recipes"));
        Files.writeString(folder.resolve("tiny-sst2.json"), """
                {"task": "SST-2 sample", "description": "two steps on the bundled sample",
                 "train": "${data}/sst2/train.tsv", "validation": "${data}/sst2/dev.tsv", "test": "${data}/sst2/dev.tsv",
                 "flags": ["--max-steps", "2", "--max-seq-length", "32", "--save-strategy", "no", "--eval-strategy", "no"],
                 "metrics": [{"key": "accuracy", "label": "accuracy", "noise": 0.005}, {"key": "1:recall", "noise": 0.005},
                             {"key": "test/accuracy", "noise": 0.005}],
                 "trainer": {"metrics": {"accuracy": 0.5}, "seconds": 1, "source": "made up for the test"},
                 "variants": [{"name": "focal loss", "flags": ["--loss", "focal"]}]}
                """);
        return folder;
    }

    @Test
    void trainsEvaluatesAndWritesTheReport() throws IOException {
        Path samples = Fixtures.repositoryRoot().resolve("samples");
        Path report = dir.resolve("report");
        assertEquals(0, Main.run("bench", "accuracy", "--recipes", recipes().toString(), "--data", samples.toString(),
                "--runs", dir.resolve("runs").toString(), "--report", report.toString(), "--variant", "recipe"));

        JsonNode runs = JSON.readTree(report.resolve(AccuracyReport.JSON_FILE).toFile());
        assertEquals(1, runs.size(), "--variant recipe runs the recipe alone");
        JsonNode metrics = runs.get(0).get("metrics");
        JsonNode evaluated = JSON.readTree(dir.resolve("runs/tiny-sst2/test/report.json").toFile()).get("metrics");
        assertEquals(evaluated.get("accuracy").asDouble(), metrics.get("test/accuracy").asDouble(), 0.0);
        assertTrue(metrics.has("accuracy") && metrics.has("1:recall"), metrics.toString());
        String md = Files.readString(report.resolve(AccuracyReport.MARKDOWN_FILE));
        assertTrue(md.contains("| SST-2 sample |") && md.contains("| jbert, focal loss |  |  |  | not run yet |"), md);
    }

    /** The shipped RTE recipe, every flag of it, on the bundled RTE sample: the recipes cannot drift from what train takes. */
    @Test
    void aShippedRecipeRunsOnTheBundledSamples() throws IOException {
        Path root = Fixtures.repositoryRoot();
        Path runs = dir.resolve("shipped");
        assertEquals(0, Main.run("bench", "accuracy", "rte", "--recipes", root.resolve("bench/accuracy").toString(),
                "--data", root.resolve("samples").toString(), "--runs", runs.toString(), "--max-steps", "1"));
        JsonNode recorded = JSON.readTree(runs.resolve(AccuracyReport.JSON_FILE).toFile());
        assertEquals("rte", recorded.get(0).get("recipe").asText(), "a capped run reports beside its models, not into the suite's record");
        assertTrue(recorded.get(0).get("metrics").has("accuracy"), recorded.toString());
    }

    @Test
    void badRequestsFailBeforeAnythingRuns() throws IOException {
        Path recipes = recipes();
        assertEquals(1, Main.run("bench", "accuracy", "--recipes", recipes.toString(), "--data", dir.resolve("nowhere").toString(), "--dry-run"));
        assertEquals(2, Main.run("bench", "accuracy", "nosuch", "--recipes", recipes.toString(), "--data", dir.toString(), "--dry-run"));
        assertEquals(2, Main.run("bench", "accuracy", "--recipes", recipes.toString(), "--data", dir.toString(), "--variant", "nosuch", "--dry-run"));
        assertEquals(1, Main.run("bench", "accuracy", "--recipes", dir.resolve("missing").toString(), "--data", dir.toString(), "--dry-run"));
        assertTrue(Files.notExists(dir.resolve("runs")), "nothing ran");
    }
}
