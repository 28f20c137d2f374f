package dev.jbert.cli.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.cli.Main;
import dev.jbert.testdata.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code jbert predict}, which runs on the inference API, against the fixtures' reference logits. */
class PredictCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void predictsTheReferenceProbabilitiesInFileOrder(@TempDir Path dir) throws IOException {
        JsonNode ref = Fixtures.json(Fixtures.folder("seq-cls").resolve("reference.json"));
        StringBuilder input = new StringBuilder();
        int singles = 8; // the fixture's first eight inputs are single texts
        for (int i = 0; i < singles; i++) {
            input.append(JSON.createObjectNode().put("text", ref.get("inputs").get(i).get("text").asText())).append('\n');
        }
        Files.writeString(dir.resolve("texts.jsonl"), input);
        Path out = dir.resolve("predictions.jsonl");
        // the reference encoded with max_length 24; a batch size of 3 splits the file into uneven batches
        assertEquals(0, Main.run("predict", "--model", Fixtures.folder("seq-cls").toString(), "--input",
                dir.resolve("texts.jsonl").toString(), "--output", out.toString(), "--logits", "--max-seq-length", "24",
                "--per-device-eval-batch-size", "3"));
        List<String> lines = Files.readAllLines(out);
        assertEquals(singles, lines.size());
        List<String> labels = List.of("negative", "neutral", "positive");
        for (int i = 0; i < singles; i++) {
            JsonNode line = JSON.readTree(lines.get(i));
            assertEquals(ref.get("inputs").get(i).get("text").asText(), line.get("text").asText());
            double[] logits = Fixtures.flatten(ref.get("logits").get(i));
            double max = Math.max(logits[0], Math.max(logits[1], logits[2]));
            double sum = 0;
            for (double l : logits) sum += Math.exp(l - max);
            int best = 0;
            for (int c = 0; c < 3; c++) {
                assertEquals(Math.exp(logits[c] - max) / sum, line.get("probabilities").get(labels.get(c)).asDouble(), 1e-5);
                assertEquals(logits[c], line.get("logits").get(c).asDouble(), 1e-5);
                if (logits[c] > logits[best]) best = c;
            }
            assertEquals(labels.get(best), line.get("label").asText());
            assertEquals(best, line.get("index").asInt());
        }
    }

    @Test
    void predictsEntitiesWithOffsets(@TempDir Path dir) throws IOException {
        String text = "EU rejects German call to boycott British lamb .";
        Files.writeString(dir.resolve("ner.jsonl"), JSON.createObjectNode().put("text", text) + "\n"
                + JSON.createObjectNode().put("text", "Peter Blackburn visited Mountainview") + "\n");
        Path out = dir.resolve("ner-predictions.jsonl");
        assertEquals(0, Main.run("predict", "--model", Fixtures.folder("token-cls").toString(), "--input",
                dir.resolve("ner.jsonl").toString(), "--output", out.toString(), "--aggregation", "first"));
        List<String> lines = Files.readAllLines(out);
        assertEquals(2, lines.size());
        JsonNode first = JSON.readTree(lines.get(0));
        assertEquals(text, first.get("text").asText());
        assertFalse(first.get("entities").isEmpty());
        for (JsonNode e : first.get("entities")) {
            assertEquals(text.substring(e.get("start").asInt(), e.get("end").asInt()), e.get("word").asText());
            assertTrue(e.has("entityGroup") && e.has("score"));
        }
        assertFalse(first.has("truncated"));
    }
}
