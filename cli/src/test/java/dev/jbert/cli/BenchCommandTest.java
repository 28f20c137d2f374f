package dev.jbert.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code jbert bench} writes its JSON and Markdown; bad options are one clear error. */
class BenchCommandTest {

    @TempDir
    Path out;

    private final String texts = Fixtures.repositoryRoot().resolve("samples/sst2/dev.tsv").toString();

    @Test
    void aShortRunWritesResults() throws Exception {
        assertEquals(0, Main.run("bench", "--shapes", "tiny", "--train-batch", "2", "--inference-batch", "2", "--length", "16",
                "--warmup", "1", "--steps", "2", "--latency-requests", "2", "--gemm-size", "64", "--texts", texts,
                "--pytorch", "reference", "--output", out.toString()));
        JsonNode json = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertEquals("tiny", json.at("/shapes/0/shape").asText());
        assertTrue(json.at("/shapes/0/inference/sequencesPerSecond").asDouble() > 0);
        assertTrue(Files.readString(out.resolve("results.md")).contains("| tiny | 2/128/2 | inference | 2 × 16 |"));
    }

    @Test
    void badOptionsAreClearErrors() {
        assertEquals(2, Main.run("bench", "--shapes", "large", "--texts", texts, "--output", out.toString()));
        assertEquals(2, Main.run("bench", "--pytorch", "maybe", "--texts", texts, "--output", out.toString()));
        assertEquals(1, Main.run("bench", "--texts", out.resolve("none.tsv").toString(), "--output", out.toString()));
        assertEquals(2, Main.run("bench", "--length", "600", "--texts", texts, "--output", out.toString()));
    }
}
